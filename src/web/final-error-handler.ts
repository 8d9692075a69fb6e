import type { ErrorRequestHandler } from 'express';
import { type Logger, newRequestId, withLogContext } from '../logging';
import { httpErrorAnswer } from './http-errors';

/** Headers a route may have set for the answer it meant to give (a file download), wrong for an error. */
const ROUTE_HEADERS = ['Content-Disposition', 'Content-Range', 'Content-Length', 'Accept-Ranges', 'ETag'];

/**
 * The last middleware of the application: whatever no router answered (a malformed URL the router
 * could not decode, a body parser's refusal, a bug) gets a short answer with our code and the request
 * id — never Express's default page, which prints the stack and file paths unless NODE_ENV=production.
 */
export function finalErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    const requestId =
      typeof response.locals.requestId === 'string' ? response.locals.requestId : newRequestId();
    const answer = httpErrorAnswer(error, requestId);
    withLogContext({ requestId }, () => {
      const fields = { code: answer.error.code, status: answer.status, method: request.method };
      if (answer.unexpected) logger.error('http request failed', { ...fields, path: request.path, error });
      else logger.info('http request refused', fields);
    });
    // Part of another answer already went out: all that is left is to cut it short.
    if (response.headersSent) {
      response.destroy();
      return;
    }
    for (const name of ROUTE_HEADERS) response.removeHeader(name);
    response.setHeader('X-Request-Id', requestId);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    // The rest of an oversized body is not read; closing stops a client still sending it.
    if (answer.status === 413) response.setHeader('Connection', 'close');
    const { code, messageEs, messageEn } = answer.error;
    response.status(answer.status);
    if (request.accepts(['text', 'json']) === 'json') {
      response.json({ codigo: code, mensaje: messageEs, message: messageEn, idPeticion: requestId });
    } else {
      response
        .type('text/plain; charset=utf-8')
        .send(`${code} ${messageEs}\n${code} ${messageEn}\nIdPeticion: ${requestId}\n`);
    }
  };
}
