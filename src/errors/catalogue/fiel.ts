import { defineErrors } from '../definition';

/** e.firma (FIEL) credentials: codes DM-7xxx. */
export const fielErrors = defineErrors({
  unreadable: {
    code: 'DM-7001',
    kind: 'validation',
    es: 'No se pudo leer el {archivo} de la e.firma (use el .cer y el .key que entrega el SAT, DER o PEM).',
    en: 'Could not read the e.firma {archivo} (use the .cer and .key SAT issues, DER or PEM).',
  },
  wrongPassword: {
    code: 'DM-7002',
    kind: 'validation',
    es: 'La contraseña de la llave privada de la e.firma no es correcta.',
    en: 'The e.firma private key password is wrong.',
  },
  pairMismatch: {
    code: 'DM-7003',
    kind: 'validation',
    es: 'La llave privada no corresponde al certificado.',
    en: 'The private key does not belong to the certificate.',
  },
  notFiel: {
    code: 'DM-7004',
    kind: 'validation',
    es: 'El certificado es un CSD (sello digital), no una e.firma (FIEL); el SAT exige la e.firma para descarga masiva.',
    en: 'The certificate is a CSD (seal certificate), not an e.firma (FIEL); SAT requires the e.firma for bulk download.',
  },
  expired: {
    code: 'DM-7005',
    kind: 'validation',
    es: 'La e.firma de {rfc} venció el {fecha}.',
    en: 'The e.firma of {rfc} expired on {fecha}.',
  },
  notYetValid: {
    code: 'DM-7006',
    kind: 'validation',
    es: 'La e.firma de {rfc} es válida a partir del {fecha}.',
    en: 'The e.firma of {rfc} is valid from {fecha}.',
  },
  rfcMismatch: {
    code: 'DM-7007',
    kind: 'validation',
    es: 'La e.firma enviada es de {rfc}, no de {esperado}.',
    en: 'The e.firma sent belongs to {rfc}, not to {esperado}.',
  },
  notEnrolled: {
    code: 'DM-7008',
    kind: 'not-found',
    es: 'La cuenta no tiene una e.firma (FIEL) del RFC {rfc}; no se eliminó nada.',
    en: 'The account has no e.firma (FIEL) for RFC {rfc}; nothing was removed.',
  },
});
