import { randomBytes } from 'node:crypto';
import path from 'node:path';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { projectRoot } from '../../config/project-root';
import { AppError, AuthenticationError, RateLimitError, generalErrors } from '../../errors';
import type { Logger } from '../../logging';
import { httpErrorAnswer } from '../http-errors';
import type { AuthThrottle } from '../../services/auth-limits';
import type { SessionStore, WebUserService } from '../../services/web-access';
import { parseCookies, serializeCookie } from './cookies';
import { csrfVerdict, isSafeMethod } from './csrf-guard';
import { readFormBody } from './form-body';
import { isLang } from './i18n';
import { errorPage } from './pages/error-page';
import { signInPage } from './pages/sign-in-page';
import { createAdminRoutes, type AdminRouteServices } from './routes/admin-routes';
import { createCfdiRoutes, type CfdiRouteServices } from './routes/cfdi-routes';
import { createConciliacionRoutes, type ConciliacionRouteServices } from './routes/conciliacion-routes';
import { createNotificacionesRoutes, type NotificacionesRouteServices } from './routes/notificaciones-routes';
import { createSatRoutes, type SatRouteServices } from './routes/sat-routes';
import { createSolicitudesRoutes, type SolicitudesRouteServices } from './routes/solicitudes-routes';
import {
  LANG_COOKIE,
  SESSION_COOKIE,
  SIGN_IN_CSRF_COOKIE,
  field,
  langOf,
  messageOf,
  pageContext,
  safeNext,
  sendPage,
  webLocals,
} from './web-kit';

export interface WebServices
  extends
    SolicitudesRouteServices,
    AdminRouteServices,
    CfdiRouteServices,
    ConciliacionRouteServices,
    NotificacionesRouteServices,
    SatRouteServices {
  readonly logger: Logger;
  readonly users: WebUserService;
  readonly sessions: SessionStore;
  /** Failed sign-ins per address and per login, checked before any password is (its own counters). */
  readonly signInThrottle?: AuthThrottle;
}

export interface WebOptions {
  readonly secureCookies: boolean;
  /** Simulator mode: the sign-in page reminds of demo/demo. */
  readonly showDemoHint: boolean;
}

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** The shape of the sign-in form's token; anything else in the cookie is not ours. */
const SIGN_IN_TOKEN = /^[\w-]{32}$/;

/**
 * The web interface: server-rendered pages (no build step), Spanish first, sessions in Postgres,
 * CSRF tokens on every form, a strict content security policy. Every page reads through the same
 * services as the SOAP API, always scoped to the signed-in user's tenant.
 */
