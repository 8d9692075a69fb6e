import express, { type Request, type RequestHandler, type Response } from 'express';
import { ValidationError } from '../../errors';
import { type EnvelopeSummary, inspectEnvelope } from './envelope-inspector';
import type { OperationResolver } from './operation-resolver';
import { soapErrors } from './soap-errors';
import type { SoapVersion } from './soap-version';
import type { SoapOperation } from './wsdl-loader';

/** A request that passed the guard: readable, DTD-free, of a known version, routed to an operation. */
export interface GuardedEnvelope {
  readonly version: SoapVersion;
  readonly xml: string;
  readonly action: string | undefined;
  readonly operation: SoapOperation;
  readonly summary: EnvelopeSummary;
}

export interface EnvelopeGuardOptions {
  readonly maxBodyBytes: number;
  readonly resolver: OperationResolver;
}

const GUARDED = 'soapEnvelope';
const VERSION = 'soapVersion';

function mediaTypeOf(request: Request): string {
  return (request.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

/** The version the headers announce (text/xml: 1.1, application/soap+xml: 1.2), if they announce one. */
export function soapVersionFromHeaders(request: Request): SoapVersion | undefined {
  const mediaType = mediaTypeOf(request);
  if (mediaType === 'application/soap+xml') return '1.2';
  if (mediaType === 'text/xml') return '1.1';
  return undefined;
}

/** The version the headers announce; refuses a media type that is not one of SOAP's. */
export function checkContentType(request: Request): SoapVersion | undefined {
  const announced = soapVersionFromHeaders(request);
  const mediaType = mediaTypeOf(request);
  if (announced === undefined && mediaType !== '' && mediaType !== 'application/xml') {
    throw new ValidationError(soapErrors.unsupportedContentType);
  }
  return announced;
}

/** The version a Fault for this request must use, as far as it is known at the moment of failure. */
export function faultVersionOf(request: Request, response: Response): SoapVersion {
  const known = response.locals[VERSION] as SoapVersion | undefined;
  return known ?? soapVersionFromHeaders(request) ?? '1.1';
}

export function guardedEnvelopeOf(response: Response): GuardedEnvelope {
  const guarded = guardedEnvelopeIfAny(response);
  if (guarded === undefined) throw new Error('envelope guard did not run');
  return guarded;
}

/** The guarded envelope, when the request got that far (a Fault may be answered before it did). */
export function guardedEnvelopeIfAny(response: Response): GuardedEnvelope | undefined {
  return response.locals[GUARDED] as GuardedEnvelope | undefined;
}

function unquote(value: string): string {
  const trimmed = value.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1)
    : trimmed;
}

function actionOf(request: Request, version: SoapVersion): string | undefined {
  if (version === '1.1') {
    const header = request.get('soapaction');
    return header === undefined ? undefined : unquote(header);
  }
  const match = /;\s*action\s*=\s*("[^"]*"|[^;]*)/i.exec(request.get('content-type') ?? '');
  return match ? unquote(match[1]) : undefined;
}

function decode(body: unknown): string {
  if (!Buffer.isBuffer(body) || body.length === 0) throw new ValidationError(soapErrors.malformedEnvelope);
  // Only UTF-8 is read (WS-I BP allows UTF-8 and UTF-16; no client of ours sends UTF-16).
  if ((body[0] === 0xff && body[1] === 0xfe) || (body[0] === 0xfe && body[1] === 0xff)) {
    throw new ValidationError(soapErrors.malformedEnvelope);
  }
  const text = body.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The SOAP router's only body parser: a size-limited raw read, then the checks node-soap does not do.
 * Failures go to `next(error)`, where the router's fault handler answers them.
 */
export function envelopeGuard(options: EnvelopeGuardOptions): RequestHandler[] {
  // A body gate in front may have read the body already (and left the rest unread on purpose).
  const readBody = express.raw({
    type: (request) => !Buffer.isBuffer((request as Request).body),
    limit: options.maxBodyBytes,
  });
  const check: RequestHandler = (request, response, next) => {
    const announced = soapVersionFromHeaders(request);
    if (announced !== undefined) response.locals[VERSION] = announced;
    checkContentType(request);
    const xml = decode(request.body);
    const summary = inspectEnvelope(xml);
    response.locals[VERSION] = announced ?? summary.version;
    if (announced !== undefined && announced !== summary.version) {
      throw new ValidationError(soapErrors.malformedEnvelope);
    }
    const action = actionOf(request, summary.version);
    const operation = options.resolver.resolve(summary.version, action, summary.bodyElement);
    const guarded: GuardedEnvelope = { version: summary.version, xml, action, operation, summary };
    response.locals[GUARDED] = guarded;
    next();
  };
  return [readBody, check];
}
