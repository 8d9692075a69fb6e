import type { RegistrationResult } from '../../../services/solicitudes';
import { integer, periodo } from '../format';
import { html, type SafeHtml } from '../html';
import { csrfField, layout } from '../layout';
import type { PageContext } from '../page-context';
import { estadoBadge, options } from './shared';

export interface RegistrarView {
  readonly rfcs: readonly { rfc: string; nombre: string | null }[];
  /** What the user typed, to fill the form again after an error. */
  readonly values: Readonly<Record<string, string>>;
  readonly error?: { code: string; message: string };
  readonly results?: readonly RegistrationResult[];
}

/** What the registration costs at SAT (and, for a dry run, would cost): requests, documents, periods. */
function cost(context: PageContext, row: RegistrationResult): SafeHtml | string {
  if (row.solicitudesSat === undefined || (row.estado !== 'Registrada' && row.estado !== 'Simulada'))
    return '';
  const { t, lang } = context;
  const documentos =
    row.documentosEstimados === null || row.documentosEstimados === undefined
      ? t('registrar.documentosDesconocidos')
      : t('registrar.documentos', { n: integer(row.documentosEstimados, lang) });
  return html`<div class="costo" data-solicitudes-sat="${String(row.solicitudesSat)}">
    ${t(row.dimensionado ? 'registrar.costo' : 'registrar.costoMinimo', { n: row.solicitudesSat })} ·
    ${documentos}
    <ul class="periodos">
      ${row.periodosSolicitados.map(
        (item) => html`<li>${periodo(new Date(item.inicio), new Date(item.fin), lang)}</li>`,
      )}
    </ul>
  </div>`;
}

