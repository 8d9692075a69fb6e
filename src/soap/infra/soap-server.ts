import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Router } from 'express';
import { AuthenticationError, ConfigError, generalErrors } from '../../errors';
import { type Logger, newRequestId, redactText, withLogContext } from '../../logging';
import type { AuthThrottle } from '../../services/auth-limits';
import {
  type ApiUserAuthenticator,
  type AuthenticatedApiUser,
  type AuthenticationRefusal,
  CredentialReader,
  basicUsername,
  refusalOf,
} from './authentication';
import { type BodyGate, applyBodyGate } from './body-reader';
import { envelopeGuard, faultVersionOf, guardedEnvelopeIfAny, guardedEnvelopeOf } from './envelope-guard';
import { withoutHeader } from './envelope-inspector';
import { type FaultDetailElement, toSoapFault } from './fault-mapper';
import { InMemoryNonceCache, type NonceCache } from './nonce-cache';
import { OperationResolver } from './operation-resolver';
import type { RateLimiter } from './rate-limiter';
import type { SoapCallContext, SoapCallOutcome, SoapOperationHandler } from './soap-call-context';
import { SoapDispatcher } from './soap-dispatcher';
import { contentTypeOf } from './soap-version';
import { loadWsdl } from './wsdl-loader';
import { createWsdlPublisher } from './wsdl-publisher';

