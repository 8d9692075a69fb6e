import type { SatTrailEntry } from '../../../services/sat-trail';
import { fechaHora } from '../format';
import { html, type SafeHtml } from '../html';
import { csrfField, layout } from '../layout';
import type { PageContext } from '../page-context';

export interface SatTrailView {
  readonly solicitudId: string;
  readonly enabled: boolean;
  readonly retentionDays: number;
  readonly entries: readonly SatTrailEntry[];
  readonly notice?: string;
}

function envelope(label: string, text: string | null): SafeHtml {
  if (!text) return html``;
  return html`<details>
    <summary>${label}</summary>
    <pre class="envelope">${text}</pre>
  </details>`;
}

/** `/solicitudes/:id/rastro-sat`: the raw SAT trail of one solicitud, for administrators. */
export function satTrailPage(context: PageContext, view: SatTrailView): SafeHtml {
  const { t, lang } = context;
  const body = html`<p><a href="/solicitudes/${view.solicitudId}">← ${t('common.back')}</a></p>
    ${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ''}
    <section class="card" aria-labelledby="h-rastro">
      <h2 id="h-rastro">${view.enabled ? t('rastro.enabled') : t('rastro.disabled')}</h2>
      <p class="hint">${t('rastro.intro', { dias: view.retentionDays })}</p>
      <form method="post" action="/rastro-sat">
        ${csrfField(context)}
        <input type="hidden" name="activo" value="${view.enabled ? 'false' : 'true'}" />
        <input type="hidden" name="volver" value="/solicitudes/${view.solicitudId}/rastro-sat" />
        <button type="submit">${view.enabled ? t('rastro.disable') : t('rastro.enable')}</button>
      </form>
    </section>
    <section class="card" aria-labelledby="h-sobres">
      <h2 id="h-sobres">${t('rastro.link')}</h2>
      ${
        view.entries.length === 0
          ? html`<p class="empty">${t('rastro.none')}</p>`
          : html`<table class="data">
              <thead>
                <tr>
                  <th scope="col">${t('rastro.at')}</th>
                  <th scope="col">${t('rastro.operation')}</th>
                  <th scope="col" class="num">${t('rastro.status')}</th>
                  <th scope="col" class="num">${t('rastro.duration')}</th>
                  <th scope="col">${t('rastro.expires')}</th>
                </tr>
              </thead>
              <tbody>
                ${view.entries.map(
                  (entry) =>
                    html`<tr data-intercambio="${entry.id}">
                        <td>${fechaHora(entry.at, lang)}</td>
                        <td><code>${entry.operacion}</code></td>
                        <td class="num">${entry.httpStatus ?? '—'}</td>
                        <td class="num">${entry.durationMs ?? '—'} ms</td>
                        <td>${fechaHora(entry.expiresAt, lang)}</td>
                      </tr>
                      <tr class="envelopes">
                        <td colspan="5">
                          ${envelope(t('rastro.request'), entry.requestEnvelope)}
                          ${envelope(t('rastro.response'), entry.responseEnvelope)}
                        </td>
                      </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
  return layout(context, {
    title: t('rastro.title', { id: view.solicitudId.slice(0, 8) }),
    section: 'solicitudes',
    body,
  });
}
