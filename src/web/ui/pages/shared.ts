import { html, type SafeHtml } from '../html';
import { isMessageKey } from '../i18n';
import type { PageContext } from '../page-context';

const ESTADO_TONES: Record<string, string> = {
  Registrada: 'neutral',
  EnProceso: 'busy',
  Descargando: 'busy',
  Completada: 'ok',
  SinDatos: 'neutral',
  Duplicada: 'neutral',
  Rechazada: 'bad',
  Error: 'bad',
  Vencida: 'bad',
};

export function estadoBadge(context: PageContext, estado: string): SafeHtml {
  const key = `estado.${estado}`;
  // A state this interface does not know yet is shown as the service names it.
  const label = isMessageKey(key) ? context.t(key) : estado;
  return html`<span class="badge ${ESTADO_TONES[estado] ?? 'neutral'}" data-estado="${estado}"
    >${label}</span
  >`;
}

/** Previous/next links that keep the current query, and "page N of M". */
export function pager(
  context: PageContext,
  basePath: string,
  query: URLSearchParams,
  page: { page: number; totalPages: number; total: number },
): SafeHtml {
  const link = (target: number): string => {
    const next = new URLSearchParams(query);
    next.set('pagina', String(target));
    return `${basePath}?${next.toString()}`;
  };
  return html`<nav
    class="pager"
    aria-label="${context.t('common.page', { page: page.page, pages: Math.max(page.totalPages, 1), total: page.total })}"
  >
    ${page.page > 1 ? html`<a href="${link(page.page - 1)}" rel="prev">${context.t('common.previous')}</a>` : html`<span></span>`}
    <span
      >${context.t('common.page', { page: page.page, pages: Math.max(page.totalPages, 1), total: page.total })}</span
    >
    ${page.page < page.totalPages ? html`<a href="${link(page.page + 1)}" rel="next">${context.t('common.next')}</a>` : html`<span></span>`}
  </nav>`;
}

export function options(
  values: readonly { value: string; label: string }[],
  selected: string | undefined,
): SafeHtml[] {
  return values.map(
    (option) =>
      html`<option value="${option.value}" ${option.value === (selected ?? '') ? html` selected` : ''}>
        ${option.label}
      </option>`,
  );
}
