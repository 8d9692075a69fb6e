import {
  EFECTOS,
  ESTATUS,
  decimalText,
  type CfdiCounterpartTotal,
  type CfdiMonthTotal,
  type CfdiSearchRow,
} from '../../../services/cfdi';
import { fecha } from '../format';
import { html, type SafeHtml } from '../html';
import type { MessageKey } from '../i18n';
import { layout } from '../layout';
import type { PageContext } from '../page-context';
import { amountText, countText, monthCharts } from './cfdi-charts';
import { counterpartChart } from './cfdi-counterparts-chart';
import { amountOf, efectoLabel, estatusBadge, searchWithout } from './cfdi-shared';
import { options, pager } from './shared';

export interface CfdiSearchView {
  readonly query: URLSearchParams;
  readonly results?: {
    readonly rows: readonly CfdiSearchRow[];
    readonly page: number;
    readonly totalPages: number;
    readonly total: number;
  };
  readonly months?: readonly CfdiMonthTotal[];
  readonly counterparts?: readonly CfdiCounterpartTotal[];
  readonly error?: { readonly code: string; readonly message: string };
}

/** Fields the results can be sorted by, with the index's names. */
export const CFDI_SORTABLE = [
  'FechaEmision',
  'Uuid',
  'RfcEmisor',
  'RfcReceptor',
  'Efecto',
  'Estatus',
  'Monto',
  'Total',
] as const;

function sortHeader(
  query: URLSearchParams,
  campo: (typeof CFDI_SORTABLE)[number],
  label: string,
  numeric = false,
): SafeHtml {
  const current = query.get('orden') ?? 'FechaEmision';
  const direction = query.get('direccion') === 'ASC' ? 'ASC' : 'DESC';
  const next = searchWithout(query, 'pagina');
  next.set('orden', campo);
  next.set('direccion', current === campo && direction === 'DESC' ? 'ASC' : 'DESC');
  const sort = current === campo ? (direction === 'ASC' ? 'ascending' : 'descending') : undefined;
  return html`<th scope="col" ${numeric ? html`class="num"` : ''} ${sort ? html`aria-sort="${sort}"` : ''}>
    <a href="/cfdi?${next.toString()}">${label}</a>
  </th>`;
}

function filters(context: PageContext, q: URLSearchParams): SafeHtml {
  const { t } = context;
  const any = { value: '', label: t('common.any') };
  const text = (id: string, name: string, label: MessageKey, extra: SafeHtml | string = ''): SafeHtml =>
    html`<div>
      <label for="${id}">${t(label)}</label
      ><input id="${id}" name="${name}" value="${q.get(name) ?? ''}" ${extra} />
    </div>`;
  return html`<form
    method="get"
    action="/cfdi"
    class="filters cfdi-filters"
    aria-label="${t('cfdi.filters')}"
  >
    ${text('c-uuid', 'uuid', 'cfdi.uuid', html`maxlength="36" spellcheck="false" autocomplete="off"`)}
    ${text('c-emisor', 'rfcEmisor', 'cfdi.rfcEmisor', html`maxlength="13" autocomplete="off"`)}
    ${text('c-receptor', 'rfcReceptor', 'cfdi.rfcReceptor', html`maxlength="13" autocomplete="off"`)}
    ${text('c-nombre', 'nombre', 'cfdi.nombre', html`maxlength="200"`)}
    <div>
      <label for="c-desde">${t('cfdi.desde')}</label
      ><input id="c-desde" name="desde" type="date" value="${q.get('desde') ?? ''}" />
    </div>
    <div>
      <label for="c-hasta">${t('cfdi.hasta')}</label
      ><input id="c-hasta" name="hasta" type="date" value="${q.get('hasta') ?? ''}" />
    </div>
    <div>
      <label for="c-efecto">${t('cfdi.efecto')}</label
      ><select id="c-efecto" name="efecto">
        ${options(
          [
            any,
            ...EFECTOS.map((efecto) => ({
              value: efecto,
              label: `${efecto} · ${efectoLabel(context, efecto)}`,
            })),
          ],
          q.get('efecto') ?? '',
        )}
      </select>
    </div>
    <div>
      <label for="c-estatus">${t('cfdi.estatus')}</label
      ><select id="c-estatus" name="estatus">
        ${options(
          [any, ...ESTATUS.map((estatus) => ({ value: estatus, label: t(`cfdi.estatus.${estatus}`) }))],
          q.get('estatus') ?? '',
        )}
      </select>
    </div>
    ${text('c-serie', 'serie', 'cfdi.serie', html`maxlength="25" autocomplete="off"`)}
    ${text('c-folio', 'folio', 'cfdi.folio', html`maxlength="40" autocomplete="off"`)}
    ${text('c-moneda', 'moneda', 'cfdi.moneda', html`maxlength="3" autocomplete="off" placeholder="MXN"`)}
    ${text('c-complemento', 'complemento', 'cfdi.complemento', html`maxlength="64" autocomplete="off" placeholder="Pagos"`)}
    ${text('c-terceros', 'rfcACuentaTerceros', 'cfdi.rfcACuentaTerceros', html`maxlength="13" autocomplete="off"`)}
    ${q.get('orden') ? html`<input type="hidden" name="orden" value="${q.get('orden') ?? ''}" />` : ''}
    ${q.get('direccion') ? html`<input type="hidden" name="direccion" value="${q.get('direccion') ?? ''}" />` : ''}
    <div class="actions">
      <button type="submit" class="primary">${t('cfdi.search')}</button>
      <a href="/cfdi">${t('common.clear')}</a>
    </div>
  </form>`;
}