export function createWebRouter(services: WebServices, options: WebOptions): Router {
  const router = Router();
  const cookie = (name: string, value: string, maxAge?: number): string =>
    serializeCookie(name, value, {
      secure: options.secureCookies,
      ...(maxAge === undefined ? {} : { maxAge }),
    });

  router.use((_request, response, next) => {
    response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'same-origin');
    response.setHeader('X-Frame-Options', 'DENY');
    next();
  });
  router.use(
    '/static',
    express.static(path.join(projectRoot(), 'web', 'static'), {
      maxAge: '1h',
      index: false,
      fallthrough: false,
    }),
  );

  // Who is signed in, for every request that reaches the web interface.
  router.use(async (request, response, next) => {
    const value = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
    if (value) {
      const session = await services.sessions.resume(value);
      const principal = session ? await services.users.get(session.webUserId) : undefined;
      if (session && principal) {
        Object.assign(webLocals(response), { principal, csrfToken: session.csrfToken, sessionCookie: value });
      }
    }
    next();
  });

  // One gate for every state-changing request, before any route and whatever the content type: the
  // body (urlencoded or multipart) is read here, so no route checks, or forgets to check, the token.
  router.use(async (request, response, next) => {
    if (isSafeMethod(request.method)) return next();
    const { principal, csrfToken } = webLocals(response);
    await readFormBody(request, response, { multipart: principal !== undefined });
    const body = request.body as Record<string, unknown>;
    const signInToken = parseCookies(request.headers.cookie).get(SIGN_IN_CSRF_COOKIE);
    const verdict = csrfVerdict({
      method: request.method,
      sessionToken: principal ? csrfToken : undefined,
      signInToken: signInToken && SIGN_IN_TOKEN.test(signInToken) ? signInToken : undefined,
      submitted: body._csrf,
    });
    if (verdict === 'accepted') return next();
    const error = new AuthenticationError(generalErrors.csrfRejected);
    if (!principal) {
      // No session (never had one, or it expired): the way on is signing in again.
      const lang = langOf(request);
      return showSignIn(
        request,
        response,
        { login: field(body.login), next: safeNext(body.siguiente), error: messageOf(error, lang) },
        403,
      );
    }
    const context = pageContext(request, response);
    sendPage(response, errorPage(context, messageOf(error, context.lang), error.code), 403);
  });

  router.get('/favicon.ico', (_request, response) => response.redirect(301, '/static/favicon.svg'));

  router.get('/idioma/:lang', (request, response) => {
    const lang = isLang(request.params.lang) ? request.params.lang : 'es';
    response.setHeader('Set-Cookie', cookie(LANG_COOKIE, lang, 365 * 86_400));
    response.redirect(303, safeNext(request.query.volver));
  });

  function showSignIn(
    request: Request,
    response: Response,
    state: { error?: string; login?: string; next: string },
    status = 200,
  ): void {
    // Reuse the browser's token: a second tab (or a stray request) must not invalidate the first form.
    const current = parseCookies(request.headers.cookie).get(SIGN_IN_CSRF_COOKIE);
    const token = current && SIGN_IN_TOKEN.test(current) ? current : randomBytes(24).toString('base64url');
    response.append('Set-Cookie', cookie(SIGN_IN_CSRF_COOKIE, token));
    webLocals(response).csrfToken = token;
    sendPage(
      response,
      signInPage(pageContext(request, response), { ...state, showDemoHint: options.showDemoHint }),
      status,
    );
  }

  router.get('/entrar', (request, response) => {
    if (webLocals(response).principal) return response.redirect(303, safeNext(request.query.siguiente));
    showSignIn(request, response, { next: safeNext(request.query.siguiente) });
  });

  router.post('/entrar', async (request, response) => {
    const body = request.body as Record<string, unknown>;
    const lang = langOf(request);
    const state = { login: field(body.login), next: safeNext(body.siguiente) };
    const attempt = { address: request.ip, username: state.login };
    try {
      services.signInThrottle?.check(attempt);
      const principal = await services.users.authenticate(state.login ?? '', String(body.password ?? ''));
      services.signInThrottle?.succeeded(attempt);
      const userAgent = request.get('user-agent');
      const session = await services.sessions.open(principal.userId, {
        ...(request.ip ? { ip: request.ip } : {}),
        ...(userAgent ? { userAgent } : {}),
      });
      response.setHeader('Set-Cookie', [
        cookie(SESSION_COOKIE, session.cookieValue),
        cookie(SIGN_IN_CSRF_COOKIE, '', 0),
      ]);
      services.logger.info('web sign-in', { webUserId: principal.userId, tenantId: principal.tenantId });
      response.redirect(303, state.next);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      services.logger.warn('web sign-in refused', { code: error.code, ip: request.ip });
      if (error instanceof RateLimitError) {
        // Throttled or the hashing gate full: nothing was checked, so nothing is counted either.
        const retryAfter = Number(error.params.retryAfterSeconds ?? 1);
        response.setHeader('Retry-After', String(retryAfter));
        showSignIn(request, response, { ...state, error: messageOf(error, lang) }, 429);
        return;
      }
      services.signInThrottle?.failed(attempt);
      // The log keeps the reason (wrong password, unknown login, locked); the page never does, so
      // that it cannot tell which logins exist: a lock is answered only for existing ones.
      const refused = new AuthenticationError(generalErrors.signInRefused);
      showSignIn(request, response, { ...state, error: messageOf(refused, lang) }, 401);
    }
  });

  // Everything below needs a signed-in user.
  router.use((request, response, next) => {
    if (webLocals(response).principal) return next();
    if (request.method === 'GET' && request.accepts(['html', 'json']) === 'html') {
      return response.redirect(303, `/entrar?siguiente=${encodeURIComponent(request.originalUrl)}`);
    }
    response.status(401).json({ codigo: generalErrors.unauthenticated.code });
  });

  router.post('/salir', async (_request, response) => {
    const value = webLocals(response).sessionCookie;
    if (value) await services.sessions.close(value);
    response.setHeader('Set-Cookie', cookie(SESSION_COOKIE, '', 0));
    response.redirect(303, '/entrar');
  });

  router.get('/', (_request, response) => response.redirect(303, '/solicitudes'));
  router.use(createSolicitudesRoutes(services));
  router.use(createAdminRoutes(services));
  router.use(createCfdiRoutes(services));
  router.use(createConciliacionRoutes(services));
  router.use(createNotificacionesRoutes(services));
  router.use(createSatRoutes(services));

  router.use((request, response) => {
    const context = pageContext(request, response);
    sendPage(response, errorPage(context, context.t('error.notFound')), 404);
  });

  router.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) return next(error);
    const context = pageContext(request, response);
    const requestId = typeof response.locals.requestId === 'string' ? response.locals.requestId : '';
    const answer = httpErrorAnswer(error, requestId);
    if (answer.unexpected) services.logger.error('web page failed', { error, path: request.path });
    // Another tenant's id answers exactly like a missing one.
    if (answer.status === 404) {
      return sendPage(response, errorPage(context, context.t('error.notFound')), 404);
    }
    sendPage(
      response,
      errorPage(context, messageOf(answer.error, context.lang), answer.error.code),
      answer.status,
    );
  });

  return router;
}
