import {
  RECONCILIATION_CLASSES,
  type ReconciliationClass,
  type ReconciliationReport,
  type ReconciliationRow,
} from '../../../services/reconciliation';
import { fecha, fechaHora, integer } from '../format';
import { html, type SafeHtml } from '../html';
import { layout } from '../layout';
import type { PageContext } from '../page-context';
import { options, pager } from './shared';

export interface ConciliacionView {
  readonly query: URLSearchParams;
  /** The tenant's RFCs, for the form. */
  readonly rfcs: readonly { readonly rfc: string; readonly nombre: string | null }[];
  readonly report?: ReconciliationReport;
  readonly error?: { readonly code: string; readonly message: string };
}

/** How much each class asks of the user: in order, a gap to fill, expected, worth a look. */
const TONES: Record<ReconciliationClass, string> = {
  ConXml: 'ok',
  SinXml: 'bad',
  XmlDeCancelado: 'busy',
  RecibidoCanceladoSinXml: 'neutral',
  XmlSinMetadata: 'busy',
};

function claseBadge(context: PageContext, clase: ReconciliationClass): SafeHtml {
  return html`<span class="badge ${TONES[clase]}" data-clase="${clase}"
    >${context.t(`conciliacion.clase.${clase}`)}</span
  >`;
}

/** The page's query with some parameters replaced (and the page reset), as a link. */
function linkWith(query: URLSearchParams, changes: Record<string, string>, path = '/conciliacion'): string {
  const next = new URLSearchParams(query);
  next.delete('pagina');
  for (const [name, value] of Object.entries(changes)) next.set(name, value);
  return `${path}?${next.toString()}`;
}

function form(context: PageContext, view: ConciliacionView): SafeHtml {
  const { t } = context;
  const q = view.query;
  const rfcField =
    view.rfcs.length > 0
      ? html`<select id="r-rfc" name="rfc" required>
          ${options(
            view.rfcs.map((item) => ({
              value: item.rfc,
              label: item.nombre ? `${item.rfc} · ${item.nombre}` : item.rfc,
            })),
            q.get('rfc') ?? '',
          )}
        </select>`
      : html`<input id="r-rfc" name="rfc" value="${q.get('rfc') ?? ''}" maxlength="13" required />`;
  return html`<form
    method="get"
    action="/conciliacion"
    class="filters"
    aria-label="${t('conciliacion.form')}"
  >
    <div><label for="r-rfc">${t('field.rfc')}</label>${rfcField}</div>
    <div>
      <label for="r-desde">${t('conciliacion.desde')}</label
      ><input id="r-desde" name="desde" type="date" value="${q.get('desde') ?? ''}" required />
    </div>
    <div>
      <label for="r-hasta">${t('conciliacion.hasta')}</label
      ><input id="r-hasta" name="hasta" type="date" value="${q.get('hasta') ?? ''}" required />
    </div>
    <div>
      <label for="r-contexto">${t('field.contexto')}</label
      ><select id="r-contexto" name="contexto">
        ${options(
          [
            { value: 'Ambos', label: t('conciliacion.ambos') },
            { value: 'Emitidos', label: 'Emitidos' },
            { value: 'Recibidos', label: 'Recibidos' },
          ],
          q.get('contexto') ?? 'Ambos',
        )}
      </select>
    </div>
    <div>
      <label for="r-clase">${t('conciliacion.clase')}</label
      ><select id="r-clase" name="clase">
        ${options(
          [
            { value: '', label: t('conciliacion.diferencias') },
            { value: 'Todas', label: t('conciliacion.todas') },
            ...RECONCILIATION_CLASSES.map((clase) => ({
              value: clase,
              label: t(`conciliacion.clase.${clase}`),
            })),
          ],
          q.get('clase') ?? '',
        )}
      </select>
    </div>
    <div class="actions">
      <button type="submit" class="primary">${t('conciliacion.submit')}</button>
      <a href="/conciliacion">${t('common.clear')}</a>
    </div>
  </form>`;
}

