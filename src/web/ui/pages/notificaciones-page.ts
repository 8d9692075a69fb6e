import {
  WEBHOOK_EVENTS,
  type AttemptSummary,
  type DeliverySummary,
  type WebhookSummary,
} from '../../../services/notifications';
import { fechaHora } from '../format';
import { html, type SafeHtml } from '../html';
import { csrfField, layout } from '../layout';
import type { PageContext } from '../page-context';

export interface NotificacionesView {
  readonly webhooks: readonly WebhookSummary[];
  readonly deliveries: readonly DeliverySummary[];
  /** Each listed delivery's attempts, first first. */
  readonly attempts: ReadonlyMap<string, readonly AttemptSummary[]>;
  /** Right after registration, the only time the signing secret is shown. */
  readonly created?: { readonly url: string; readonly secret: string };
  readonly notice?: string;
  readonly error?: { readonly code: string; readonly message: string };
  readonly values?: { readonly url: string; readonly eventos: readonly string[] };
}

const TONE: Record<DeliverySummary['estado'], string> = {
  Pendiente: 'busy',
  Entregado: 'ok',
  Fallido: 'bad',
};

function webhookRow(context: PageContext, webhook: WebhookSummary): SafeHtml {
  const { t, lang } = context;
  const base = `/notificaciones/${encodeURIComponent(webhook.id)}`;
  return html`<tr data-webhook="${webhook.id}">
    <td><code>${webhook.url}</code></td>
    <td>${webhook.eventos.length === 0 ? t('webhooks.allEvents') : webhook.eventos.join(', ')}</td>
    <td>
      ${webhook.activo ? html`<span class="badge ok">${t('webhooks.active')}</span>` : html`<span class="badge neutral">${t('webhooks.inactive')}</span>`}
    </td>
    <td>${fechaHora(webhook.createdAt, lang)}</td>
    <td>
      <form method="post" action="${base}/${webhook.activo ? 'desactivar' : 'activar'}" class="inline">
        ${csrfField(context)}<button type="submit">
          ${webhook.activo ? t('webhooks.disable') : t('webhooks.enable')}
        </button>
      </form>
      <form
        method="post"
        action="${base}/eliminar"
        class="inline"
        data-confirm="${t('webhooks.removeConfirm', { url: webhook.url })}"
      >
        ${csrfField(context)}<button type="submit" class="danger">${t('webhooks.remove')}</button>
      </form>
    </td>
  </tr>`;
}

/** The attempt count, opening onto every attempt: when, the answer, how long, what came of it. */
function attemptsCell(context: PageContext, count: number, attempts: readonly AttemptSummary[]): SafeHtml {
  const { t, lang } = context;
  if (attempts.length === 0) return html`${count}`;
  return html`<details>
    <summary>${count}</summary>
    <ol class="intentos">
      ${attempts.map(
        (attempt) =>
          html`<li data-intento="${attempt.attempt}">
            ${fechaHora(attempt.startedAt, lang)} ·
            ${attempt.statusCode === null ? '—' : `HTTP ${attempt.statusCode}`} · ${attempt.durationMs} ms ·
            ${t(`webhooks.intento.${attempt.resultado}`)}${attempt.error ? html` · ${attempt.error}` : ''}
          </li>`,
      )}
    </ol>
  </details>`;
}

function deliveryRow(
  context: PageContext,
  delivery: DeliverySummary,
  attempts: readonly AttemptSummary[],
): SafeHtml {
  const { t, lang } = context;
  const when = delivery.deliveredAt ?? delivery.nextAttemptAt;
  return html`<tr data-entrega="${delivery.id}" data-estado-entrega="${delivery.estado}">
    <td>${fechaHora(delivery.createdAt, lang)}</td>
    <td><code>${delivery.url}</code></td>
    <td>${delivery.evento}</td>
    <td><span class="badge ${TONE[delivery.estado]}">${t(`webhooks.estado.${delivery.estado}`)}</span></td>
    <td class="num">${attemptsCell(context, delivery.attempts, attempts)}</td>
    <td class="num">${delivery.lastStatusCode ?? '—'}</td>
    <td>${delivery.lastError ?? ''}</td>
    <td>${when ? fechaHora(when, lang) : '—'}</td>
  </tr>`;
}

