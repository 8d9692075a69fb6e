import type { Request, Response } from 'express';
import type { AuthenticatedApiUser } from '../infra/authentication';
import { type BodyGate, BodyReader } from '../infra/body-reader';
import type { QualifiedName } from '../infra/envelope-inspector';
import { checkContentType } from '../infra/envelope-guard';
import { type SoapVersion, envelopeNamespaceOf } from '../infra/soap-version';
import { escapeXml } from '../infra/xml-text';
import { type HeadScan, RequestorScanner } from './requestor-scanner';

/** A GUID has 36 characters (38 with the braces some clients add); anything longer is never looked up. */
export const MAX_REQUESTOR_CHARS = 100;
/** The most of an unauthenticated body ever read (see docs/mysuite-compat.md, Limits). */
export const DEFAULT_MAX_HEAD_BYTES = 64 * 1024;

export interface RequestorGateOptions {
  /** Throws (DM-3001) for a Requestor that opens nothing. */
  readonly authenticate: (requestor: string) => Promise<AuthenticatedApiUser>;
  readonly maxBodyBytes: number;
  readonly maxHeadBytes?: number;
  /** The operation a refusal is addressed to when the head was cut before naming one. */
  readonly operation: QualifiedName;
}

/** What to do once the head of the body is known. */
export type GateStep =
  | { readonly action: 'authenticate'; readonly requestor: string }
  /** No Requestor in a body that was read whole: the handler refuses it in-band, as any other. */
  | { readonly action: 'pass' }
  | { readonly action: 'refuse' };

export function nextStep(scan: HeadScan, ended: boolean): GateStep {
  if (scan.state === 'found') {
    return scan.requestor ? { action: 'authenticate', requestor: scan.requestor } : { action: 'refuse' };
  }
  if (scan.state === 'exhausted') return { action: 'refuse' };
  return ended ? { action: 'pass' } : { action: 'refuse' };
}

/**
 * The envelope handed on in place of a body that is not read: the same operation with only the
 * Requestor, so the handler answers the in-band refusal (code 3001) exactly as it does for any call
 * without a valid Requestor, audit row included.
 */
export function refusalEnvelope(
  version: SoapVersion,
  operation: QualifiedName,
  requestor: string | undefined,
): string {
  const namespace = escapeXml(operation.namespace);
  return (
    `<s:Envelope xmlns:s="${envelopeNamespaceOf(version)}"><s:Body>` +
    `<${operation.localName} xmlns="${namespace}">` +
    `<Requestor>${escapeXml(requestor ?? '')}</Requestor>` +
    `</${operation.localName}></s:Body></s:Envelope>`
  );
}

function refusalOf(scan: HeadScan, announced: SoapVersion | undefined, fallback: QualifiedName): string {
  if (scan.state === 'reading') return refusalEnvelope(announced ?? '1.1', fallback, undefined);
  const requestor = scan.state === 'found' ? scan.requestor : undefined;
  return refusalEnvelope(scan.version ?? announced ?? '1.1', scan.operation ?? fallback, requestor);
}

/**
 * MYSuite authenticates in-band, by the `Requestor` inside the body. This gate reads the body as it
 * streams, only up to the end of the Requestor (at most `maxHeadBytes`), and looks it up before
 * reading further: a caller without a valid Requestor never gets more of its body read, kept or
 * parsed. A valid caller's body is then read whole, up to `maxBodyBytes`.
 */
export function createRequestorGate(options: RequestorGateOptions): BodyGate {
  const maxHeadBytes = Math.min(options.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES, options.maxBodyBytes);
  return async (request: Request, response: Response) => {
    const announced = checkContentType(request);
    const reader = BodyReader.open(request, options.maxBodyBytes);
    const scanner = new RequestorScanner({ maxHeadBytes, maxRequestorChars: MAX_REQUESTOR_CHARS });
    let scan: HeadScan = scanner.write(Buffer.alloc(0));
    const ended = await reader.readUntil((chunk) => (scan = scanner.write(chunk)).state !== 'reading');
    const step = nextStep(scan, ended);
    if (step.action === 'pass') {
      request.body = reader.body();
      return undefined;
    }
    if (step.action === 'authenticate') {
      // Any failure (database down included) leaves the answer to the handler, which meets it again.
      const caller = await options.authenticate(step.requestor).catch(() => undefined);
      if (caller !== undefined) {
        request.body = await reader.readToEnd();
        return caller;
      }
    }
    // A body that ends within the head bound is read whole, so the in-band refusal echoes all of it as
    // it always did. A head that ran out before its Requestor is refused as it stands.
    const whole =
      scan.state !== 'exhausted' &&
      (reader.complete || (await reader.readUntil(() => reader.bytesRead > maxHeadBytes).catch(() => false)));
    if (whole) {
      request.body = reader.body();
      return undefined;
    }
    request.body = Buffer.from(refusalOf(scan, announced, options.operation), 'utf8');
    reader.discardRest(response);
    return undefined;
  };
}