function summary(context: PageContext, query: URLSearchParams, report: ReconciliationReport): SafeHtml {
  const { t } = context;
  return html`<section aria-labelledby="h-resumen">
    <h2 id="h-resumen">${t('conciliacion.resumen')}</h2>
    <p>${t('conciliacion.enMetadata', { count: integer(report.documentosEnMetadata, context.lang) })}</p>
    <table class="data conciliacion-resumen">
      <thead>
        <tr>
          <th scope="col">${t('conciliacion.claseColumna')}</th>
          <th scope="col" class="num">${t('conciliacion.documentos')}</th>
          <th scope="col">${t('conciliacion.significado')}</th>
        </tr>
      </thead>
      <tbody>
        ${RECONCILIATION_CLASSES.map(
          (clase) =>
            html`<tr>
              <th scope="row">${claseBadge(context, clase)}</th>
              <td class="num" data-clase="${clase}" data-total="${report.totales[clase]}">
                <a href="${linkWith(query, { clase })}">${integer(report.totales[clase], context.lang)}</a>
              </td>
              <td>${t(`conciliacion.ayuda.${clase}`)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

function party(rfc: string | null, nombre: string | null): SafeHtml {
  return html`<span class="rfc">${rfc ?? '—'}</span>${nombre ? html`<br /><small>${nombre}</small>` : ''}`;
}

function rowsTable(context: PageContext, query: URLSearchParams, report: ReconciliationReport): SafeHtml {
  const { t } = context;
  const { filas } = report;
  const exportLink = linkWith(query, {}, '/conciliacion/exportar.csv');
  const body =
    filas.rows.length === 0
      ? html`<p class="empty">${t('common.none')}</p>`
      : html`<table class="data">
            <thead>
              <tr>
                <th scope="col">${t('conciliacion.uuid')}</th>
                <th scope="col">${t('conciliacion.claseColumna')}</th>
                <th scope="col">${t('field.contexto')}</th>
                <th scope="col">${t('conciliacion.emisor')}</th>
                <th scope="col">${t('conciliacion.receptor')}</th>
                <th scope="col">${t('conciliacion.fechaEmision')}</th>
                <th scope="col">${t('conciliacion.estatus')}</th>
                <th scope="col">${t('conciliacion.paquete')}</th>
              </tr>
            </thead>
            <tbody>
              ${filas.rows.map((row: ReconciliationRow) => {
                const uuid = row.uuid.toLowerCase();
                return html`<tr data-uuid="${uuid}" data-clase="${row.clase}">
                  <td>
                    <a href="/cfdi/${uuid}"><code>${uuid.toUpperCase()}</code></a>
                  </td>
                  <td>${claseBadge(context, row.clase)}</td>
                  <td>${row.contexto}</td>
                  <td>${party(row.rfcEmisor, row.nombreEmisor)}</td>
                  <td>${party(row.rfcReceptor, row.nombreReceptor)}</td>
                  <td>${fechaHora(row.fechaEmision, context.lang)}</td>
                  <td>
                    ${row.estatus ?? '—'}${row.fechaCancelacion ? html`<br /><small>${fecha(row.fechaCancelacion, context.lang)}</small>` : ''}
                  </td>
                  <td>${row.idPaquete ? html`<code>${row.idPaquete}</code>` : '—'}</td>
                </tr>`;
              })}
            </tbody>
          </table>
          ${pager(context, '/conciliacion', query, filas)}`;
  return html`<section aria-labelledby="h-filas" data-total="${filas.total}">
    <h2 id="h-filas">${t('conciliacion.filas')}</h2>
    <p><a class="button" href="${exportLink}" download>${t('conciliacion.exportar')}</a></p>
    ${body}
  </section>`;
}

/** The form, then (once asked) the totals per class and the documents of the chosen classes. */
export function conciliacionPage(context: PageContext, view: ConciliacionView): SafeHtml {
  const { t } = context;
  const problem = view.error
    ? html`<p class="alert" role="alert"><strong>${view.error.code}</strong> ${view.error.message}</p>`
    : '';
  const content = view.report
    ? html`${summary(context, view.query, view.report)} ${rowsTable(context, view.query, view.report)}`
    : view.error
      ? ''
      : html`<p class="hint">
          ${view.rfcs.length > 0 ? t('conciliacion.elija') : t('conciliacion.sinRfc')}
        </p>`;
  return layout(context, {
    title: t('conciliacion.title'),
    section: 'conciliacion',
    body: html`<p class="hint">${t('conciliacion.intro')}</p>
      ${form(context, view)} ${problem} ${content}`,
  });
}
