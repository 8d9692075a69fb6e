import { csrfMatches } from '../../services/web-access/session-store';

/**
 * Only these leave everything as it was. Every other method — including ones no route uses today —
 * must carry the token, so a route added later cannot forget it.
 */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export interface CsrfInput {
  readonly method: string;
  /** The signed-in session's token; absent when no one is signed in. */
  readonly sessionToken?: string | undefined;
  /** The sign-in form's double-submit cookie: the only token there is before a session exists. */
  readonly signInToken?: string | undefined;
  /** The `_csrf` field as the request carried it, whatever its content type. */
  readonly submitted: unknown;
}

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

export type CsrfVerdict = 'safe-method' | 'accepted' | 'refused';

/**
 * Whether a request may reach the routes. A signed-in request must carry its session's token, the
 * one tied to the authority it would use; a leftover sign-in cookie never stands in for it. Without
 * a session, the sign-in cookie guards the sign-in form against login CSRF.
 */
export function csrfVerdict(input: CsrfInput): CsrfVerdict {
  if (isSafeMethod(input.method)) return 'safe-method';
  const expected = input.sessionToken ?? input.signInToken;
  if (!expected) return 'refused';
  return csrfMatches(expected, input.submitted) ? 'accepted' : 'refused';
}
