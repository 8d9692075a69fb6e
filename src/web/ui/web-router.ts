import { randomBytes } from 'node:crypto';
import path from 'node:path';
import express, { Router, type Request, type Response, type NextFunction } from 'express';
import { projectRoot } from '../../config/project-root';
import { AppError, AuthenticationError, generalErrors } from '../../errors';
import type { Logger } from '../../logging';
import type { ContribuyenteDirectory } from '../../services/accounts';
import type {
  DownloadLinkService,
  RegistrationInput,
  RegistrationService,
  SolicitudQueryService,
} from '../../services/solicitudes';
import { csrfMatches, type SessionStore, type WebPrincipal, type WebUserService } from '../../services/web-access';
import { parseCookies, serializeCookie } from './cookies';
import { fromLocalInput } from './format';
import { isLang, translator, type Lang } from './i18n';
import type { PageContext } from './page-context';
import { errorPage } from './pages/error-page';
import { registrarPage } from './pages/registrar-page';
import { signInPage } from './pages/sign-in-page';
import { solicitudPage } from './pages/solicitud-page';
import { solicitudesPage } from './pages/solicitudes-page';
import type { SafeHtml } from './html';
import { ESTADOS_FINALES, type EstadoSolicitud } from '../../services/solicitudes';

export interface WebServices {
  readonly logger: Logger;
  readonly users: WebUserService;
  readonly sessions: SessionStore;
  readonly contribuyentes: ContribuyenteDirectory;
  readonly registration: RegistrationService;
  readonly queries: SolicitudQueryService;
  readonly links: DownloadLinkService;
}

export interface WebOptions {
  readonly secureCookies: boolean;
  /** Simulator mode: the sign-in page reminds of demo/demo. */
  readonly showDemoHint: boolean;
}

const SESSION_COOKIE = 'dm_sesion';
/** Sign-in happens before any session: its form is protected by a double-submit cookie. */
const SIGN_IN_CSRF_COOKIE = 'dm_entrada';
const LANG_COOKIE = 'dm_idioma';

interface WebLocals {
  principal?: WebPrincipal;
  csrfToken?: string;
  sessionCookie?: string;
}

function locals(response: Response): WebLocals {
  return response.locals as WebLocals;
}

/** Only paths of this application, so a crafted `siguiente` cannot send the user elsewhere. */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(value) && !value.startsWith('/\\')
    ? value
    : '/solicitudes';
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * The web interface: server-rendered pages (no build step), Spanish first, sessions in Postgres,
 * CSRF tokens on every form, strict content security policy. Every page reads through the same
 * services as the SOAP API, always scoped to the signed-in user's tenant.
 */
