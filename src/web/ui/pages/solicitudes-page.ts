import { ESTADOS_SOLICITUD, type SolicitudQueryService } from '../../../services/solicitudes';
import { fechaHora, periodo as formatPeriodo } from '../format';
import { html, type SafeHtml } from '../html';
import { layout } from '../layout';
import type { PageContext } from '../page-context';
import { estadoBadge, options, pager } from './shared';

/** What a list page holds of each solicitud. */
type Solicitud = Awaited<ReturnType<SolicitudQueryService['list']>>['rows'][number];

export interface SolicitudesView {
  readonly rows: readonly Solicitud[];
  readonly page: number;
  readonly totalPages: number;
  readonly total: number;
  readonly query: URLSearchParams;
}

function sortLink(query: URLSearchParams, campo: string, label: string): SafeHtml {
  const current = query.get('orden');
  const direction = query.get('direccion') === 'ASC' ? 'ASC' : 'DESC';
  const next = new URLSearchParams(query);
  next.set('orden', campo);
  next.set('direccion', current === campo && direction === 'DESC' ? 'ASC' : 'DESC');
  next.delete('pagina');
  const sort = current === campo ? (direction === 'ASC' ? 'ascending' : 'descending') : undefined;
  return html`<th scope="col" ${sort ? html` aria-sort="${sort}"` : ''}>
    <a href="/solicitudes?${next.toString()}">${label}</a>
  </th>`;
}

function periodo(context: PageContext, row: Solicitud): string {
  if (!row.fechaInicial) return String(row.filtros.uuid ?? '—');
  return formatPeriodo(row.fechaInicial, row.fechaFinal, context.lang);
}

export function solicitudesPage(context: PageContext, view: SolicitudesView): SafeHtml {
  const { t } = context;
  const q = view.query;
  const any = { value: '', label: t('common.any') };
  const filters = html`<form
    method="get"
    action="/solicitudes"
    class="filters"
    aria-label="${t('solicitudes.filters')}"
  >
    <div>
      <label for="f-rfc">${t('field.rfc')}</label
      ><input id="f-rfc" name="rfc" value="${q.get('rfc') ?? ''}" maxlength="13" />
    </div>
    <div>
      <label for="f-estado">${t('field.estado')}</label
      ><select id="f-estado" name="estado">
        ${options(
          [any, ...ESTADOS_SOLICITUD.map((estado) => ({ value: estado, label: t(`estado.${estado}`) }))],
          q.get('estado') ?? '',
        )}
      </select>
    </div>
    <div>
      <label for="f-contexto">${t('field.contexto')}</label
      ><select id="f-contexto" name="contexto">
        ${options(
          [any, { value: 'Emitidos', label: 'Emitidos' }, { value: 'Recibidos', label: 'Recibidos' }],
          q.get('contexto') ?? '',
        )}
      </select>
    </div>
    <div>
      <label for="f-tipo">${t('field.tipoSolicitud')}</label
      ><select id="f-tipo" name="tipoSolicitud">
        ${options(
          [any, { value: 'CFDI', label: 'CFDI' }, { value: 'Metadata', label: 'Metadata' }],
          q.get('tipoSolicitud') ?? '',
        )}
      </select>
    </div>
    <div>
      <label for="f-documento">${t('field.tipoDocumento')}</label
      ><select id="f-documento" name="tipoDocumento">
        ${options(
          [any, { value: 'CFDI', label: 'CFDI' }, { value: 'Retenciones', label: 'Retenciones' }],
          q.get('tipoDocumento') ?? '',
        )}
      </select>
    </div>
    <div>
      <label for="f-desde">${t('field.registradaDesde')}</label
      ><input id="f-desde" name="registradaDesde" type="date" value="${q.get('registradaDesde') ?? ''}" />
    </div>
    <div>
      <label for="f-hasta">${t('field.registradaHasta')}</label
      ><input id="f-hasta" name="registradaHasta" type="date" value="${q.get('registradaHasta') ?? ''}" />
    </div>
    <div class="actions">
      <button type="submit" class="primary">${t('common.apply')}</button>
      <a href="/solicitudes">${t('common.clear')}</a>
    </div>
  </form>`;
  const table =
    view.rows.length === 0
      ? html`<p class="empty">${t('common.none')}</p>`
      : html`<table class="data">
            <thead>
              <tr>
                ${sortLink(q, 'FechaRegistro', t('field.registrada'))} ${sortLink(q, 'Rfc', t('field.rfc'))}
                ${sortLink(q, 'FechaInicial', t('field.periodo'))}
                <th scope="col">${t('field.contexto')}</th>
                <th scope="col">${t('field.tipoSolicitud')}</th>
                <th scope="col">${t('field.tipoDocumento')}</th>
                ${sortLink(q, 'Estado', t('field.estado'))}
                <th scope="col" class="num">${t('field.numeroCfdis')}</th>
                <th scope="col" class="num">${t('field.paquetes')}</th>
              </tr>
            </thead>
            <tbody>
              ${view.rows.map(
                (row) =>
                  html`<tr data-solicitud="${row.id}">
                    <td><a href="/solicitudes/${row.id}">${fechaHora(row.createdAt, context.lang)}</a></td>
                    <td>${row.rfc}</td>
                    <td>${periodo(context, row)}</td>
                    <td>${row.contexto}</td>
                    <td>${row.tipoSolicitud}</td>
                    <td>${row.tipoDocumento}</td>
                    <td class="estado">${estadoBadge(context, row.estado)}</td>
                    <td class="num">${row.numeroCfdis ?? '—'}</td>
                    <td class="num paquetes">${row.paquetesAlmacenados}/${row.paquetesTotal}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
          ${pager(context, '/solicitudes', q, view)}`;
  return layout(context, {
    title: t('solicitudes.title'),
    section: 'solicitudes',
    body: html`${filters}
      <div class="live" data-progreso="/solicitudes/progreso">${table}</div>`,
  });
}
