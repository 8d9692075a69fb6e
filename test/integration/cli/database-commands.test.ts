import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createDataSource, Tenant } from '../../../src/db';
import { FielVault, SecretBox, masterKeyFrom } from '../../../src/services/secrets';
import { runCliProcess } from '../../helpers/cli';
import { createEmptyDatabase, type EmptyDatabase } from '../../helpers/empty-database';

const keyA = Buffer.alloc(32, 1).toString('base64');
const keyB = Buffer.alloc(32, 2).toString('base64');
const fielDir = path.join(__dirname, '../../../fixtures/fake-fiel');

describe('database commands', () => {
  let database: EmptyDatabase;

  beforeAll(async () => {
    database = await createEmptyDatabase('dm_cli');
  });

  afterAll(async () => {
    await database.drop();
  });

  it('migrate applies every migration once, then reports the database up to date', () => {
    const env = { DATABASE_URL: database.url, MASTER_KEY: keyA };
    const first = runCliProcess(['migrate'], env);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/\d+ migration\(s\) applied\./);
    const second = runCliProcess(['migrate'], env);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('up to date');
  });

  it('rotate-master-key re-seals stored FIEL secrets so only the new key is needed', async () => {
    const dataSource = createDataSource({ url: database.url, poolSize: 2 });
    await dataSource.initialize();
    try {
      const tenant = await dataSource.getRepository(Tenant).save({ slug: 'rotate', nombre: 'Rotate' });
      const oldBox = new SecretBox(masterKeyFrom(Buffer.from(keyA, 'base64')), []);
      await new FielVault(dataSource, oldBox).store({
        tenantId: tenant.id,
        rfc: 'EKU9003173C9',
        certificate: readFileSync(path.join(fielDir, 'EKU9003173C9.cer')),
        privateKey: readFileSync(path.join(fielDir, 'EKU9003173C9.key')),
        password: readFileSync(path.join(fielDir, 'EKU9003173C9-password.txt'), 'utf8'),
        serial: '30001000000500003415',
        validFrom: new Date('2023-05-18T00:00:00Z'),
        validTo: new Date('2027-05-17T00:00:00Z'),
      });

      const result = runCliProcess(['rotate-master-key'], {
        DATABASE_URL: database.url,
        MASTER_KEY: keyB,
        MASTER_KEY_PREVIOUS: keyA,
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/contribuyentes: 1 re-encrypted/);

      const newBox = new SecretBox(masterKeyFrom(Buffer.from(keyB, 'base64')), []);
      const loaded = await new FielVault(dataSource, newBox).load(tenant.id, 'EKU9003173C9');
      expect(loaded?.password).toBe('12345678a');
      await expect(new FielVault(dataSource, oldBox).load(tenant.id, 'EKU9003173C9')).rejects.toThrow();
    } finally {
      await dataSource.destroy();
    }
  });

  it('tenant and user commands create, list and revoke credentials, showing secrets only once', () => {
    const env = { DATABASE_URL: database.url, MASTER_KEY: keyB };
    expect(runCliProcess(['tenant', 'create', 'erp-co', '--name', 'ERP Co'], env).stdout).toContain(
      'Tenant erp-co created',
    );
    expect(runCliProcess(['tenant', 'list'], env).stdout).toMatch(/^erp-co\t/m);
    const created = runCliProcess(['user', 'create', 'sap-b1', '--tenant', 'erp-co'], env);
    expect(created.status).toBe(0);
    const secret = /Secret \(WS-Security \/ HTTP Basic password\): (\S+)/.exec(created.stdout)?.[1];
    const requestor = /Requestor GUID:\s+(\S+)/.exec(created.stdout)?.[1];
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(requestor).toMatch(/^[0-9A-F-]{36}$/);
    const listed = runCliProcess(['user', 'list', '--tenant', 'erp-co'], env);
    expect(listed.stdout).toMatch(/^sap-b1\tactive/m);
    expect(listed.stdout).not.toContain(secret as string);
    expect(runCliProcess(['user', 'revoke', 'sap-b1'], env).status).toBe(0);
    expect(runCliProcess(['user', 'list', '--tenant', 'erp-co'], env).stdout).toMatch(/^sap-b1\trevoked/m);
    const duplicate = runCliProcess(['tenant', 'create', 'erp-co'], env);
    expect(duplicate.status).toBe(1);
    expect(duplicate.stderr).toMatch(/DM-4002/);
  });
});