export function createWebRouter(services: WebServices, options: WebOptions): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 });

  router.use((_request, response, next) => {
    response.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
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

  function langOf(request: Request, principal?: WebPrincipal): Lang {
    const chosen = parseCookies(request.headers.cookie).get(LANG_COOKIE);
    return isLang(chosen) ? chosen : (principal?.idioma ?? 'es');
  }

  function context(request: Request, response: Response): PageContext {
    const { principal, csrfToken } = locals(response);
    const lang = langOf(request, principal);
    return {
      lang,
      t: translator(lang),
      principal,
      csrfToken: csrfToken ?? '',
      currentUrl: request.originalUrl,
    };
  }

  function send(response: Response, page: SafeHtml, status = 200): void {
    response.status(status).type('html').setHeader('Cache-Control', 'no-store').send(page.value);
  }

  // Who is signed in, for every request under this router.
  router.use(async (request, response, next) => {
    const cookie = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
    if (cookie) {
      const session = await services.sessions.resume(cookie);
      const principal = session ? await services.users.get(session.webUserId) : undefined;
      if (session && principal) {
        Object.assign(locals(response), { principal, csrfToken: session.csrfToken, sessionCookie: cookie });
      }
    }
    next();
  });

  router.get('/idioma/:lang', (request, response) => {
    const lang = isLang(request.params.lang) ? request.params.lang : 'es';
    response.setHeader(
      'Set-Cookie',
      serializeCookie(LANG_COOKIE, lang, { secure: options.secureCookies, maxAge: 365 * 86_400 }),
    );
    response.redirect(303, safeNext(request.query.volver));
  });

  router.get('/entrar', (request, response) => {
    if (locals(response).principal) return response.redirect(303, safeNext(request.query.siguiente));
    const token = randomBytes(24).toString('base64url');
    response.setHeader(
      'Set-Cookie',
      serializeCookie(SIGN_IN_CSRF_COOKIE, token, { secure: options.secureCookies }),
    );
    locals(response).csrfToken = token;
    send(
      response,
      signInPage(context(request, response), {
        next: safeNext(request.query.siguiente),
        showDemoHint: options.showDemoHint,
      }),
    );
  });

  router.post('/entrar', form, async (request, response) => {
    const body = request.body as Record<string, unknown>;
    const expected = parseCookies(request.headers.cookie).get(SIGN_IN_CSRF_COOKIE) ?? '';
    const token = randomBytes(24).toString('base64url');
    const again = (message: string, status: number): void => {
      response.setHeader(
        'Set-Cookie',
        serializeCookie(SIGN_IN_CSRF_COOKIE, token, { secure: options.secureCookies }),
      );
      locals(response).csrfToken = token;
      send(
        response,
        signInPage(context(request, response), {
          error: message,
          login: text(body.login),
          next: safeNext(body.siguiente),
          showDemoHint: options.showDemoHint,
        }),
        status,
      );
    };
    const t = translator(langOf(request));
    if (!expected || !csrfMatches(expected, body._csrf)) {
      const error = new AuthenticationError(generalErrors.csrfRejected);
      return again(
        t('error.title') + ': ' + (langOf(request) === 'es' ? error.messageEs : error.messageEn),
        403,
      );
    }
    try {
      const principal = await services.users.authenticate(
        text(body.login) ?? '',
        String(body.password ?? ''),
      );
      const session = await services.sessions.open(principal.userId, {
        ...(request.ip ? { ip: request.ip } : {}),
        ...(request.get('user-agent') ? { userAgent: request.get('user-agent') as string } : {}),
      });
      response.setHeader('Set-Cookie', [
        serializeCookie(SESSION_COOKIE, session.cookieValue, { secure: options.secureCookies }),
        serializeCookie(SIGN_IN_CSRF_COOKIE, '', { secure: options.secureCookies, maxAge: 0 }),
      ]);
      services.logger.info('web sign-in', { webUserId: principal.userId, tenantId: principal.tenantId });
      response.redirect(303, safeNext(body.siguiente));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      services.logger.warn('web sign-in refused', { code: error.code, ip: request.ip });
      again(
        langOf(request) === 'es' ? error.messageEs : error.messageEn,
        error.code === 'DM-3005' ? 423 : 401,
      );
    }
  });

  // Everything below needs a signed-in user.
  router.use((request, response, next) => {
    if (locals(response).principal) return next();
    if (request.method === 'GET' && request.accepts(['html', 'json']) === 'html') {
      return response.redirect(303, `/entrar?siguiente=${encodeURIComponent(request.originalUrl)}`);
    }
    response.status(401).json({ codigo: 'DM-3001' });
  });

  // Every state-changing request carries the session's CSRF token.
  router.use(form, (request, response, next) => {
    if (request.method === 'GET' || request.method === 'HEAD') return next();
    const { csrfToken } = locals(response);
    if (csrfToken && csrfMatches(csrfToken, (request.body as Record<string, unknown> | undefined)?._csrf)) {
      return next();
    }
    const ctx = context(request, response);
    const error = new AuthenticationError(generalErrors.csrfRejected);
    send(response, errorPage(ctx, ctx.lang === 'es' ? error.messageEs : error.messageEn, error.code), 403);
  });

  router.post('/salir', async (_request, response) => {
    const cookie = locals(response).sessionCookie;
    if (cookie) await services.sessions.close(cookie);
    response.setHeader(
      'Set-Cookie',
      serializeCookie(SESSION_COOKIE, '', { secure: options.secureCookies, maxAge: 0 }),
    );
    response.redirect(303, '/entrar');
  });

  router.get('/', (_request, response) => response.redirect(303, '/solicitudes'));

  router.get('/solicitudes', async (request, response) => {
    const { tenantId } = locals(response).principal as WebPrincipal;
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    const desde = text(query.get('registradaDesde'));
    const hasta = text(query.get('registradaHasta'));
    const campo = text(query.get('orden'));
    const page = await services.queries.list(tenantId, {
      rfc: text(query.get('rfc')),
      estados: text(query.get('estado')) ? [query.get('estado') as string] : [],
      contexto: text(query.get('contexto')),
      tipoSolicitud: text(query.get('tipoSolicitud')),
      tipoDocumento: text(query.get('tipoDocumento')),
      registradaDesde: desde ? `${desde}T00:00:00` : undefined,
      registradaHasta: hasta ? `${hasta}T23:59:59` : undefined,
      ...(campo ? { orden: { campo, direccion: query.get('direccion') === 'ASC' ? 'ASC' : 'DESC' } } : {}),
      pagina: Number(query.get('pagina') ?? 1) || 1,
      tamanoPagina: 25,
    });
    send(
      response,
      solicitudesPage(context(request, response), {
        rows: page.rows,
        page: page.page,
        totalPages: page.totalPages,
        total: page.total,
        query,
      }),
    );
  });

  /** Live progress for the pages' script: states of the listed solicitudes, this tenant's only. */
  router.get('/solicitudes/progreso', async (request, response) => {
    const { tenantId } = locals(response).principal as WebPrincipal;
    const ids = String(request.query.ids ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter((id) => /^[0-9a-f-]{36}$/i.test(id))
      .slice(0, 100);
    const rows = await services.queries.states(tenantId, ids);
    const t = translator(langOf(request, locals(response).principal));
    response.setHeader('Cache-Control', 'no-store');
    response.json(
      rows.map((row) => ({
        id: row.id,
        estado: row.estado,
        etiqueta: t(`estado.${row.estado}` as `estado.${EstadoSolicitud}`),
        final: ESTADOS_FINALES.has(row.estado as EstadoSolicitud),
        numeroCfdis: row.numeroCfdis,
        paquetes: `${row.paquetesAlmacenados}/${row.paquetesTotal}`,
      })),
    );
  });

  async function registrarView(tenantId: string) {
    const rfcs = (await services.contribuyentes.list(tenantId)).filter((item) => item.fielValidTo);
    return { rfcs: rfcs.map((item) => ({ rfc: item.rfc, nombre: item.nombre })) };
  }

  router.get('/solicitudes/nueva', async (request, response) => {
    const { tenantId } = locals(response).principal as WebPrincipal;
    send(
      response,
      registrarPage(context(request, response), { ...(await registrarView(tenantId)), values: {} }),
    );
  });

  router.post('/solicitudes/nueva', async (request, response) => {
    const principal = locals(response).principal as WebPrincipal;
    const body = request.body as Record<string, unknown>;
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(body))
      if (key !== '_csrf' && typeof value === 'string') values[key] = value;
    const input: RegistrationInput = {
      rfc: text(body.rfc),
      fechaInicial: fromLocalInput(text(body.fechaInicial)),
      fechaFinal: fromLocalInput(text(body.fechaFinal)),
      contexto: text(body.contexto),
      tipoSolicitud: text(body.tipoSolicitud),
      tipoDocumento: text(body.tipoDocumento),
      rfcContrapartes: text(body.rfcContraparte) ? [text(body.rfcContraparte) as string] : [],
      tipoComprobante: text(body.tipoComprobante),
      estadoComprobante: text(body.estadoComprobante),
      rfcACuentaTerceros: text(body.rfcACuentaTerceros),
      complemento: text(body.complemento),
      uuid: text(body.uuid),
      referenciaCliente: text(body.referenciaCliente),
      forzar: body.forzar === 'true',
    };
    const ctx = context(request, response);
    const view = await registrarView(principal.tenantId);
    try {
      const results = await services.registration.register(
        { tenantId: principal.tenantId, canal: 'web' },
        input,
      );
      send(response, registrarPage(ctx, { ...view, values, results }));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      send(
        response,
        registrarPage(ctx, {
          ...view,
          values,
          error: { code: error.code, message: ctx.lang === 'es' ? error.messageEs : error.messageEn },
        }),
        400,
      );
    }
  });

  router.get('/solicitudes/:id', async (request, response) => {
    const { tenantId } = locals(response).principal as WebPrincipal;
    const detail = await services.queries.get(tenantId, String(request.params.id));
    send(response, solicitudPage(context(request, response), detail));
  });

  router.get('/solicitudes/:id/paquetes/:idPaquete', async (request, response) => {
    const { tenantId } = locals(response).principal as WebPrincipal;
    const link = await services.links.linkFor(
      tenantId,
      String(request.params.id),
      String(request.params.idPaquete),
      300,
    );
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(303, link.url);
  });

  router.use((request, response) => {
    const ctx = context(request, response);
    send(response, errorPage(ctx, ctx.t('error.notFound')), 404);
  });

  router.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    const ctx = context(request, response);
    if (error instanceof AppError) {
      const status =
        error.kind === 'not-found'
          ? 404
          : error.kind === 'validation'
            ? 400
            : error.kind === 'authorization'
              ? 403
              : 500;
      // Another tenant's id answers exactly like a missing one.
      const message =
        error.kind === 'not-found'
          ? ctx.t('error.notFound')
          : ctx.lang === 'es'
            ? error.messageEs
            : error.messageEn;
      return send(
        response,
        errorPage(ctx, message, error.kind === 'not-found' ? undefined : error.code),
        status,
      );
    }
    services.logger.error('web page failed', { error, path: request.path });
    send(response, errorPage(ctx, ctx.lang === 'es' ? 'Error interno.' : 'Internal error.'), 500);
  });

  return router;
}
