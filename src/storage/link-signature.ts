import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 over everything a link grants: which object, until when, under which file name. */
export function signLink(secret: Buffer, key: string, expires: number, fileName: string): string {
  return createHmac('sha256', secret).update(`${key}\n${expires}\n${fileName}`).digest('hex');
}

export function verifyLink(
  secret: Buffer,
  key: string,
  expires: number,
  fileName: string,
  signature: string,
): boolean {
  const expected = Buffer.from(signLink(secret, key, expires, fileName), 'hex');
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(signature) ? signature : '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