function results(context: PageContext, rows: readonly RegistrationResult[]): SafeHtml {
  const { t } = context;
  return html`<section class="card" aria-labelledby="h-resultado" role="status">
    <h2 id="h-resultado">${t('registrar.resultados')}</h2>
    <table class="data">
      <thead>
        <tr>
          <th scope="col">${t('field.contexto')}</th>
          <th scope="col">${t('field.tipoSolicitud')}</th>
          <th scope="col">${t('field.estado')}</th>
          <th scope="col">${t('field.mensaje')}</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (row) =>
            html`<tr class="resultado" data-estado="${row.estado}">
              <td>${row.contexto}</td>
              <td>${row.tipoSolicitud}</td>
              <td>
                ${row.idSolicitud ? html`<a href="/solicitudes/${row.idSolicitud}">${estadoBadge(context, row.estado)}</a>` : estadoBadge(context, row.estado)}
              </td>
              <td>
                ${row.codigo ? `${row.codigo}: ` : ''}${row.mensaje ?? ''}${
                  row.idsSolicitudExistentes.length > 0
                    ? html` ${t('registrar.existentes')}
                      ${row.idsSolicitudExistentes.map((id, index) => html`${index > 0 ? ', ' : ''}<a href="/solicitudes/${id}">${id.slice(0, 8)}</a>`)}`
                    : ''
                }${cost(context, row)}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

export function registrarPage(context: PageContext, view: RegistrarView): SafeHtml {
  const { t } = context;
  const v = view.values;
  const ambos = t('registrar.ambos');
  const form =
    view.rfcs.length === 0
      ? html`<p class="alert">${t('registrar.sinRfc')}</p>`
      : html`<form method="post" action="/solicitudes/nueva" class="card form">
  ${csrfField(context)}
  <p class="hint">${t('registrar.intro')}</p>
  ${view.error ? html`<p class="alert" role="alert"><strong>${view.error.code}</strong> ${view.error.message}</p>` : ''}
  <div class="row">
    <div><label for="rfc">${t('field.rfc')}</label><select id="rfc" name="rfc" required>${options(
      view.rfcs.map((item) => ({
        value: item.rfc,
        label: item.nombre ? `${item.rfc} — ${item.nombre}` : item.rfc,
      })),
      v.rfc,
    )}</select></div>
    <div><label for="fechaInicial">${t('field.fechaInicial')}</label><input id="fechaInicial" name="fechaInicial" type="datetime-local" step="1" value="${v.fechaInicial ?? ''}"></div>
    <div><label for="fechaFinal">${t('field.fechaFinal')}</label><input id="fechaFinal" name="fechaFinal" type="datetime-local" step="1" value="${v.fechaFinal ?? ''}"></div>
  </div>
  <div class="row">
    <div><label for="contexto">${t('field.contexto')}</label><select id="contexto" name="contexto">${options(
      [
        { value: 'Emitidos', label: 'Emitidos' },
        { value: 'Recibidos', label: 'Recibidos' },
        { value: 'Ambos', label: ambos },
      ],
      v.contexto ?? 'Emitidos',
    )}</select></div>
    <div><label for="tipoSolicitud">${t('field.tipoSolicitud')}</label><select id="tipoSolicitud" name="tipoSolicitud">${options(
      [
        { value: 'CFDI', label: 'CFDI (XML)' },
        { value: 'Metadata', label: 'Metadata' },
        { value: 'Ambos', label: ambos },
      ],
      v.tipoSolicitud ?? 'CFDI',
    )}</select></div>
    <div><label for="tipoDocumento">${t('field.tipoDocumento')}</label><select id="tipoDocumento" name="tipoDocumento">${options(
      [
        { value: 'CFDI', label: 'CFDI' },
        { value: 'Retenciones', label: 'Retenciones' },
      ],
      v.tipoDocumento ?? 'CFDI',
    )}</select></div>
  </div>
  <details${v.rfcContraparte || v.tipoComprobante || v.estadoComprobante || v.uuid ? html` open` : ''}>
    <summary>${t('registrar.filtros')}</summary>
    <div class="row">
      <div><label for="rfcContraparte">${t('field.rfcContraparte')}</label><input id="rfcContraparte" name="rfcContraparte" value="${v.rfcContraparte ?? ''}" maxlength="13"></div>
      <div><label for="tipoComprobante">${t('field.tipoComprobante')}</label><select id="tipoComprobante" name="tipoComprobante">${options(
        [
          { value: '', label: t('common.any') },
          ...['I', 'E', 'T', 'N', 'P'].map((letter) => ({ value: letter, label: letter })),
        ],
        v.tipoComprobante,
      )}</select></div>
      <div><label for="estadoComprobante">${t('field.estadoComprobante')}</label><select id="estadoComprobante" name="estadoComprobante">${options(
        [
          { value: '', label: t('common.any') },
          { value: 'Vigente', label: 'Vigente' },
          { value: 'Cancelado', label: 'Cancelado' },
        ],
        v.estadoComprobante,
      )}</select></div>
    </div>
    <div class="row">
      <div><label for="rfcACuentaTerceros">${t('field.rfcACuentaTerceros')}</label><input id="rfcACuentaTerceros" name="rfcACuentaTerceros" value="${v.rfcACuentaTerceros ?? ''}" maxlength="13"></div>
      <div><label for="complemento">${t('field.complemento')}</label><input id="complemento" name="complemento" value="${v.complemento ?? ''}"></div>
      <div><label for="uuid">${t('field.uuid')}</label><input id="uuid" name="uuid" value="${v.uuid ?? ''}" maxlength="36"></div>
    </div>
  </details>
  <div class="row">
    <div><label for="referenciaCliente">${t('field.referencia')}</label><input id="referenciaCliente" name="referenciaCliente" value="${v.referenciaCliente ?? ''}" maxlength="100"></div>
    <div class="check"><input id="forzar" name="forzar" type="checkbox" value="true"${v.forzar === 'true' ? html` checked` : ''}><label for="forzar">${t('field.forzar')}</label></div>
    <div class="check"><input id="simular" name="simular" type="checkbox" value="true"${v.simular === 'true' ? html` checked` : ''}><label for="simular">${t('field.simular')}</label></div>
  </div>
  <button type="submit" class="primary">${t('registrar.submit')}</button>
</form>`;
  return layout(context, {
    title: t('registrar.title'),
    section: 'nueva',
    body: html`${view.results ? results(context, view.results) : ''}${form}`,
  });
}
