import { html, type SafeHtml } from '../html';
import { layout } from '../layout';
import type { PageContext } from '../page-context';

export function errorPage(context: PageContext, message: string, code?: string): SafeHtml {
  return layout(context, {
    title: context.t('error.title'),
    section: 'none',
    body: html`<p class="alert" role="alert">${code ? html`<strong>${code}</strong> ` : ''}${message}</p>
      <p><a href="/solicitudes">${context.t('nav.solicitudes')}</a></p>`,
  });
}
