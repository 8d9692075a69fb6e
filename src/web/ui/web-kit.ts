import type { Request, Response } from 'express';
import { type AppError } from '../../errors';
import type { WebPrincipal } from '../../services/web-access';
import { parseCookies } from './cookies';
import type { SafeHtml } from './html';
import { isLang, translator, type Lang } from './i18n';
import type { PageContext } from './page-context';

export const SESSION_COOKIE = 'dm_sesion';
/** Sign-in happens before any session: its form is protected by a double-submit cookie. */
export const SIGN_IN_CSRF_COOKIE = 'dm_entrada';
export const LANG_COOKIE = 'dm_idioma';

interface WebLocals {
  principal?: WebPrincipal;
  csrfToken?: string;
  sessionCookie?: string;
  /** A multipart request's files, read (with its fields) before the CSRF check. */
  upload?: { files: ReadonlyMap<string, Buffer>; truncated: ReadonlySet<string> };
}

export function webLocals(response: Response): WebLocals {
  return response.locals as WebLocals;
}

/** The signed-in user; section routers are mounted behind the sign-in gate, so there always is one. */
export function principalOf(response: Response): WebPrincipal {
  const { principal } = webLocals(response);
  if (!principal) throw new Error('section route reached without a signed-in user');
  return principal;
}

export function langOf(request: Request, principal?: WebPrincipal): Lang {
  const chosen = parseCookies(request.headers.cookie).get(LANG_COOKIE);
  return isLang(chosen) ? chosen : (principal?.idioma ?? 'es');
}

export function pageContext(request: Request, response: Response): PageContext {
  const { principal, csrfToken } = webLocals(response);
  const lang = langOf(request, principal);
  return {
    lang,
    t: translator(lang),
    principal,
    csrfToken: csrfToken ?? '',
    currentUrl: request.originalUrl,
  };
}

export function sendPage(response: Response, page: SafeHtml, status = 200): void {
  response.status(status).type('html').setHeader('Cache-Control', 'no-store').send(page.value);
}

/** The error's message in the page's language. */
export function messageOf(error: AppError, lang: Lang): string {
  return lang === 'es' ? error.messageEs : error.messageEn;
}

/** A form field as trimmed text; empty means absent. */
export function field(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Only paths of this application, so a crafted `siguiente` cannot send the user elsewhere. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(value) && !value.startsWith('/\\')
    ? value
    : '/solicitudes';
}

export function queryOf(request: Request): URLSearchParams {
  return new URLSearchParams(request.originalUrl.split('?')[1] ?? '');
}
