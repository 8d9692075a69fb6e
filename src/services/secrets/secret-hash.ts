import {
  createHash,
  randomBytes,
  randomUUID,
  scrypt,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';

/**
 * One-way hashes for secrets people or machines present: web passwords and API user secrets (scrypt,
 * salted, parameters stored with the hash so they can be raised later), and the MYSuite Requestor GUID.
 */
const DEFAULT_COST_LOG2 = 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
const FORMAT = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

function derive(secret: string, salt: Buffer, costLog2: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** costLog2;
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, HASH_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>`. */
export async function hashSecret(secret: string, costLog2 = DEFAULT_COST_LOG2): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(secret, salt, costLog2, BLOCK_SIZE, PARALLELISM);
  return `scrypt$${costLog2}$${BLOCK_SIZE}$${PARALLELISM}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Constant-time check; a malformed stored hash simply does not match. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match) return false;
  const [, cost, r, p, salt, hash] = match;
  const expected = Buffer.from(hash ?? '', 'base64');
  if (expected.length !== HASH_BYTES) return false;
  const actual = await derive(secret, Buffer.from(salt ?? '', 'base64'), Number(cost), Number(r), Number(p));
  return timingSafeEqual(actual, expected);
}

/** Whether a stored hash uses weaker parameters than today's default (rehash on next sign-in). */
export function needsRehash(stored: string, costLog2 = DEFAULT_COST_LOG2): boolean {
  const match = FORMAT.exec(stored);
  return !match || Number(match[1]) < costLog2;
}

/** A random API secret to show once: 32 bytes, base64url. */
export function generateApiSecret(): string {
  return randomBytes(32).toString('base64url');
}

const GUID = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;

/** A new MYSuite Requestor credential (random v4 GUID), shown once. */
export function generateRequestorGuid(): string {
  return randomUUID().toUpperCase();
}

/** The GUID in canonical form (lower case, no braces), or undefined when it is not a GUID. */
export function normaliseRequestorGuid(text: string): string | undefined {
  const match = GUID.exec(text.trim());
  return match?.[1]?.toLowerCase();
}

/**
 * Lookup key stored in `api_users.requestor_lookup`: SHA-256 of the canonical GUID. The Requestor is
 * the only credential MYSuite clients send, so it must be found by an index, not by trying a salted
 * hash per row; a plain hash is safe here because a random GUID has 122 bits of entropy (nothing to
 * brute-force), unlike a human password.
 */
export function requestorLookupKey(guid: string): Buffer | undefined {
  const canonical = normaliseRequestorGuid(guid);
  return canonical === undefined ? undefined : createHash('sha256').update(canonical, 'ascii').digest();
}

/** Last 4 characters of the GUID, to tell credentials apart in listings. */
export function requestorHint(guid: string): string | undefined {
  return normaliseRequestorGuid(guid)?.slice(-4);
}
