import { createHmac, randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, dbErrors } from '../../errors';

/** A 32-byte AES-256 key and the id stamped on everything it seals. */
export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
}

export const MASTER_KEY_FILE = 'master.key';
const KEY_BYTES = 32;

/**
 * The id is derived from the key (HMAC with a fixed label, 16 hex characters): the same MASTER_KEY
 * always gets the same id without storing one, and the id reveals nothing usable about the key.
 */
export function masterKeyFrom(key: Buffer): MasterKey {
  if (key.length !== KEY_BYTES)
    throw new RangeError(`a master key has ${KEY_BYTES} bytes, got ${key.length}`);
  const id = createHmac('sha256', key).update('descarga-masiva master key id').digest('hex').slice(0, 16);
  return Object.freeze({ id, key: Buffer.from(key) });
}

export function generateMasterKey(): MasterKey {
  return masterKeyFrom(randomBytes(KEY_BYTES));
}

/** Base64 text of the key, as MASTER_KEY and master.key hold it. */
export function encodeMasterKey(masterKey: MasterKey): string {
  return masterKey.key.toString('base64');
}

export function parseMasterKey(text: string, source: string): MasterKey {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== KEY_BYTES) {
    throw new ConfigError(dbErrors.masterKeyInvalid, {
      params: { source, reason: `must be ${KEY_BYTES} bytes encoded in base64` },
    });
  }
  return masterKeyFrom(key);
}

export interface MasterKeySource {
  /** MASTER_KEY from the configuration, when set: always wins. */
  readonly masterKey?: string;
  /** DATA_DIR; the key file lives there in embedded mode. */
  readonly dataDir: string;
  /** Embedded mode may create the key file; otherwise a missing MASTER_KEY is a configuration error. */
  readonly allowGenerate: boolean;
}

/** The errno code of a failed fs call (checked structurally: fs errors may come from another realm). */
function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** The key in `file`, or undefined when the file does not exist; refuses a file others can read. */
export async function readMasterKeyFile(file: string): Promise<MasterKey | undefined> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new ConfigError(dbErrors.masterKeyInvalid, {
      params: {
        source: file,
        reason: `permissions ${(info.mode & 0o777).toString(8)} let others read it; run chmod 600`,
      },
    });
  }
  return parseMasterKey(await readFile(file, 'utf8'), file);
}

/** Writes a complete key file readable by its owner only. */
async function writeKeyFile(file: string, masterKey: MasterKey): Promise<void> {
  const handle = await open(file, 'w', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(`${encodeMasterKey(masterKey)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function temporaryName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * The master key: MASTER_KEY when configured; else, in embedded mode, `<dataDir>/master.key`, created
 * once (mode 0600) on first start. Processes starting together agree on one key.
 */
export async function loadOrCreateMasterKey(source: MasterKeySource): Promise<MasterKey> {
  if (source.masterKey !== undefined && source.masterKey.trim() !== '') {
    return parseMasterKey(source.masterKey, 'MASTER_KEY');
  }
  const file = path.join(source.dataDir, MASTER_KEY_FILE);
  const existing = await readMasterKeyFile(file);
  if (existing) return existing;
  if (!source.allowGenerate) throw new ConfigError(dbErrors.masterKeyMissing);
  // Written in full under a temporary name, then hard-linked into place: link() fails if the name
  // exists, so a concurrent start never sees a half-written file and exactly one key wins.
  const created = generateMasterKey();
  const temporary = temporaryName(file);
  await writeKeyFile(temporary, created);
  try {
    await link(temporary, file);
    return created;
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
    const winner = await readMasterKeyFile(file);
    if (!winner) throw error;
    return winner;
  } finally {
    await unlink(temporary);
  }
}

/** Writes `file` atomically (temporary file + rename, mode 0600): never a torn key file. */
export async function writeMasterKeyFileAtomically(file: string, masterKey: MasterKey): Promise<void> {
  const temporary = temporaryName(file);
  await writeKeyFile(temporary, masterKey);
  await rename(temporary, file);
}

/** Replaces `<dataDir>/master.key` atomically. */
export async function replaceMasterKeyFile(dataDir: string, masterKey: MasterKey): Promise<void> {
  await writeMasterKeyFileAtomically(path.join(dataDir, MASTER_KEY_FILE), masterKey);
}
