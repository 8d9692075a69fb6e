import { html, type SafeHtml } from './html';
import type { MessageKey } from './i18n';
import type { PageContext } from './page-context';

export type Section =
  | 'solicitudes'
  | 'nueva'
  | 'cfdi'
  | 'conciliacion'
  | 'fiel'
  | 'apiUsers'
  | 'notificaciones'
  | 'estadoSat'
  | 'none';

const NAV: readonly { section: Section; href: string; label: MessageKey; adminOnly: boolean }[] = [
  { section: 'solicitudes', href: '/solicitudes', label: 'nav.solicitudes', adminOnly: false },
  { section: 'nueva', href: '/solicitudes/nueva', label: 'nav.nueva', adminOnly: false },
  { section: 'cfdi', href: '/cfdi', label: 'nav.cfdi', adminOnly: false },
  { section: 'conciliacion', href: '/conciliacion', label: 'nav.conciliacion', adminOnly: false },
  { section: 'fiel', href: '/fiel', label: 'nav.fiel', adminOnly: true },
  { section: 'apiUsers', href: '/usuarios-api', label: 'nav.apiUsers', adminOnly: true },
  { section: 'notificaciones', href: '/notificaciones', label: 'nav.notificaciones', adminOnly: true },
  { section: 'estadoSat', href: '/estado-sat', label: 'nav.estadoSat', adminOnly: false },
];

export function csrfField(context: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${context.csrfToken}" />`;
}

/** The page shell: skip link, header with navigation, language switch and sign-out, then the content. */
export function layout(
  context: PageContext,
  page: { title: string; section: Section; body: SafeHtml },
): SafeHtml {
  const { t, principal } = context;
  const otherLang = context.lang === 'es' ? 'en' : 'es';
  const nav = principal
    ? NAV.filter((item) => !item.adminOnly || principal.role === 'admin').map(
        (item) =>
          html`<li>
            <a href="${item.href}" ${item.section === page.section ? html` aria-current="page"` : ''}
              >${t(item.label)}</a
            >
          </li>`,
      )
    : [];
  return html`<!doctype html>
    <html lang="${context.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title} · ${t('app.name')}</title>
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#contenido">${t('nav.skip')}</a>
        <header class="top">
          <div class="brand"><a href="/">${t('app.name')}</a><span>${t('app.tagline')}</span></div>
          ${
            principal
              ? html`<nav aria-label="${t('app.name')}">
                  <ul>
                    ${nav}
                  </ul>
                </nav>`
              : ''
          }
          <div class="session">
            <a
              href="/idioma/${otherLang}?volver=${encodeURIComponent(context.currentUrl)}"
              lang="${otherLang}"
              >${t('nav.language')}</a
            >
            ${
              principal
                ? html`<span class="who">${principal.nombre ?? principal.login}</span>
                    <form method="post" action="/salir" class="inline">
                      ${csrfField(context)}<button type="submit" class="link">${t('nav.signOut')}</button>
                    </form>`
                : ''
            }
          </div>
        </header>
        <main id="contenido">
          <h1>${page.title}</h1>
          ${page.body}
        </main>
      </body>
    </html>`;
}
