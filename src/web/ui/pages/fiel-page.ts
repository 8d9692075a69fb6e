import type { FielSummary } from '../../../services/accounts';
import { fecha } from '../format';
import { html, type SafeHtml } from '../html';
import { csrfField, layout } from '../layout';
import type { PageContext } from '../page-context';

export interface FielView {
  readonly fiels: readonly FielSummary[];
  readonly notice?: string;
  readonly error?: { code: string; message: string };
}

const TONE: Record<FielSummary['status'], string> = { ok: 'ok', expiring: 'busy', expired: 'bad' };

export function fielPage(context: PageContext, view: FielView): SafeHtml {
  const { t, lang } = context;
  const attention = view.fiels.filter((item) => item.status !== 'ok').length;
  const body = html`<p class="hint">${t('fiel.intro')}</p>
    ${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ''}
    ${view.error ? html`<p class="alert" role="alert"><strong>${view.error.code}</strong> ${view.error.message}</p>` : ''}
    ${attention > 0 ? html`<p class="alert warning" role="status">${t('fiel.warning', { count: attention })}</p>` : ''}
    <section class="card" aria-labelledby="h-fiels">
      <h2 id="h-fiels">${t('fiel.title')}</h2>
      ${
        view.fiels.length === 0
          ? html`<p class="empty">${t('fiel.none')}</p>`
          : html`<table class="data">
              <thead>
                <tr>
                  <th scope="col">${t('field.rfc')}</th>
                  <th scope="col">${t('apiUsers.descripcion')}</th>
                  <th scope="col">${t('fiel.serial')}</th>
                  <th scope="col">${t('fiel.validFrom')}</th>
                  <th scope="col">${t('fiel.validTo')}</th>
                  <th scope="col" class="num">${t('fiel.days')}</th>
                  <th scope="col">${t('field.estado')}</th>
                  <th scope="col"><span class="sr">${t('fiel.remove')}</span></th>
                </tr>
              </thead>
              <tbody>
                ${view.fiels.map(
                  (item) =>
                    html`<tr data-rfc="${item.rfc}">
                      <td>${item.rfc}</td>
                      <td>${item.nombre}</td>
                      <td><code>${item.serial}</code></td>
                      <td>${fecha(item.validFrom, lang)}</td>
                      <td>${fecha(item.validTo, lang)}</td>
                      <td class="num">${item.daysToExpiry}</td>
                      <td>
                        <span class="badge ${TONE[item.status]}">${t(`fiel.status.${item.status}`)}</span>
                      </td>
                      <td>
                        <form
                          method="post"
                          action="/fiel/${item.rfc}/eliminar"
                          data-confirm="${t('fiel.removeConfirm', { rfc: item.rfc })}"
                        >
                          ${csrfField(context)}<button type="submit" class="danger">
                            ${t('fiel.remove')}
                          </button>
                        </form>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>
    <form
      method="post"
      action="/fiel"
      enctype="multipart/form-data"
      class="card form"
      aria-labelledby="h-upload"
    >
      <h2 id="h-upload">${t('fiel.upload')}</h2>
      ${csrfField(context)}
      <div class="row">
        <div>
          <label for="cer">${t('fiel.cer')}</label
          ><input id="cer" name="cer" type="file" accept=".cer,.crt,.pem" required />
        </div>
        <div>
          <label for="key">${t('fiel.key')}</label
          ><input id="key" name="key" type="file" accept=".key,.pem" required />
        </div>
        <div>
          <label for="password">${t('fiel.password')}</label
          ><input id="password" name="password" type="password" autocomplete="off" required />
        </div>
      </div>
      <button type="submit" class="primary">${t('fiel.submit')}</button>
    </form>`;
  return layout(context, { title: t('fiel.title'), section: 'fiel', body });
}
