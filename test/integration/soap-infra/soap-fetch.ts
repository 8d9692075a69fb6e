import { DOMParser, type Document } from '@xmldom/xmldom';

export const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
export const S12 = 'http://www.w3.org/2003/05/soap-envelope';
export const TNS = 'urn:soap-infra:prueba';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';

export function passwordTextHeader(username = 'demo', password = 's3cr3t-demo'): string {
  return (
    `<wsse:Security xmlns:wsse="${WSSE}"><wsse:UsernameToken><wsse:Username>${username}</wsse:Username>` +
    `<wsse:Password>${password}</wsse:Password></wsse:UsernameToken></wsse:Security>`
  );
}

export function envelope(version: '1.1' | '1.2', body: string, header = passwordTextHeader()): string {
  const ns = version === '1.1' ? S11 : S12;
  return `<?xml version="1.0" encoding="utf-8"?><e:Envelope xmlns:e="${ns}"><e:Header>${header}</e:Header><e:Body>${body}</e:Body></e:Envelope>`;
}

export const sumar = (a: string, b = '2'): string =>
  `<t:Sumar xmlns:t="${TNS}"><t:A>${a}</t:A><t:B>${b}</t:B></t:Sumar>`;

export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly document: Document;
}

export async function post(
  url: string,
  body: string | Buffer,
  options: { version?: '1.1' | '1.2'; action?: string | null; headers?: Record<string, string> } = {},
): Promise<RawAnswer> {
  const version = options.version ?? '1.1';
  const action = options.action === undefined ? `${TNS}/Sumar` : options.action;
  const headers: Record<string, string> =
    version === '1.1'
      ? {
          'Content-Type': 'text/xml; charset=utf-8',
          ...(action === null ? {} : { SOAPAction: `"${action}"` }),
        }
      : {
          'Content-Type': `application/soap+xml; charset=utf-8${action === null ? '' : `; action="${action}"`}`,
        };
  const response = await fetch(url, { method: 'POST', body, headers: { ...headers, ...options.headers } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, document: parseLeniently(text) };
}

/** The answer as a document; one that is not well-formed becomes `<unparseable/>` (tests then fail on it). */
export function parseLeniently(text: string): Document {
  try {
    return new DOMParser({ onError: () => undefined }).parseFromString(text, 'text/xml');
  } catch {
    return new DOMParser().parseFromString('<unparseable/>', 'text/xml');
  }
}

export function textOf(document: Document, namespace: string | null, name: string): string | undefined {
  const nodes =
    namespace === null
      ? document.getElementsByTagName(name)
      : document.getElementsByTagNameNS(namespace, name);
  return nodes.length === 0 ? undefined : (nodes[0].textContent ?? undefined);
}

/** The Fault's code (Codigo in our detail), or undefined when the answer is no Fault of ours. */
export function faultCodeOf(answer: RawAnswer): string | undefined {
  return textOf(answer.document, TNS, 'Codigo');
}
