import { fechaHora } from '../format';
import { html, type SafeHtml } from '../html';
import { csrfField, layout } from '../layout';
import type { PageContext } from '../page-context';

export interface ApiUserRow {
  readonly username: string;
  readonly descripcion: string | null;
  readonly requestorHint: string | null;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface ApiUsersView {
  readonly users: readonly ApiUserRow[];
  /** Right after creation, the only time the credentials are shown. */
  readonly created?: { username: string; secret: string; requestor: string };
  readonly notice?: string;
  readonly error?: { code: string; message: string };
  readonly values?: Readonly<Record<string, string>>;
}

export function apiUsersPage(context: PageContext, view: ApiUsersView): SafeHtml {
  const { t, lang } = context;
  const body = html`<p class="hint">${t('apiUsers.intro')}</p>
    ${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ''}
    ${view.error ? html`<p class="alert" role="alert"><strong>${view.error.code}</strong> ${view.error.message}</p>` : ''}
    ${
      view.created
        ? html`<section class="card once" role="status" aria-labelledby="h-once">
            <h2 id="h-once">${t('apiUsers.once', { username: view.created.username })}</h2>
            <dl class="grid">
              <dt>${t('apiUsers.username')}</dt>
              <dd><code data-credencial="usuario">${view.created.username}</code></dd>
              <dt>${t('apiUsers.secret')}</dt>
              <dd><code data-credencial="secreto">${view.created.secret}</code></dd>
              <dt>${t('apiUsers.requestor')}</dt>
              <dd><code data-credencial="requestor">${view.created.requestor}</code></dd>
            </dl>
          </section>`
        : ''
    }
    <section class="card" aria-labelledby="h-users">
      <h2 id="h-users">${t('apiUsers.title')}</h2>
      <table class="data">
        <thead>
          <tr>
            <th scope="col">${t('apiUsers.username')}</th>
            <th scope="col">${t('apiUsers.descripcion')}</th>
            <th scope="col">${t('apiUsers.requestor')}</th>
            <th scope="col">${t('apiUsers.created')}</th>
            <th scope="col">${t('apiUsers.lastUsed')}</th>
            <th scope="col">${t('field.estado')}</th>
            <th scope="col"><span class="sr">${t('apiUsers.revoke')}</span></th>
          </tr>
        </thead>
        <tbody>
          ${view.users.map(
            (user) =>
              html`<tr data-usuario="${user.username}">
                <td>${user.username}</td>
                <td>${user.descripcion ?? ''}</td>
                <td>${user.requestorHint ? html`<code>…${user.requestorHint}</code>` : '—'}</td>
                <td>${fechaHora(user.createdAt, lang)}</td>
                <td>${fechaHora(user.lastUsedAt, lang)}</td>
                <td>
                  ${user.revokedAt ? html`<span class="badge bad">${t('apiUsers.revoked')}</span>` : html`<span class="badge ok">${t('apiUsers.active')}</span>`}
                </td>
                <td>
                  ${
                    user.revokedAt
                      ? ''
                      : html`<form
                          method="post"
                          action="/usuarios-api/${encodeURIComponent(user.username)}/revocar"
                          data-confirm="${t('apiUsers.revokeConfirm', { username: user.username })}"
                        >
                          ${csrfField(context)}<button type="submit" class="danger">
                            ${t('apiUsers.revoke')}
                          </button>
                        </form>`
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <form method="post" action="/usuarios-api" class="card form" aria-labelledby="h-create">
      <h2 id="h-create">${t('apiUsers.create')}</h2>
      ${csrfField(context)}
      <div class="row">
        <div>
          <label for="username">${t('apiUsers.username')}</label
          ><input
            id="username"
            name="username"
            required
            maxlength="64"
            pattern="[A-Za-z0-9._@\\-]{1,64}"
            value="${view.values?.username ?? ''}"
          />
        </div>
        <div>
          <label for="descripcion">${t('apiUsers.descripcion')}</label
          ><input
            id="descripcion"
            name="descripcion"
            maxlength="200"
            value="${view.values?.descripcion ?? ''}"
          />
        </div>
      </div>
      <button type="submit" class="primary">${t('apiUsers.submit')}</button>
    </form>`;
  return layout(context, { title: t('apiUsers.title'), section: 'apiUsers', body });
}
