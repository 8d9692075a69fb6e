import type { WebPrincipal } from '../../services/web-access';
import type { Lang, Translate } from './i18n';

/** What every page renderer gets besides its own data. */
export interface PageContext {
  readonly lang: Lang;
  readonly t: Translate;
  /** Undefined only on the sign-in page. */
  readonly principal: WebPrincipal | undefined;
  /** Put in every form that changes something (hidden `_csrf`). */
  readonly csrfToken: string;
  /** The path and query of this page, to come back to after a language switch. */
  readonly currentUrl: string;
}