/** Webhooks of the tenant: register (secret shown once), switch on/off, remove; recent deliveries. */
export function notificacionesPage(context: PageContext, view: NotificacionesView): SafeHtml {
  const { t } = context;
  const checked = new Set(view.values?.eventos ?? []);
  const body = html`<p class="hint">${t('webhooks.intro')}</p>
    ${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ''}
    ${view.error ? html`<p class="alert" role="alert"><strong>${view.error.code}</strong> ${view.error.message}</p>` : ''}
    ${
      view.created
        ? html`<section class="card once" role="status" aria-labelledby="h-once">
            <h2 id="h-once">${t('webhooks.once')}</h2>
            <dl class="grid">
              <dt>${t('webhooks.url')}</dt>
              <dd><code>${view.created.url}</code></dd>
              <dt>${t('webhooks.secret')}</dt>
              <dd><code data-credencial="secreto-webhook">${view.created.secret}</code></dd>
            </dl>
          </section>`
        : ''
    }
    <section class="card" aria-labelledby="h-webhooks">
      <h2 id="h-webhooks">${t('webhooks.list')}</h2>
      ${
        view.webhooks.length === 0
          ? html`<p class="empty">${t('webhooks.none')}</p>`
          : html`<table class="data">
              <thead>
                <tr>
                  <th scope="col">${t('webhooks.url')}</th>
                  <th scope="col">${t('webhooks.eventos')}</th>
                  <th scope="col">${t('field.estado')}</th>
                  <th scope="col">${t('webhooks.created')}</th>
                  <th scope="col"><span class="sr">${t('webhooks.remove')}</span></th>
                </tr>
              </thead>
              <tbody>
                ${view.webhooks.map((webhook) => webhookRow(context, webhook))}
              </tbody>
            </table>`
      }
    </section>
    <form method="post" action="/notificaciones" class="card form" aria-labelledby="h-add">
      <h2 id="h-add">${t('webhooks.add')}</h2>
      ${csrfField(context)}
      <div>
        <label for="url">${t('webhooks.url')}</label
        ><input
          id="url"
          name="url"
          type="url"
          required
          maxlength="2000"
          placeholder="https://erp.example.com/descarga-masiva/webhook"
          value="${view.values?.url ?? ''}"
        />
      </div>
      <fieldset>
        <legend>${t('webhooks.eventos')}</legend>
        <p class="hint">${t('webhooks.eventsHint')}</p>
        ${WEBHOOK_EVENTS.map(
          (evento) =>
            html`<div class="check">
              <input
                id="evento-${evento}"
                name="eventos"
                type="checkbox"
                value="${evento}"
                ${checked.has(evento) ? html` checked` : ''}
              /><label for="evento-${evento}">${t(`webhooks.event.${evento}`)}</label>
            </div>`,
        )}
      </fieldset>
      <button type="submit" class="primary">${t('webhooks.submit')}</button>
    </form>
    <section class="card" aria-labelledby="h-deliveries">
      <h2 id="h-deliveries">${t('webhooks.deliveries')}</h2>
      ${
        view.deliveries.length === 0
          ? html`<p class="empty">${t('webhooks.noDeliveries')}</p>`
          : html`<table class="data">
              <thead>
                <tr>
                  <th scope="col">${t('webhooks.delivery.fecha')}</th>
                  <th scope="col">${t('webhooks.url')}</th>
                  <th scope="col">${t('webhooks.delivery.evento')}</th>
                  <th scope="col">${t('webhooks.delivery.estado')}</th>
                  <th scope="col" class="num">${t('webhooks.delivery.intentos')}</th>
                  <th scope="col" class="num">${t('webhooks.delivery.http')}</th>
                  <th scope="col">${t('webhooks.delivery.error')}</th>
                  <th scope="col">${t('webhooks.delivery.siguiente')}</th>
                </tr>
              </thead>
              <tbody>
                ${view.deliveries.map((delivery) =>
                  deliveryRow(context, delivery, view.attempts.get(delivery.id) ?? []),
                )}
              </tbody>
            </table>`
      }
    </section>`;
  return layout(context, { title: t('webhooks.title'), section: 'notificaciones', body });
}
