import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { ApiUser } from '../../../src/db';
import { AuthenticationError, ConflictError, ValidationError } from '../../../src/errors';
import { ApiUserService, DEMO, TenantService, ensureDemoTenant } from '../../../src/services/accounts';
import { FielVault, SecretBox, generateMasterKey } from '../../../src/services/secrets';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

const fielDirectory = path.join(__dirname, '../../../fixtures/fake-fiel');

function passwordDigest(nonce: Buffer, created: string, secret: string): string {
  return createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created + secret)]))
    .digest('base64');
}

describe('accounts', () => {
  let database: TestDatabase;
  let box: SecretBox;

  beforeAll(async () => {
    database = await createTestDatabase('accounts');
    box = new SecretBox(generateMasterKey(), []);
  });

  afterAll(async () => {
    await database.drop();
  });

  it('creates tenants with unique, well-formed slugs', async () => {
    const tenants = new TenantService(database.dataSource);
    const created = await tenants.create('Acme-MX', 'Acme');
    expect(created.slug).toBe('acme-mx');
    await expect(tenants.create('acme-mx', 'Again')).rejects.toBeInstanceOf(ConflictError);
    await expect(tenants.create('no spaces', 'x')).rejects.toBeInstanceOf(ValidationError);
    expect((await tenants.list()).map((tenant) => tenant.slug)).toContain('acme-mx');
  });

  it('authenticates API users by password, PasswordDigest and Requestor GUID until revoked', async () => {
    const tenant = await new TenantService(database.dataSource).create('users', 'Users');
    const users = new ApiUserService(database.dataSource, box);
    const { secret, requestor } = await users.create(tenant.id, 'erp-1');
    expect(secret.length).toBeGreaterThanOrEqual(32);

    const expected = { tenantId: tenant.id, username: 'erp-1' };
    await expect(
      users.authenticate({ scheme: 'password', username: 'ERP-1', password: secret }),
    ).resolves.toMatchObject(expected);
    await expect(
      users.authenticate({ scheme: 'password', username: 'erp-1', password: 'wrong' }),
    ).rejects.toBeInstanceOf(AuthenticationError);
    const nonce = randomBytes(16);
    const created = new Date().toISOString();
    await expect(
      users.authenticate({
        scheme: 'digest',
        username: 'erp-1',
        nonce: nonce.toString('base64'),
        created,
        digest: passwordDigest(nonce, created, secret),
      }),
    ).resolves.toMatchObject(expected);
    await expect(
      users.authenticate({
        scheme: 'digest',
        username: 'erp-1',
        nonce: nonce.toString('base64'),
        created,
        digest: passwordDigest(nonce, created, 'nope'),
      }),
    ).rejects.toBeInstanceOf(AuthenticationError);
    await expect(users.authenticateRequestor(`{${requestor.toLowerCase()}}`)).resolves.toMatchObject(
      expected,
    );

    const stored = await database.dataSource.getRepository(ApiUser).findOneByOrFail({ username: 'erp-1' });
    expect(stored.secretHash).not.toContain(secret);
    expect(stored.secretCiphertext?.includes(Buffer.from(secret))).toBe(false);

    await users.revoke('erp-1');
    await expect(
      users.authenticate({ scheme: 'password', username: 'erp-1', password: secret }),
    ).rejects.toBeInstanceOf(AuthenticationError);
    await expect(users.authenticateRequestor(requestor)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('provisions the demo tenant of simulator mode once, with demo/demo, its Requestor and the fake FIEL', async () => {
    const first = await ensureDemoTenant(database.dataSource, box, { directory: fielDirectory });
    const second = await ensureDemoTenant(database.dataSource, box, { directory: fielDirectory });
    expect(second.id).toBe(first.id);
    const users = new ApiUserService(database.dataSource, box);
    await expect(
      users.authenticate({ scheme: 'password', username: 'demo', password: 'demo' }),
    ).resolves.toMatchObject({ tenantId: first.id });
    await expect(users.authenticateRequestor(DEMO.requestor)).resolves.toMatchObject({ tenantId: first.id });
    const fiel = await new FielVault(database.dataSource, box).load(first.id, DEMO.rfc);
    expect(fiel?.serial).toBe('30001000000500003415');
    expect(fiel?.password).toBe('12345678a');
    const [raw] = await database.dataSource.query<Record<string, unknown>[]>(
      `SELECT row_to_json(c)::text AS row FROM contribuyentes c WHERE rfc = $1`,
      [DEMO.rfc],
    );
    expect(String(raw?.row)).not.toContain('12345678a');
  });
});
