import { html, type SafeHtml } from '../html';
import { csrfField, layout } from '../layout';
import type { PageContext } from '../page-context';

export function signInPage(
  context: PageContext,
  options: { error?: string; login?: string; next?: string; showDemoHint: boolean },
): SafeHtml {
  const { t } = context;
  return layout(context, {
    title: t('signIn.title'),
    section: 'none',
    body: html`<form method="post" action="/entrar" class="card narrow" novalidate>
      ${csrfField(context)}
      <input type="hidden" name="siguiente" value="${options.next ?? ''}" />
      ${options.error ? html`<p class="alert" role="alert">${options.error}</p>` : ''}
      <label for="login">${t('signIn.login')}</label>
      <input
        id="login"
        name="login"
        autocomplete="username"
        required
        value="${options.login ?? ''}"
        autofocus
      />
      <label for="password">${t('signIn.password')}</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required />
      <button type="submit" class="primary">${t('signIn.submit')}</button>
      ${options.showDemoHint ? html`<p class="hint">${t('signIn.hint')}</p>` : ''}
    </form>`,
  });
}
