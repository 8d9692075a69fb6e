import type { Readable } from 'node:stream';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { SatError, satErrors, type SatOperationName } from '../../errors';
import { satFaultKind } from '../shared/status-codes';

const MAX_SMALL_BODY = 8 * 1024 * 1024;

// Every SatError of a failed call carries `failure` (see SatFailure): the SAT layer only reports what
// happened; whether to retry, authenticate again or give up is the pipeline's decision.

/** No answer, or an answer cut short, after the request may have reached SAT. */
export function cutShort(reason: string, cause?: unknown, operation?: SatOperationName): SatError {
  return new SatError(satErrors.unreachable, {
    params: { reason },
    cause,
    failure: { kind: 'transport', delivered: 'unknown' },
    ...(operation ? { operation } : {}),
  });
}

/**
 * An HTTP status other than 200 without a SAT answer or a Fault: a 4xx is a refusal (a wrong URL, a
 * proxy, a token refused by the gateway), a 5xx or anything else SAT's trouble; the code says which.
 */
export function httpError(status: number, detail: string): SatError {
  const failure = { kind: 'http', status } as const;
  if (status >= 400 && status < 500) {
    return new SatError(satErrors.httpRefused, {
      params: { status, detail, satCode: String(status) },
      failure,
    });
  }
  return new SatError(satErrors.unexpectedAnswer, {
    params: { status, detail, ...(status >= 500 ? { satCode: String(status) } : {}) },
    failure,
  });
}

/** A body that is no readable SAT answer: "garbled" under HTTP 200, the HTTP error otherwise. */
export function unreadable(status: number, detail: string, operation?: SatOperationName): SatError {
  if (status !== 200) return httpError(status, detail);
  return new SatError(satErrors.unexpectedAnswer, {
    params: { status, detail },
    failure: { kind: 'garbled', status },
    ...(operation ? { operation } : {}),
  });
}

/** Reads a small answer (everything but Descarga) whole, refusing anything absurdly large. */
export async function readSmallBody(body: Readable, status = 200): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > MAX_SMALL_BODY) {
        body.destroy();
        throw unreadable(status, 'answer too large');
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof SatError) throw error;
    // The connection broke while the answer was arriving: SAT got the request, its answer was lost.
    const reason = error instanceof Error ? error.message : String(error);
    throw cutShort(`answer cut short (${reason})`, error);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The answer's root element whatever the HTTP status; throws when it is no XML or a SOAP Fault. */
export function parseAnswer(xml: string, status: number): Element {
  if (/<!DOCTYPE/i.test(xml)) throw unreadable(status, 'DTD in answer');
  let failed = false;
  let document: ReturnType<DOMParser['parseFromString']> | undefined;
  try {
    document = new DOMParser({
      onError: (level) => {
        if (level !== 'warning') failed = true;
      },
    }).parseFromString(xml, 'text/xml');
  } catch {
    failed = true;
  }
  const root = document?.documentElement;
  if (failed || !root) throw unreadable(status, xml.slice(0, 200).trim() || 'empty body');
  const fault = faultError(root, status);
  if (fault) throw fault;
  return root;
}

/** The root of an HTTP 200 answer; any other status is an error even when the body looks right. */
export function parseOkAnswer(xml: string, status: number): Element {
  const root = parseAnswer(xml, status);
  if (status !== 200) throw httpError(status, xml.slice(0, 200).trim());
  return root;
}

export function findElement(root: Element, localName: string): Element | undefined {
  return (Array.from(root.getElementsByTagNameNS('*', localName)) as Element[])[0];
}

/**
 * A SOAP Fault as a SatError: a refused signature or token (DM-5003, whose message points at the
 * e.firma and the clock), an action SAT no longer knows (DM-5005: this client is outdated), or SAT's
 * own trouble (DM-5002). `failure.fault` says which, whatever the HTTP status was.
 */
export function faultFrom(
  code: string,
  text: string,
  status: number,
  operation?: SatOperationName,
): SatError {
  const fault = satFaultKind(code, text);
  const options = { failure: { kind: 'fault', fault, status } as const, ...(operation ? { operation } : {}) };
  const detail = `${code} ${text}`.trim();
  if (fault === 'security')
    return new SatError(satErrors.authenticationRefused, {
      params: { detail: text, satCode: code },
      ...options,
    });
  if (fault === 'action')
    return new SatError(satErrors.operationNotSupported, { params: { detail, satCode: code }, ...options });
  return new SatError(satErrors.unexpectedAnswer, { params: { status, detail, satCode: code }, ...options });
}

function faultError(root: Element, status: number): SatError | undefined {
  const fault = findElement(root, 'Fault');
  if (!fault) return undefined;
  const code = (
    findElement(fault, 'faultcode')?.textContent ??
    findElement(fault, 'Value')?.textContent ??
    ''
  ).trim();
  const text = (
    findElement(fault, 'faultstring')?.textContent ??
    findElement(fault, 'Text')?.textContent ??
    ''
  ).trim();
  return faultFrom(code, text, status);
}
