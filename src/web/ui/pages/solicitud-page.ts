import { type SolicitudDetail, ESTADOS_FINALES, type EstadoSolicitud } from '../../../services/solicitudes';
import { bytes, fechaHora, periodo } from '../format';
import { html, type SafeHtml } from '../html';
import { layout } from '../layout';
import type { PageContext } from '../page-context';
import { estadoBadge } from './shared';

function filtros(detail: SolicitudDetail): string {
  const entries = Object.entries(detail.solicitud.filtros ?? {});
  return entries.length === 0
    ? '—'
    : entries
        .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : value}`)
        .join(' · ');
}

export function solicitudPage(context: PageContext, detail: SolicitudDetail): SafeHtml {
  const { t, lang } = context;
  const s = detail.solicitud;
  const final = ESTADOS_FINALES.has(s.estado as EstadoSolicitud);
  const stored = detail.paquetes.filter(
    (p) => (p.estado === 'Almacenado' || p.estado === 'Indexado') && p.objectKey,
  );
  const body = html`<p><a href="/solicitudes">← ${t('common.back')}</a></p>
    <section
      class="card"
      aria-labelledby="h-parametros"
      ${final ? '' : html` data-progreso="/solicitudes/progreso" data-recargar`}
    >
      <h2 id="h-parametros">${t('solicitud.parametros')}</h2>
      <dl class="grid">
        <dt>${t('field.estado')}</dt>
        <dd class="estado" data-solicitud="${s.id}">
          ${estadoBadge(context, s.estado)}${
            final ? '' : html` <span class="hint live-hint">${t('solicitud.live')}</span>`
          }
        </dd>
        <dt>${t('field.rfc')}</dt>
        <dd>${s.rfc}</dd>
        <dt>${t('field.periodo')}</dt>
        <dd>${periodo(s.fechaInicial, s.fechaFinal, lang)}</dd>
        <dt>${t('field.contexto')}</dt>
        <dd>${s.contexto}</dd>
        <dt>${t('field.tipoSolicitud')}</dt>
        <dd>${s.tipoSolicitud}</dd>
        <dt>${t('field.tipoDocumento')}</dt>
        <dd>${s.tipoDocumento}</dd>
        <dt>${t('registrar.filtros')}</dt>
        <dd>${filtros(detail)}</dd>
        <dt>${t('field.referencia')}</dt>
        <dd>${s.referenciaCliente ?? '—'}</dd>
        <dt>${t('field.registrada')}</dt>
        <dd>${fechaHora(s.createdAt, lang)}</dd>
        <dt>${t('field.numeroCfdis')}</dt>
        <dd>${s.numeroCfdis ?? '—'}</dd>
        <dt>${t('field.paquetes')}</dt>
        <dd class="paquetes" data-solicitud="${s.id}">${s.paquetesAlmacenados}/${s.paquetesTotal}</dd>
        ${
          s.codigo
            ? html`<dt>${t('field.codigo')}</dt>
                <dd>${s.codigo} ${s.mensaje ?? ''}</dd>`
            : ''
        }
        ${
          s.satCodEstatus
            ? html`<dt>${t('field.estadoSat')}</dt>
                <dd>${s.satCodEstatus} ${s.satMensaje ?? ''}</dd>`
            : ''
        }
      </dl>
    </section>
    <section class="card" aria-labelledby="h-paquetes">
      <h2 id="h-paquetes">${t('solicitud.paquetes')}</h2>
      ${
        stored.length === 0
          ? html`<p class="empty">${t('solicitud.sinPaquetes')}</p>`
          : html`<table class="data">
              <thead>
                <tr>
                  <th scope="col">IdPaquete</th>
                  <th scope="col" class="num">${t('field.tamano')}</th>
                  <th scope="col">${t('field.sha256')}</th>
                  <th scope="col">${t('field.almacenado')}</th>
                  <th scope="col"><span class="sr">${t('common.download')}</span></th>
                </tr>
              </thead>
              <tbody>
                ${stored.map(
                  (p) =>
                    html`<tr>
                      <td><code>${p.idPaquete}</code></td>
                      <td class="num">${bytes(p.tamano)}</td>
                      <td>
                        <code class="hash" title="${p.sha256 ?? ''}">${(p.sha256 ?? '').slice(0, 16)}…</code>
                      </td>
                      <td>${fechaHora(p.storedAt, lang)}</td>
                      <td>
                        <a
                          class="button"
                          href="/solicitudes/${s.id}/paquetes/${encodeURIComponent(p.idPaquete)}"
                          download
                          >${t('common.download')}</a
                        >
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>
    <section class="card" aria-labelledby="h-sat">
      <h2 id="h-sat">${t('solicitud.sat')}</h2>
      ${
        context.principal?.role === 'admin'
          ? html`<p><a href="/solicitudes/${s.id}/rastro-sat">${t('rastro.link')}</a></p>`
          : ''
      }
      <table class="data">
        <thead>
          <tr>
            <th scope="col">${t('field.idSolicitudSat')}</th>
            <th scope="col">${t('field.periodo')}</th>
            <th scope="col">${t('field.estadoSat')}</th>
            <th scope="col">${t('field.codigo')}</th>
            <th scope="col" class="num">${t('field.numeroCfdis')}</th>
          </tr>
        </thead>
        <tbody>
          ${detail.satRequests.map(
            (r) =>
              html`<tr>
                <td><code>${r.idSolicitudSat ?? '—'}</code></td>
                <td>${periodo(r.periodoInicio, r.periodoFin, lang)}</td>
                <td>${r.estado}</td>
                <td>${r.codEstatus ?? ''} ${r.mensaje ?? ''}</td>
                <td class="num">${r.numeroCfdis ?? '—'}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section class="card" aria-labelledby="h-historial">
      <h2 id="h-historial">${t('solicitud.historial')}</h2>
      <table class="data">
        <thead>
          <tr>
            <th scope="col">${t('field.fecha')}</th>
            <th scope="col">${t('field.estado')}</th>
            <th scope="col">${t('field.estadoSat')}</th>
            <th scope="col">${t('field.mensaje')}</th>
          </tr>
        </thead>
        <tbody>
          ${detail.historial.map(
            (h) =>
              html`<tr>
                <td>${fechaHora(h.at, lang)}</td>
                <td>${estadoBadge(context, h.estado)}</td>
                <td>${h.estadoSat ?? ''}</td>
                <td>${h.codigo ?? ''} ${h.mensaje ?? ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
  return layout(context, {
    title: t('solicitud.title', { id: s.id.slice(0, 8) }),
    section: 'solicitudes',
    body,
  });
}
