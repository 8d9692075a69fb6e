import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  MASTER_KEY_FILE,
  encodeMasterKey,
  generateMasterKey,
  loadOrCreateMasterKey,
  replaceMasterKeyFile,
} from '../../../src/services/secrets';

describe('loadOrCreateMasterKey', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'dm-master-key-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses MASTER_KEY when configured and writes no file', async () => {
    const configured = generateMasterKey();
    const loaded = await loadOrCreateMasterKey({
      masterKey: encodeMasterKey(configured),
      dataDir,
      allowGenerate: true,
    });
    expect(loaded.id).toBe(configured.id);
    await expect(stat(path.join(dataDir, MASTER_KEY_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects a MASTER_KEY that is not 32 bytes of base64', async () => {
    await expect(
      loadOrCreateMasterKey({ masterKey: Buffer.alloc(16).toString('base64'), dataDir, allowGenerate: true }),
    ).rejects.toMatchObject({ code: 'DM-8102' });
  });

  it('creates the key file once with mode 0600 in embedded mode and reads the same key afterwards', async () => {
    const created = await loadOrCreateMasterKey({ dataDir, allowGenerate: true });
    const file = path.join(dataDir, MASTER_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(encodeMasterKey(created));
    const again = await loadOrCreateMasterKey({ dataDir, allowGenerate: false });
    expect(again.id).toBe(created.id);
  });

  it('agrees on one key when two starts race', async () => {
    const keys = await Promise.all(
      [1, 2, 3, 4].map(() => loadOrCreateMasterKey({ dataDir, allowGenerate: true })),
    );
    expect(new Set(keys.map((key) => key.id)).size).toBe(1);
  });

  it('is a configuration error without MASTER_KEY outside embedded mode', async () => {
    await expect(loadOrCreateMasterKey({ dataDir, allowGenerate: false })).rejects.toMatchObject({
      code: 'DM-8101',
    });
  });

  it('refuses a key file other users can read', async () => {
    const file = path.join(dataDir, MASTER_KEY_FILE);
    await writeFile(file, encodeMasterKey(generateMasterKey()));
    await chmod(file, 0o644);
    await expect(loadOrCreateMasterKey({ dataDir, allowGenerate: true })).rejects.toMatchObject({
      code: 'DM-8102',
    });
  });

  it('replaces the key file atomically, keeping mode 0600', async () => {
    await loadOrCreateMasterKey({ dataDir, allowGenerate: true });
    const next = generateMasterKey();
    await replaceMasterKeyFile(dataDir, next);
    const file = path.join(dataDir, MASTER_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await loadOrCreateMasterKey({ dataDir, allowGenerate: false })).id).toBe(next.id);
  });
});
