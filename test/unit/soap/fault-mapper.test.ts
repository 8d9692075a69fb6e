import { DOMParser, type Document } from '@xmldom/xmldom';
import {
  AuthenticationError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitError,
  StorageError,
  ValidationError,
  generalErrors,
  type ErrorDefinition,
} from '../../../src/errors';
import { DESCARGA_MASIVA_FAULT_DETAIL, toSoapFault } from '../../../src/soap/infra/fault-mapper';
import { SOAP11_ENVELOPE_NS, SOAP12_ENVELOPE_NS } from '../../../src/soap/infra/soap-version';

const DM = 'urn:descarga-masiva:v1';
const storageFailed: ErrorDefinition = {
  code: 'DM-6999',
  kind: 'storage',
  es: 'Falló el almacén',
  en: 'Store failed',
};

function parse(body: string): Document {
  // The replacement character is expected in one case; xmldom would warn on the console about it.
  return new DOMParser({ onError: () => undefined }).parseFromString(body, 'text/xml');
}
function textOf(document: Document, namespace: string | null, name: string): string | undefined {
  const nodes =
    namespace === null
      ? document.getElementsByTagName(name)
      : document.getElementsByTagNameNS(namespace, name);
  return nodes.length === 0 ? undefined : (nodes[0].textContent ?? undefined);
}
function soap11(error: unknown) {
  return toSoapFault(error, { version: '1.1', requestId: 'req-1', detail: DESCARGA_MASIVA_FAULT_DETAIL });
}
function soap12(error: unknown) {
  return toSoapFault(error, { version: '1.2', requestId: 'req-2', detail: DESCARGA_MASIVA_FAULT_DETAIL });
}

describe('toSoapFault, SOAP 1.1', () => {
  const validation = new ValidationError(generalErrors.fieldInvalid, {
    params: { field: 'Rfc', reason: 'formato <incorrecto> & "raro"' },
  });

  it('answers a validation error as soap:Client with the Spanish faultstring and a detail naming the field', () => {
    const fault = soap11(validation);
    const document = parse(fault.body);
    expect(fault.status).toBe(500);
    expect(fault.headers['Content-Type']).toBe('text/xml; charset=utf-8');
    expect(document.documentElement?.namespaceURI).toBe(SOAP11_ENVELOPE_NS);
    expect(textOf(document, null, 'faultcode')).toBe('soap:Client');
    expect(textOf(document, null, 'faultstring')).toBe(
      'El campo Rfc no es válido: formato <incorrecto> & "raro"',
    );
    expect(textOf(document, DM, 'Codigo')).toBe('DM-2002');
    expect(textOf(document, DM, 'Mensaje')).toBe(validation.messageEs);
    expect(textOf(document, DM, 'MensajeEn')).toBe('Field Rfc is invalid: formato <incorrecto> & "raro"');
    expect(textOf(document, DM, 'Campo')).toBe('Rfc');
    expect(textOf(document, DM, 'IdPeticion')).toBe('req-1');
    expect(document.getElementsByTagNameNS(DM, 'Falla')).toHaveLength(1);
  });

  it('leaves Campo out when no field is at fault', () => {
    const document = parse(
      soap11(new NotFoundError(generalErrors.notFound, { params: { entity: 'x', id: '1' } })).body,
    );
    expect(document.getElementsByTagNameNS(DM, 'Campo')).toHaveLength(0);
    expect(textOf(document, DM, 'Codigo')).toBe('DM-4001');
  });

  it('answers server-side kinds as soap:Server', () => {
    const document = parse(soap11(new StorageError(storageFailed)).body);
    expect(textOf(document, null, 'faultcode')).toBe('soap:Server');
  });

  it('uses the detail element the binding declares', () => {
    const fault = toSoapFault(new AuthenticationError(generalErrors.unauthenticated), {
      version: '1.1',
      requestId: 'r',
      detail: { namespace: 'http://www.fact.com.mx/schema/ws', name: 'Error' },
    });
    const document = parse(fault.body);
    expect(textOf(document, 'http://www.fact.com.mx/schema/ws', 'Codigo')).toBe('DM-3001');
    expect(document.getElementsByTagNameNS('http://www.fact.com.mx/schema/ws', 'Error')).toHaveLength(1);
  });
});

