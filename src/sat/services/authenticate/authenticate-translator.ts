import { findElement, parseOkAnswer, unreadable } from '../soap-answer';

/** Autentica's answer: the token and its validity window. */
export interface AuthenticateTranslation {
  readonly token: string;
  readonly created: Date;
  readonly expires: Date;
}

export function translateAuthenticate(xml: string, status: number): AuthenticateTranslation {
  const root = parseOkAnswer(xml, status);
  const token = (findElement(root, 'AutenticaResult')?.textContent ?? '').trim();
  const created = new Date((findElement(root, 'Created')?.textContent ?? '').trim());
  const expires = new Date((findElement(root, 'Expires')?.textContent ?? '').trim());
  if (!token || Number.isNaN(expires.getTime())) throw unreadable(status, 'no token in Autentica answer');
  return { token, created, expires };
}
