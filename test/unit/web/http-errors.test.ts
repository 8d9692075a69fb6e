import {
  AuthenticationError,
  ConfigError,
  NotFoundError,
  RateLimitError,
  StorageError,
  ValidationError,
  generalErrors,
  storageErrors,
} from '../../../src/errors';
import { httpErrorAnswer } from '../../../src/web/http-errors';

const REQUEST_ID = 'req-42';

/** What http-errors (body-parser, serve-static) raises: a status the client may see, and a type. */
function libraryError(status: number, type?: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`library says ${status} at /work/main/node_modules/x.js`), {
    status,
    statusCode: status,
    expose: status < 500,
    ...(type === undefined ? {} : { type }),
    ...extra,
  });
}

function malformedUri(): URIError {
  try {
    decodeURIComponent('%E0%A4%A');
  } catch (error) {
    if (error instanceof URIError) return error;
  }
  throw new Error('decodeURIComponent accepted a malformed sequence');
}

describe('httpErrorAnswer: what an HTTP error handler answers', () => {
  it.each([
    ['a malformed %-sequence in the URL', malformedUri(), 400, 'DM-1010'],
    ['the router failing to decode a param', Object.assign(malformedUri(), { status: 400 }), 400, 'DM-1010'],
    ['a body that does not parse', libraryError(400, 'entity.parse.failed'), 400, 'DM-1011'],
    ['a body cut short', libraryError(400, 'request.aborted'), 400, 'DM-1011'],
    ['a plain 400 of serve-static', libraryError(400), 400, 'DM-1011'],
    ['a body over the limit', libraryError(413, 'entity.too.large', { limit: 65_536 }), 413, 'DM-2003'],
    ['too many form fields', libraryError(413, 'parameters.too.many'), 413, 'DM-1014'],
    ['an unknown charset', libraryError(415, 'charset.unsupported'), 415, 'DM-1012'],
    ['an unknown content encoding', libraryError(415, 'encoding.unsupported'), 415, 'DM-1012'],
    ['a static file that does not exist', libraryError(404), 404, 'DM-1013'],
    ['another client status', libraryError(416), 416, 'DM-1014'],
  ])('answers %s with a 4xx of ours', (_case, thrown, status, code) => {
    const answer = httpErrorAnswer(thrown, REQUEST_ID);
    expect(answer).toMatchObject({ status, unexpected: false, error: { code } });
    expect(answer.error.messageEs).not.toContain('/work/');
    expect(answer.error.messageEn).not.toContain('node_modules');
  });

  it.each([
    ['a validation error', new ValidationError(generalErrors.fieldInvalid, { params: { field: 'x' } }), 400],
    ['an authentication error', new AuthenticationError(generalErrors.unauthenticated), 401],
    [
      'a missing entity',
      new NotFoundError(generalErrors.notFound, { params: { entity: 'a', id: 'b' } }),
      404,
    ],
    [
      'a rate limit',
      new RateLimitError(generalErrors.rateLimited, { params: { retryAfterSeconds: 3 } }),
      429,
    ],
  ])('keeps %s with its code and status', (_case, thrown, status) => {
    expect(httpErrorAnswer(thrown, REQUEST_ID)).toEqual({ status, error: thrown, unexpected: false });
  });

  it('answers a failure of ours that has a code with that code, as a 500 to log', () => {
    const thrown = new StorageError(storageErrors.unavailable, { params: { reason: 'EACCES' } });
    expect(httpErrorAnswer(thrown, REQUEST_ID)).toEqual({ status: 500, error: thrown, unexpected: true });
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a configuration error, which names settings', new ConfigError(generalErrors.configInvalid)],
    ['a 5xx of a library', libraryError(500, 'stream.not.readable')],
    // A status alone may be an outbound call's answer (a webhook's 404): our failure, not the client's.
    ['an error with a status not meant for clients', Object.assign(new Error('upstream'), { status: 404 })],
    ['something that is not an Error', 'a string'],
    ['nothing', undefined],
  ])('answers %s with the generic DM-1000 naming only the request id', (_case, thrown) => {
    const answer = httpErrorAnswer(thrown, REQUEST_ID);
    expect(answer.status).toBe(500);
    expect(answer.unexpected).toBe(true);
    expect(answer.error.code).toBe('DM-1000');
    expect(answer.error.messageEs).toContain(REQUEST_ID);
    expect(answer.error.cause).toBe(thrown);
  });
});