function party(rfc: string | null, nombre: string | null, tercero?: SafeHtml | string): SafeHtml {
  return html`<span class="party"
    ><span class="rfc">${rfc ?? '—'}</span>${nombre ? html`<span class="nombre">${nombre}</span>` : ''}${
      tercero ?? ''
    }</span
  >`;
}

/** The third party the issuer acted for (SAT's metadata), under the issuer. */
function tercero(context: PageContext, row: CfdiSearchRow): SafeHtml | string {
  if (!row.rfcACuentaTerceros) return '';
  return html`<span class="nombre tercero" data-tercero="${row.rfcACuentaTerceros}"
    >${context.t('cfdi.aCuentaDe', { rfc: row.rfcACuentaTerceros })}${
      row.nombreACuentaTerceros ? ` · ${row.nombreACuentaTerceros}` : ''
    }</span
  >`;
}

function resultsTable(context: PageContext, view: CfdiSearchView): SafeHtml {
  const { t, lang } = context;
  const results = view.results;
  if (!results || results.rows.length === 0) return html`<p class="empty">${t('common.none')}</p>`;
  const q = view.query;
  return html`<table class="data cfdi-results">
      <caption class="sr">
        ${t('cfdi.results')}
      </caption>
      <thead>
        <tr>
          ${sortHeader(q, 'FechaEmision', t('cfdi.fechaEmision'))} ${sortHeader(q, 'Uuid', t('cfdi.uuid'))}
          ${sortHeader(q, 'RfcEmisor', t('cfdi.emisor'))} ${sortHeader(q, 'RfcReceptor', t('cfdi.receptor'))}
          <th scope="col">${t('cfdi.serieFolio')}</th>
          ${sortHeader(q, 'Efecto', t('cfdi.efecto'))} ${sortHeader(q, 'Estatus', t('cfdi.estatus'))}
          ${sortHeader(q, 'Monto', t('cfdi.monto'), true)}
          <th scope="col">${t('cfdi.xml')}</th>
        </tr>
      </thead>
      <tbody>
        ${results.rows.map(
          (row) =>
            html`<tr data-uuid="${row.uuid}">
              <td class="nowrap">${fecha(row.fechaEmision, lang)}</td>
              <td><a class="uuid" href="/cfdi/${row.uuid}">${row.uuid.toUpperCase()}</a></td>
              <td>${party(row.rfcEmisor, row.nombreEmisor, tercero(context, row))}</td>
              <td>${party(row.rfcReceptor, row.nombreReceptor)}</td>
              <td data-serie-folio>${[row.serie, row.folio].filter(Boolean).join(' ') || '—'}</td>
              <td data-efecto="${row.efecto ?? ''}">${efectoLabel(context, row.efecto)}</td>
              <td>${estatusBadge(context, row.estatus)}</td>
              <td class="num" data-monto="${decimalText(row.monto) ?? ''}">${amountOf(row)}</td>
              <td>${row.paqueteId ? t('common.yes') : t('common.no')}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${pager(context, '/cfdi', q, results)}`;
}

export function cfdiSearchPage(context: PageContext, view: CfdiSearchView): SafeHtml {
  const { t, lang } = context;
  const total = view.results?.total ?? 0;
  const amount = (view.months ?? []).reduce((sum, month) => sum + Number(month.amount), 0);
  const carried = searchWithout(view.query, 'pagina').toString();
  const suffix = carried ? `?${carried}` : '';
  const toolbar = view.results
    ? html`<div class="cfdi-toolbar">
        <p class="cfdi-totals" data-total="${total}">
          ${t('cfdi.totals', { count: countText(total, lang), amount: amountText(amount, lang) })}
        </p>
        ${
          total > 0
            ? html`<nav class="cfdi-exports" aria-label="${t('cfdi.export')}">
                <a class="button" href="/cfdi/exportar.csv${suffix}" download>${t('cfdi.export.csv')}</a>
                <a class="button" href="/cfdi/exportar.xlsx${suffix}" download>${t('cfdi.export.xlsx')}</a>
                <a class="button" href="/cfdi/exportar.zip${suffix}" download>${t('cfdi.export.zip')}</a>
              </nav>`
            : ''
        }
      </div>`
    : '';
  const charts =
    total > 0 && view.months && view.counterparts
      ? html`<section class="cfdi-charts" aria-labelledby="h-totales">
          <h2 id="h-totales" class="sr">${t('cfdi.charts')}</h2>
          ${monthCharts(context, view.months)} ${counterpartChart(context, view.counterparts)}
        </section>`
      : '';
  return layout(context, {
    title: t('cfdi.title'),
    section: 'cfdi',
    body: html`${filters(context, view.query)}
      ${view.error ? html`<p class="alert" role="alert"><strong>${view.error.code}</strong> ${view.error.message}</p>` : ''}
      ${toolbar} ${charts}
      <section aria-label="${t('cfdi.results')}">${view.error ? '' : resultsTable(context, view)}</section>`,
  });
}
