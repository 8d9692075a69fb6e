import { unlink } from 'node:fs/promises';
import path from 'node:path';
import {
  type MasterKey,
  type MasterKeySource,
  MASTER_KEY_FILE,
  generateMasterKey,
  loadOrCreateMasterKey,
  parseMasterKey,
  readMasterKeyFile,
  replaceMasterKeyFile,
  writeMasterKeyFileAtomically,
} from './master-key';
import { SecretBox } from './secret-box';

/** Kept beside master.key while a rotation is unfinished, so both keys stay loadable. */
export const PREVIOUS_MASTER_KEY_FILE = 'master.key.previous';

export interface KeyringSource extends MasterKeySource {
  /** MASTER_KEY_PREVIOUS: the key being rotated away from, while `rotate-master-key` runs. */
  readonly masterKeyPrevious?: string;
}

export interface Keyring {
  /** Seals everything new. */
  readonly current: MasterKey;
  /** Still opens values sealed before a rotation finished. */
  readonly previous: readonly MasterKey[];
}

/**
 * The current master key plus any previous one still needed: MASTER_KEY_PREVIOUS when configured and
 * `<dataDir>/master.key.previous` when an embedded-mode rotation is unfinished.
 */
export async function loadKeyring(source: KeyringSource): Promise<Keyring> {
  const current = await loadOrCreateMasterKey(source);
  const previous: MasterKey[] = [];
  if (source.masterKeyPrevious !== undefined && source.masterKeyPrevious.trim() !== '') {
    previous.push(parseMasterKey(source.masterKeyPrevious, 'MASTER_KEY_PREVIOUS'));
  }
  const fromFile = await readMasterKeyFile(path.join(source.dataDir, PREVIOUS_MASTER_KEY_FILE));
  if (fromFile) previous.push(fromFile);
  return { current, previous: previous.filter((key) => key.id !== current.id) };
}

/** The SecretBox the app uses: seals with the current key, opens with any key of the ring. */
export async function createSecretBox(source: KeyringSource): Promise<SecretBox> {
  const ring = await loadKeyring(source);
  return new SecretBox(ring.current, ring.previous);
}

/**
 * Embedded mode, step 1 of `rotate-master-key`: keeps the old key as master.key.previous, then puts a
 * new master.key in place (each write atomic, mode 0600). Safe to call again after a crash: an
 * unfinished rotation is resumed, not restarted. Then re-wrap with `rotateMasterKey` and call
 * `finishFileRotation`. Processes started before must be restarted to see the new key.
 */
export async function beginFileRotation(dataDir: string): Promise<Keyring> {
  const previousFile = path.join(dataDir, PREVIOUS_MASTER_KEY_FILE);
  const current = await readMasterKeyFile(path.join(dataDir, MASTER_KEY_FILE));
  if (!current) throw new RangeError(`no ${MASTER_KEY_FILE} in ${dataDir} to rotate`);
  let previous = await readMasterKeyFile(previousFile);
  if (!previous) {
    await writeMasterKeyFileAtomically(previousFile, current);
    previous = current;
  }
  if (previous.id !== current.id) return { current, previous: [previous] };
  const next = generateMasterKey();
  await replaceMasterKeyFile(dataDir, next);
  return { current: next, previous: [previous] };
}

/** Embedded mode, last step of `rotate-master-key`: once every value is re-wrapped, forget the old key. */
export async function finishFileRotation(dataDir: string): Promise<void> {
  await unlink(path.join(dataDir, PREVIOUS_MASTER_KEY_FILE)).catch((error: unknown) => {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return;
    throw error;
  });
}
