/** The two SOAP versions every binding answers in; a Fault always comes back in the request's version. */
export type SoapVersion = '1.1' | '1.2';

export const SOAP11_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_ENVELOPE_NS = 'http://www.w3.org/2003/05/soap-envelope';

export function envelopeNamespaceOf(version: SoapVersion): string {
  return version === '1.1' ? SOAP11_ENVELOPE_NS : SOAP12_ENVELOPE_NS;
}

export function versionOfEnvelopeNamespace(namespace: string | undefined): SoapVersion | undefined {
  if (namespace === SOAP11_ENVELOPE_NS) return '1.1';
  if (namespace === SOAP12_ENVELOPE_NS) return '1.2';
  return undefined;
}

export function contentTypeOf(version: SoapVersion): string {
  return version === '1.1' ? 'text/xml; charset=utf-8' : 'application/soap+xml; charset=utf-8';
}
