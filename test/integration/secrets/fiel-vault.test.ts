import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  FielVault,
  SecretBox,
  generateMasterKey,
  keyIdOf,
  rotateMasterKey,
} from '../../../src/services/secrets';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

/** The fake FIEL of EKU9003173C9: the repository's copy when present, else the shared fixtures. */
function fakeFielFile(name: string): Buffer {
  const candidates = [
    path.join(__dirname, '../../../fixtures/fake-fiel', name),
    path.join(__dirname, '../../../../shared/sat-fixtures/phpcfdi/fake-fiel', name),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`fake FIEL file ${name} not found in ${candidates.join(', ')}`);
  return readFileSync(found);
}

describe('FIEL vault over PostgreSQL', () => {
  let db: TestDatabase;
  let tenantId: string;
  const certificate = fakeFielFile('EKU9003173C9.cer');
  const privateKey = fakeFielFile('EKU9003173C9.key');
  const password = fakeFielFile('EKU9003173C9-password.txt').toString('utf8').trim();
  const firstKey = generateMasterKey();
  const fiel = (tenant: string) => ({
    tenantId: tenant,
    rfc: 'eku9003173c9',
    nombre: 'ESCUELA KEMPER URGATE',
    certificate,
    privateKey,
    password,
    serial: '30001000000500003416',
    validFrom: new Date('2023-05-18T11:43:51Z'),
    validTo: new Date('2027-05-18T11:43:51Z'),
  });

  beforeAll(async () => {
    db = await createTestDatabase('secrets_fiel_vault');
    const rows = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO tenants (slug, nombre) VALUES ('acme', 'Acme'), ('other', 'Other') RETURNING id`,
    );
    tenantId = rows[0]?.id ?? '';
  });
  afterAll(async () => {
    await db.drop();
  });

  it('round-trips the fake FIEL and keeps no plaintext key or password in the table', async () => {
    const vault = new FielVault(db.dataSource, new SecretBox(firstKey));
    const id = await vault.store(fiel(tenantId));
    const loaded = await vault.load(tenantId, 'EKU9003173C9');
    expect(loaded?.contribuyenteId).toBe(id);
    expect(loaded?.privateKey.equals(privateKey)).toBe(true);
    expect(loaded?.password).toBe(password);
    expect(loaded?.certificate.equals(certificate)).toBe(true);

    // The whole row as Postgres renders it, text and hex: neither the key nor the password appears.
    const [raw] = await db.dataSource.query<{ dump: string }[]>(
      `SELECT row_to_json(c)::text AS dump FROM contribuyentes c WHERE id = $1`,
      [id],
    );
    const dump = raw?.dump ?? '';
    expect(dump).toContain('EKU9003173C9');
    expect(dump).not.toContain(password);
    expect(dump).not.toContain(privateKey.toString('hex'));
    expect(dump).not.toContain(privateKey.subarray(0, 64).toString('hex'));
    expect(dump.includes(Buffer.from(password).toString('hex'))).toBe(false);
  });

  it('replaces the FIEL of an existing RFC instead of adding a second contribuyente', async () => {
    const vault = new FielVault(db.dataSource, new SecretBox(firstKey));
    const first = await vault.store(fiel(tenantId));
    const second = await vault.store({ ...fiel(tenantId), serial: '99' });
    expect(second).toBe(first);
    const rows = await db.dataSource.query<{ fiel_serial: string }[]>(
      `SELECT fiel_serial FROM contribuyentes WHERE tenant_id = $1`,
      [tenantId],
    );
    expect(rows).toEqual([{ fiel_serial: '99' }]);
  });

  it('will not open a ciphertext moved to another tenant row', async () => {
    const box = new SecretBox(firstKey);
    const vault = new FielVault(db.dataSource, box);
    const [other] = await db.dataSource.query<{ id: string }[]>(
      `SELECT id FROM tenants WHERE slug = 'other'`,
    );
    await vault.store(fiel(other?.id ?? ''));
    await db.dataSource.query(
      `UPDATE contribuyentes SET fiel_password_ciphertext = (SELECT fiel_password_ciphertext FROM contribuyentes WHERE tenant_id = $1)
       WHERE tenant_id = $2`,
      [tenantId, other?.id],
    );
    await expect(vault.load(other?.id ?? '', 'EKU9003173C9')).rejects.toMatchObject({ code: 'DM-8104' });
    await db.dataSource.query(`DELETE FROM contribuyentes WHERE tenant_id = $1`, [other?.id]);
  });

  it('rotates the master key: every sealed column re-wrapped, resumable, readable with the new key only', async () => {
    const oldBox = new SecretBox(firstKey);
    const secret = oldBox.encrypt('webhook-secret');
    await db.dataSource.query(
      `INSERT INTO webhooks (tenant_id, url, secret_ciphertext) VALUES ($1, 'https://example.test/hook', $2)`,
      [tenantId, secret],
    );
    await db.dataSource.query(
      `INSERT INTO api_users (tenant_id, username, secret_hash, secret_ciphertext) VALUES ($1, 'u1', 'x', $2)`,
      [tenantId, oldBox.encrypt('api-secret')],
    );
    const nextKey = generateMasterKey();
    const rotating = new SecretBox(nextKey, [firstKey]);

    const result = await rotateMasterKey(db.dataSource, rotating, 1);
    expect(result.rewrapped).toEqual({ contribuyentes: 1, api_users: 1, webhooks: 1, sat_tokens: 0 });
    expect((await rotateMasterKey(db.dataSource, rotating)).rewrapped).toEqual({
      contribuyentes: 0,
      api_users: 0,
      webhooks: 0,
      sat_tokens: 0,
    });

    const [row] = await db.dataSource.query<{ fiel_master_key_id: string; fiel_key_ciphertext: Buffer }[]>(
      `SELECT fiel_master_key_id, fiel_key_ciphertext FROM contribuyentes WHERE tenant_id = $1`,
      [tenantId],
    );
    expect(row?.fiel_master_key_id).toBe(nextKey.id);
    expect(keyIdOf(row?.fiel_key_ciphertext as Buffer)).toBe(nextKey.id);

    const newOnly = new SecretBox(nextKey);
    const loaded = await new FielVault(db.dataSource, newOnly).load(tenantId, 'EKU9003173C9');
    expect(loaded?.password).toBe(password);
    const [hook] = await db.dataSource.query<{ secret_ciphertext: Buffer }[]>(
      `SELECT secret_ciphertext FROM webhooks`,
    );
    expect(newOnly.decryptText(hook?.secret_ciphertext as Buffer)).toBe('webhook-secret');
    await expect(new FielVault(db.dataSource, oldBox).load(tenantId, 'EKU9003173C9')).rejects.toMatchObject({
      code: 'DM-8103',
    });
  });

  it('removes a FIEL and reports whether there was one', async () => {
    const vault = new FielVault(db.dataSource, new SecretBox(generateMasterKey()));
    expect(await vault.remove(tenantId, 'EKU9003173C9')).toBe(true);
    expect(await vault.remove(tenantId, 'EKU9003173C9')).toBe(false);
    expect(await vault.load(tenantId, 'EKU9003173C9')).toBeUndefined();
  });
});