/** One SOAP binding: a WSDL, a handler per operation, and how its callers are checked. */
export interface SoapBindingOptions {
  readonly wsdlPath: string;
  readonly handlers: Readonly<Record<string, SoapOperationHandler>>;
  /** The element carrying our code inside a Fault's detail, as this binding's contract declares it. */
  readonly faultDetail: FaultDetailElement;
  /** Required WS-Security/Basic authentication; omit for contracts that authenticate in-band. */
  readonly authenticator?: ApiUserAuthenticator;
  /** Per API user (or per client address on bindings without an authenticator). */
  readonly rateLimiter?: RateLimiter;
  /**
   * Failed authentications per client address and per username, checked before any secret is (the
   * address, mostly, before the body is read); every AuthenticationError this router answers counts,
   * except a request that offered no credential at all (answered 401, see `refusalOf`).
   */
  readonly authThrottle?: AuthThrottle;
  /** Reads the body before the envelope guard, for contracts whose credential is inside it (MYSuite). */
  readonly bodyGate?: BodyGate;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
  /** Endpoint URL written into the served WSDL; derived from the request when absent. */
  readonly publicUrl?: string;
  readonly nonceCache?: NonceCache;
  /** Operations whose answers skip node-soap's serialiser (`writePlainAnswer`; v1's hot reads). */
  readonly plainAnswerOperations?: readonly string[];
  readonly freshnessSeconds?: number;
  /**
   * Told once per call, before the answer is sent (the audit row must exist for every answered call);
   * its promise is awaited, its failures are logged and never change the answer.
   */
  readonly onCallCompleted?: (outcome: SoapCallOutcome) => void | Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const LOGGED_ENVELOPE_CHARS = 16_384;

function checkHandlers(wsdlPath: string, operations: Iterable<string>, handlers: object): void {
  const declared = new Set(operations);
  const given = new Set(Object.keys(handlers));
  const missing = [...declared].filter((name) => !given.has(name));
  const extra = [...given].filter((name) => !declared.has(name));
  if (missing.length > 0 || extra.length > 0) {
    const reason = `handlers missing: [${missing.join(', ')}], not in the WSDL: [${extra.join(', ')}]`;
    throw new ConfigError(generalErrors.configInvalid, { params: { variable: wsdlPath, reason } });
  }
}

function requestIdOf(request: Request, locals: Record<string, unknown>): string {
  if (typeof locals.requestId === 'string') return locals.requestId;
  const offered = request.get('x-request-id');
  return offered !== undefined && REQUEST_ID.test(offered) ? offered : newRequestId();
}

/**
 * Builds the express Router of one binding, after the WSDL parsed and every operation proved to have
 * a handler (start-up fails otherwise). Mount it at the binding's path, before any body parser.
 */
export async function createSoapRouter(options: SoapBindingOptions): Promise<Router> {
  const loaded = await loadWsdl(options.wsdlPath);
  checkHandlers(options.wsdlPath, loaded.operations.keys(), options.handlers);
  const { logger } = options;
  const dispatcher = new SoapDispatcher(
    loaded,
    options.handlers,
    (type, data) => {
      // Redacting a whole envelope costs more than the rest of the call: only when someone reads it.
      if ((type !== 'received' && type !== 'replied') || !logger.isDebugEnabled()) return;
      const text = typeof data === 'string' ? data.slice(0, LOGGED_ENVELOPE_CHARS) : '';
      logger.debug('soap envelope', { direction: type, envelope: redactText(text) });
    },
    new Set(options.plainAnswerOperations),
  );
  const credentials = new CredentialReader({
    nonceCache: options.nonceCache ?? new InMemoryNonceCache(),
    freshnessSeconds: options.freshnessSeconds,
  });
  const publishWsdl = await createWsdlPublisher(options.wsdlPath, options.publicUrl);
  const router = express.Router();

  const start: RequestHandler = (request, response, next) => {
    // Mounted behind the app's request context, the id is in the log context already.
    const inContext = typeof response.locals.requestId === 'string';
    const requestId = requestIdOf(request, response.locals);
    response.locals.requestId = requestId;
    response.locals.startedAt = Date.now();
    response.locals.ip = request.ip;
    response.setHeader('X-Request-Id', requestId);
    if (inContext) next();
    else withLogContext({ requestId }, () => next());
  };

  const outcome = async (
    locals: Record<string, unknown>,
    result: 'ok' | 'fault',
    httpStatus: number,
    code?: string,
  ): Promise<void> => {
    const event: SoapCallOutcome = {
      requestId: String(locals.requestId),
      operation: locals.operation as string | undefined,
      principal: locals.principal as AuthenticatedApiUser | undefined,
      result,
      code,
      httpStatus,
      durationMs: Date.now() - Number(locals.startedAt),
      ip: locals.ip as string | undefined,
    };
    if (logger.isInfoEnabled()) {
      withLogContext({ requestId: event.requestId }, () =>
        logger.info('soap call', { ...event, principal: event.principal?.username }),
      );
    }
    try {
      await options.onCallCompleted?.(event);
    } catch (error) {
      logger.error('soap call observer failed', { error });
    }
  };

  const call: RequestHandler = async (request, response) => {
    const envelope = guardedEnvelopeOf(response);
    const locals = response.locals;
    locals.operation = envelope.operation.name;
    // A body gate may have authenticated the caller already.
    let principal = locals.principal as AuthenticatedApiUser | undefined;
    if (options.authenticator) {
      const offered = credentials.read(envelope.summary.usernameToken, request.get('authorization'));
      locals.attemptedUsername = offered.username;
      options.authThrottle?.check({ address: request.ip, username: offered.username });
      principal = await options.authenticator.authenticate(offered);
      credentials.rememberNonce(offered, principal);
      options.authThrottle?.succeeded({ address: request.ip, username: offered.username });
      locals.principal = principal;
    }
    options.rateLimiter?.consume(
      principal ? `user:${principal.tenantId}:${principal.userId}` : `ip:${request.ip}`,
    );
    const context: SoapCallContext = {
      requestId: String(locals.requestId),
      version: envelope.version,
      operation: envelope.operation.name,
      principal,
      clientAddress: request.ip,
    };
    const logContext = {
      requestId: context.requestId,
      operation: context.operation,
      tenantId: principal?.tenantId,
    };
    const body = await withLogContext(logContext, () =>
      dispatcher.dispatch(
        withoutHeader(envelope.xml, envelope.summary),
        envelope.operation.soapAction,
        context,
        envelope.summary.plainBody,
      ),
    );
    await outcome(locals, 'ok', 200);
    // Not express's send: it hashes every body for an ETag, which no client of a POST answer uses.
    response.statusCode = 200;
    response.setHeader('Content-Type', contentTypeOf(envelope.version));
    // Encoded once: byteLength and then end(string) walked a large answer twice.
    const bytes = Buffer.from(body);
    response.setHeader('Content-Length', bytes.length);
    response.end(bytes);
  };

  const throttleBeforeBody: RequestHandler = (request, response, next) => {
    const username = basicUsername(request.get('authorization'));
    response.locals.attemptedUsername = username;
    options.authThrottle?.checkBeforeBody({ address: request.ip, username });
    next();
  };

  const fault: ErrorRequestHandler = (error: unknown, request, response, _next) => {
    const requestId = String(response.locals.requestId ?? newRequestId());
    let refusal: AuthenticationRefusal | undefined;
    if (error instanceof AuthenticationError) {
      refusal = refusalOf({
        checksCallers: options.authenticator !== undefined,
        authorization: request.get('authorization'),
        securityHeader: guardedEnvelopeIfAny(response)?.summary.securityHeader,
      });
      const username = response.locals.attemptedUsername as string | undefined;
      if (refusal.countsAsFailure) options.authThrottle?.failed({ address: request.ip, username });
    }
    const soapFault = toSoapFault(error, {
      version: faultVersionOf(request, response),
      requestId,
      detail: options.faultDetail,
    });
    const answer = refusal?.challenge
      ? {
          ...soapFault,
          status: 401,
          headers: { ...soapFault.headers, 'WWW-Authenticate': refusal.challenge },
        }
      : soapFault;
    withLogContext({ requestId }, () => {
      const level = answer.status >= 500 && answer.error.kind !== 'validation' ? 'error' : 'warn';
      logger.log(level, 'soap fault', {
        code: answer.error.code,
        error: answer.error,
        cause: answer.error.cause,
      });
    });
    if (response.headersSent) {
      response.end();
      return;
    }
    void outcome(response.locals, 'fault', answer.status, answer.error.code).then(() => {
      // The rest of an unread body is dropped; closing stops a client still uploading an oversized one.
      if (answer.status === 413 || answer.status === 429) response.setHeader('Connection', 'close');
      response.status(answer.status).set(answer.headers).send(answer.body);
    });
  };

  router.use(start);
  router.get('/', publishWsdl, (_request, response) => {
    response.status(404).type('text/plain').send('Use ?wsdl');
  });
  router.post(
    '/',
    throttleBeforeBody,
    ...(options.bodyGate ? [applyBodyGate(options.bodyGate)] : []),
    ...envelopeGuard({
      maxBodyBytes: options.maxBodyBytes,
      resolver: new OperationResolver(loaded.operations.values()),
    }),
    call,
  );
  router.all('/', (_request, response) => {
    response.status(405).set('Allow', 'GET, POST').type('text/plain').send('Method not allowed');
  });
  router.use(fault);
  return router;
}
