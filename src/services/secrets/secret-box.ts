import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError, InternalError, dbErrors } from '../../errors';
import type { MasterKey } from './master-key';

/**
 * Sealed format (bytea), version 1:
 *   [0]      0x01 version
 *   [1]      n = length of the master key id
 *   [2..2+n) master key id (ASCII)
 *   12 B IV + 32 B wrapped data key + 16 B tag   (data key sealed by the master key)
 *   12 B IV + 16 B tag + ciphertext              (value sealed by the data key)
 * Envelope encryption: every value has its own random data key, so a rotation only re-wraps 32 bytes
 * per value and never handles the secret itself. The header is authenticated (AAD of the wrap) and an
 * optional context string (e.g. "contribuyentes:<id>:fiel_key") is bound to the value, so a
 * ciphertext copied to another row or column does not decrypt.
 */
const VERSION = 1;
const IV = 12;
const TAG = 16;
const DATA_KEY = 32;
const WRAPPED = IV + DATA_KEY + TAG;

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(IV, IV + TAG));
  return Buffer.concat([decipher.update(sealed.subarray(IV + TAG)), decipher.final()]);
}

function corrupt(reason: string, cause?: unknown): InternalError {
  return new InternalError(dbErrors.secretCorrupt, { params: { reason }, cause });
}

interface Parsed {
  readonly keyId: string;
  readonly header: Buffer;
  readonly wrapped: Buffer;
  readonly data: Buffer;
}

function parse(sealed: Buffer): Parsed {
  if (sealed.length < 2 || sealed[0] !== VERSION) throw corrupt('unknown format');
  const idLength = sealed[1] ?? 0;
  const headerEnd = 2 + idLength;
  if (idLength === 0 || sealed.length < headerEnd + WRAPPED + IV + TAG) throw corrupt('truncated');
  return {
    keyId: sealed.subarray(2, headerEnd).toString('ascii'),
    header: sealed.subarray(0, headerEnd),
    wrapped: sealed.subarray(headerEnd, headerEnd + WRAPPED),
    data: sealed.subarray(headerEnd + WRAPPED),
  };
}

/** The master key id a sealed value was made with (no key needed). */
export function keyIdOf(sealed: Buffer): string {
  return parse(sealed).keyId;
}

/**
 * AES-256-GCM envelope encryption under a keyring: seals with the current master key, opens with any
 * key of the ring (older keys stay loaded while a rotation is unfinished). Never logs or exposes keys.
 */
export class SecretBox {
  private readonly current: MasterKey;
  private readonly ring: ReadonlyMap<string, MasterKey>;

  constructor(current: MasterKey, previous: readonly MasterKey[] = []) {
    this.current = current;
    this.ring = new Map([...previous, current].map((key) => [key.id, key]));
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  encrypt(plaintext: Buffer | string, context = ''): Buffer {
    const value = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const id = Buffer.from(this.current.id, 'ascii');
    const header = Buffer.concat([Buffer.from([VERSION, id.length]), id]);
    const dataKey = randomBytes(DATA_KEY);
    try {
      const wrapped = seal(this.current.key, dataKey, header);
      const data = seal(dataKey, value, Buffer.from(context, 'utf8'));
      return Buffer.concat([header, wrapped, data]);
    } finally {
      dataKey.fill(0);
    }
  }

  decrypt(sealed: Buffer, context = ''): Buffer {
    const parsed = parse(sealed);
    const dataKey = this.unwrap(parsed);
    try {
      return open(dataKey, parsed.data, Buffer.from(context, 'utf8'));
    } catch (error) {
      throw corrupt('authentication failed', error);
    } finally {
      dataKey.fill(0);
    }
  }

  decryptText(sealed: Buffer, context = ''): string {
    return this.decrypt(sealed, context).toString('utf8');
  }

  /**
   * The same value sealed under the current master key: only the data key is re-wrapped (the value
   * stays encrypted throughout). Returns the input unchanged when it already uses the current key.
   */
  rewrap(sealed: Buffer): Buffer {
    const parsed = parse(sealed);
    if (parsed.keyId === this.current.id) return sealed;
    const dataKey = this.unwrap(parsed);
    try {
      const id = Buffer.from(this.current.id, 'ascii');
      const header = Buffer.concat([Buffer.from([VERSION, id.length]), id]);
      return Buffer.concat([header, seal(this.current.key, dataKey, header), parsed.data]);
    } finally {
      dataKey.fill(0);
    }
  }

  private unwrap(parsed: Parsed): Buffer {
    const master = this.ring.get(parsed.keyId);
    if (!master) throw new ConfigError(dbErrors.masterKeyUnknown, { params: { keyId: parsed.keyId } });
    try {
      return open(master.key, parsed.wrapped, parsed.header);
    } catch (error) {
      throw corrupt('data key authentication failed', error);
    }
  }
}
