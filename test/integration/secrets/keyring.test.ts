import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  FielVault,
  PREVIOUS_MASTER_KEY_FILE,
  SecretBox,
  beginFileRotation,
  createSecretBox,
  encodeMasterKey,
  finishFileRotation,
  generateMasterKey,
  loadKeyring,
  loadOrCreateMasterKey,
  rotateMasterKey,
} from '../../../src/services/secrets';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

describe('keyring and embedded-mode rotation', () => {
  let dataDir: string;
  let db: TestDatabase;
  let tenantId: string;

  beforeAll(async () => {
    db = await createTestDatabase('secrets_keyring');
    const [tenant] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO tenants (slug, nombre) VALUES ('acme', 'Acme') RETURNING id`,
    );
    tenantId = tenant?.id ?? '';
  });
  afterAll(async () => {
    await db.drop();
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'dm-keyring-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const storeFiel = (box: SecretBox) =>
    new FielVault(db.dataSource, box).store({
      tenantId,
      rfc: 'EKU9003173C9',
      certificate: Buffer.from('cert'),
      privateKey: Buffer.from('private key bytes'),
      password: '12345678a',
      serial: '1',
      validFrom: new Date('2023-01-01T00:00:00Z'),
      validTo: new Date('2027-01-01T00:00:00Z'),
    });

  it('loads MASTER_KEY_PREVIOUS beside MASTER_KEY so values sealed by either open', async () => {
    const oldKey = generateMasterKey();
    const newKey = generateMasterKey();
    const box = await createSecretBox({
      masterKey: encodeMasterKey(newKey),
      masterKeyPrevious: encodeMasterKey(oldKey),
      dataDir,
      allowGenerate: false,
    });
    expect(box.currentKeyId).toBe(newKey.id);
    expect(box.decryptText(new SecretBox(oldKey).encrypt('sealed before'))).toBe('sealed before');
  });

  it('rotates in embedded mode, surviving a crash after the new key was written', async () => {
    const original = await loadOrCreateMasterKey({ dataDir, allowGenerate: true });
    await storeFiel(new SecretBox(original));

    const ring = await beginFileRotation(dataDir);
    expect(ring.previous.map((key) => key.id)).toEqual([original.id]);
    expect((await stat(path.join(dataDir, PREVIOUS_MASTER_KEY_FILE))).mode & 0o777).toBe(0o600);

    // "Crash": a restart before re-wrapping still reads everything, and a second begin resumes.
    const restarted = await createSecretBox({ dataDir, allowGenerate: false });
    expect(restarted.currentKeyId).toBe(ring.current.id);
    expect((await new FielVault(db.dataSource, restarted).load(tenantId, 'EKU9003173C9'))?.password).toBe(
      '12345678a',
    );
    const resumed = await beginFileRotation(dataDir);
    expect(resumed.current.id).toBe(ring.current.id);

    await rotateMasterKey(db.dataSource, new SecretBox(resumed.current, resumed.previous));
    await finishFileRotation(dataDir);
    await finishFileRotation(dataDir);

    const after = await loadKeyring({ dataDir, allowGenerate: false });
    expect(after.previous).toEqual([]);
    const box = new SecretBox(after.current);
    expect((await new FielVault(db.dataSource, box).load(tenantId, 'EKU9003173C9'))?.password).toBe(
      '12345678a',
    );
    await expect(
      new FielVault(db.dataSource, new SecretBox(original)).load(tenantId, 'EKU9003173C9'),
    ).rejects.toMatchObject({
      code: 'DM-8103',
    });
  });

  it('refuses to rotate when there is no key file', async () => {
    await expect(beginFileRotation(dataDir)).rejects.toThrow(RangeError);
  });
});
