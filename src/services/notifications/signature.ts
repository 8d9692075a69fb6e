import { createHmac, randomBytes } from 'node:crypto';

/** The prefix tells a webhook secret apart from the other credentials an operator keeps. */
const SECRET_PREFIX = 'whsec_';

/** 256 random bits, URL-safe: the HMAC key is the whole string (prefix included) as UTF-8. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export const SIGNATURE_SCHEME = 'sha256';

/**
 * `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`. The timestamp (Unix seconds, also sent as a
 * header) is inside the signed text, so a receiver that refuses old timestamps refuses replays; it is
 * taken anew for every attempt, so a retry is never refused as stale.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestamp}.${body}`, 'utf8');
  return `${SIGNATURE_SCHEME}=${mac.digest('hex')}`;
}
