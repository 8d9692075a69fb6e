import { defineErrors } from '../definition';

/** Envelopes that cannot be read or routed (SOAP layer): codes DM-21xx. */
export const soapErrors = defineErrors({
  malformedEnvelope: {
    code: 'DM-2101',
    kind: 'validation',
    es: 'El mensaje no es un sobre SOAP bien formado.',
    en: 'The message is not a well-formed SOAP envelope.',
  },
  dtdForbidden: {
    code: 'DM-2102',
    kind: 'validation',
    es: 'El mensaje contiene una declaración DOCTYPE o ENTITY; no se admiten.',
    en: 'The message contains a DOCTYPE or ENTITY declaration; they are not accepted.',
  },
  unknownSoapAction: {
    code: 'DM-2103',
    kind: 'validation',
    es: 'La acción SOAP "{action}" no corresponde a ninguna operación de este servicio.',
    en: 'SOAP action "{action}" does not match any operation of this service.',
  },
  unknownOperation: {
    code: 'DM-2104',
    kind: 'validation',
    es: 'El elemento {element} del cuerpo no corresponde a ninguna operación de este servicio.',
    en: 'Body element {element} does not match any operation of this service.',
  },
  unsupportedContentType: {
    code: 'DM-2105',
    kind: 'validation',
    es: 'Tipo de contenido no admitido; use text/xml (SOAP 1.1) o application/soap+xml (SOAP 1.2).',
    en: 'Unsupported content type; use text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2).',
  },
});