describe('toSoapFault, SOAP 1.2', () => {
  it('answers Sender with 400 and Reason in Spanish and English', () => {
    const fault = soap12(new AuthenticationError(generalErrors.unauthenticated));
    const document = parse(fault.body);
    expect(fault.status).toBe(400);
    expect(fault.headers['Content-Type']).toBe('application/soap+xml; charset=utf-8');
    expect(document.documentElement?.namespaceURI).toBe(SOAP12_ENVELOPE_NS);
    expect(textOf(document, SOAP12_ENVELOPE_NS, 'Value')).toBe('soap:Sender');
    const texts = document.getElementsByTagNameNS(SOAP12_ENVELOPE_NS, 'Text');
    expect(texts).toHaveLength(2);
    expect(texts[0].getAttributeNS('http://www.w3.org/XML/1998/namespace', 'lang')).toBe('es');
    expect(texts[0].textContent).toBe('Credenciales ausentes o inválidas.');
    expect(texts[1].getAttributeNS('http://www.w3.org/XML/1998/namespace', 'lang')).toBe('en');
    expect(texts[1].textContent).toBe('Missing or invalid credentials.');
    expect(textOf(document, DM, 'IdPeticion')).toBe('req-2');
  });

  it('answers Receiver with 500 for server-side kinds', () => {
    const fault = soap12(new StorageError(storageFailed));
    expect(fault.status).toBe(500);
    expect(textOf(parse(fault.body), SOAP12_ENVELOPE_NS, 'Value')).toBe('soap:Receiver');
  });
});

describe('toSoapFault, limits and unknown errors', () => {
  it('answers payload-too-large with 413 in both versions', () => {
    const error = new PayloadTooLargeError(generalErrors.payloadTooLarge, { params: { limitBytes: 10 } });
    expect(soap11(error).status).toBe(413);
    expect(soap12(error).status).toBe(413);
  });

  it('turns the raw body parser limit error into DM-2003 with the limit', () => {
    const parserError = Object.assign(new Error('request entity too large'), {
      type: 'entity.too.large',
      status: 413,
      limit: 1024,
    });
    const fault = soap11(parserError);
    expect(fault.status).toBe(413);
    expect(textOf(parse(fault.body), DM, 'Codigo')).toBe('DM-2003');
    expect(textOf(parse(fault.body), DM, 'Mensaje')).toContain('1024');
  });

  it('answers rate-limit with 429 and Retry-After', () => {
    const fault = soap11(new RateLimitError(generalErrors.rateLimited, { params: { retryAfterSeconds: 7 } }));
    expect(fault.status).toBe(429);
    expect(fault.headers['Retry-After']).toBe('7');
    expect(textOf(parse(fault.body), DM, 'Codigo')).toBe('DM-3003');
  });

  it('answers anything else as DM-1000 naming the request id, never the message or stack', () => {
    const secret = new TypeError('Cannot read properties of undefined (reading "password=hunter2")');
    const fault = soap12(secret);
    expect(fault.status).toBe(500);
    expect(fault.body).not.toContain('hunter2');
    expect(fault.body).not.toContain('TypeError');
    expect(fault.body).not.toContain('at ');
    const document = parse(fault.body);
    expect(textOf(document, DM, 'Codigo')).toBe('DM-1000');
    expect(texts(document)).toEqual([expect.stringContaining('req-2'), expect.stringContaining('req-2')]);
    expect(fault.error.cause).toBe(secret);
  });

  it('answers a thrown string or null like any unknown error', () => {
    expect(textOf(parse(soap11('boom').body), DM, 'Codigo')).toBe('DM-1000');
    expect(textOf(parse(soap11(null).body), DM, 'Codigo')).toBe('DM-1000');
  });

  it('keeps the envelope well-formed when messages hold characters XML cannot carry', () => {
    const error = new ValidationError(generalErrors.fieldInvalid, {
      params: { field: 'A', reason: 'x\u0001y\uD800' },
    });
    const document = parse(soap11(error).body);
    expect(textOf(document, DM, 'MensajeEn')).toBe('Field A is invalid: x\uFFFDy\uFFFD');
  });
});

function texts(document: Document): string[] {
  return Array.from(document.getElementsByTagNameNS(SOAP12_ENVELOPE_NS, 'Text')).map(
    (node) => node.textContent ?? '',
  );
}
