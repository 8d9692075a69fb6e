import {
  AppError,
  type ErrorKind,
  InternalError,
  NotFoundError,
  PayloadTooLargeError,
  ValidationError,
  generalErrors,
} from '../errors';

/** What an HTTP error handler answers for something thrown, and whether it was the client's mistake. */
export interface HttpErrorAnswer {
  readonly status: number;
  /** What the caller may read: its code and both messages. Never carries a stack or a file path. */
  readonly error: AppError;
  /** True when the service failed (log it with its stack); false for a client mistake. */
  readonly unexpected: boolean;
}

const STATUS_BY_KIND: Partial<Record<ErrorKind, number>> = {
  validation: 400,
  authentication: 401,
  authorization: 403,
  'not-found': 404,
  conflict: 409,
  'payload-too-large': 413,
  'rate-limit': 429,
};

/** The fields http-errors (body-parser, serve-static, the router) put on the errors they raise. */
interface HttpLibraryError {
  readonly status?: unknown;
  readonly statusCode?: unknown;
  readonly expose?: unknown;
  readonly type?: unknown;
  readonly limit?: unknown;
}

const UNSUPPORTED_TYPES = new Set(['charset.unsupported', 'encoding.unsupported']);

function clientStatusOf(error: HttpLibraryError): number | undefined {
  const status = typeof error.status === 'number' ? error.status : error.statusCode;
  // `expose` marks an http-errors error meant for the client; a status alone may come from an
  // outbound call that failed, which is our failure, not the caller's.
  return typeof status === 'number' && status >= 400 && status < 500 && error.expose === true
    ? status
    : undefined;
}

function clientMistake(thrown: HttpLibraryError, status: number): AppError {
  const type = typeof thrown.type === 'string' && /^[a-z.]{1,40}$/.test(thrown.type) ? thrown.type : '';
  const options = { cause: thrown };
  if (status === 413 && typeof thrown.limit === 'number') {
    return new PayloadTooLargeError(generalErrors.payloadTooLarge, {
      ...options,
      params: { limitBytes: thrown.limit },
    });
  }
  if (status === 415 || UNSUPPORTED_TYPES.has(type)) {
    return new ValidationError(generalErrors.mediaTypeUnsupported, options);
  }
  if (status === 404) return new NotFoundError(generalErrors.routeNotFound, options);
  if (status === 400) {
    return new ValidationError(generalErrors.requestUnreadable, {
      ...options,
      params: { reason: type || 'HTTP 400' },
    });
  }
  return new ValidationError(generalErrors.requestRefused, { ...options, params: { status } });
}

/**
 * The one decision of every HTTP (non-SOAP) error handler. AppErrors keep their code and message
 * (catalogue texts, which name no file), except configuration errors, which name settings. Errors the
 * HTTP libraries raise for what the client sent become 4xx with a code of ours. Anything else is the
 * generic DM-1000 naming only the request id: the real error goes to the log, never to the client.
 */
export function httpErrorAnswer(thrown: unknown, requestId: string): HttpErrorAnswer {
  if (thrown instanceof AppError && thrown.kind !== 'configuration') {
    const status = STATUS_BY_KIND[thrown.kind];
    if (status !== undefined) return { status, error: thrown, unexpected: false };
    return { status: 500, error: thrown, unexpected: true };
  }
  // Percent-decoding only ever runs on what the client sent (the router's params, our own decoding).
  if (thrown instanceof URIError) {
    return {
      status: 400,
      error: new ValidationError(generalErrors.uriMalformed, { cause: thrown }),
      unexpected: false,
    };
  }
  if (typeof thrown === 'object' && thrown !== null && !(thrown instanceof AppError)) {
    const status = clientStatusOf(thrown);
    if (status !== undefined) {
      const error = clientMistake(thrown, status);
      return { status: error.kind === 'payload-too-large' ? 413 : status, error, unexpected: false };
    }
  }
  return {
    status: 500,
    error: new InternalError(generalErrors.internal, { params: { requestId }, cause: thrown }),
    unexpected: true,
  };
}
