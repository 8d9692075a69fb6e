import type { RequestHandler } from 'express';
import { newRequestId, withLogContext } from '../logging';

const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Gives every HTTP request an id (the caller's `X-Request-Id` when it is sane, a new UUID otherwise),
 * echoes it in the response and puts it in the log context of everything the request does.
 */
export function requestContext(): RequestHandler {
  return (request, response, next) => {
    const offered = request.get(REQUEST_ID_HEADER);
    const requestId = offered && ACCEPTABLE_ID.test(offered) ? offered : newRequestId();
    response.setHeader('X-Request-Id', requestId);
    response.locals.requestId = requestId;
    withLogContext({ requestId }, () => next());
  };
}
