import { Tenant } from '../../../src/db';
import { AppError } from '../../../src/errors';
import { WebUserService } from '../../../src/services/web-access';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

const MINUTE = 60_000;
const POLICY = { maxFailures: 3, lockoutMinutes: 10 };

describe('web sign-in lock-out, decided by the statement that counts', () => {
  let database: TestDatabase;
  let now = new Date('2026-05-01T12:00:00Z');
  let users: WebUserService;
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDatabase('dm_web_lockout');
    tenantId = (await database.dataSource.getRepository(Tenant).save({ slug: 'bloqueos', nombre: 'B' })).id;
    users = new WebUserService(database.dataSource, POLICY, () => now);
  });

  afterAll(() => database.drop());

  async function outcome(login: string, password: string): Promise<string> {
    try {
      await users.authenticate(login, password);
      return 'signed-in';
    } catch (error) {
      if (error instanceof AppError) return error.code;
      throw error;
    }
  }

  async function state(login: string): Promise<{ count: number; lockedUntil: Date | null }> {
    const [row] = (await database.dataSource.query(
      'SELECT failed_login_count AS count, locked_until AS "lockedUntil" FROM web_users WHERE email = $1',
      [login],
    )) as { count: number; lockedUntil: Date | null }[];
    if (!row) throw new Error(`no user ${login}`);
    return row;
  }

  it('counts failures up to the limit, then locks', async () => {
    await users.create(tenantId, 'cuenta@b.mx', 'la-buena');
    expect(await outcome('cuenta@b.mx', 'mala')).toBe('DM-3004');
    expect(await outcome('Cuenta@B.mx ', 'mala')).toBe('DM-3004');
    expect(await outcome('cuenta@b.mx', 'mala')).toBe('DM-3005');
    expect(await state('cuenta@b.mx')).toEqual({
      count: 3,
      lockedUntil: new Date(now.getTime() + 10 * MINUTE),
    });
  });

  it('refuses the right password while locked, and neither counts nor extends the lock', async () => {
    const before = await state('cuenta@b.mx');
    now = new Date(now.getTime() + 5 * MINUTE);
    expect(await outcome('cuenta@b.mx', 'la-buena')).toBe('DM-3005');
    expect(await outcome('cuenta@b.mx', 'mala')).toBe('DM-3005');
    expect(await state('cuenta@b.mx')).toEqual(before);
  });

  it('locks again at the first failure after the lock ends, the count staying at the limit', async () => {
    now = new Date(now.getTime() + 6 * MINUTE);
    expect(await outcome('cuenta@b.mx', 'mala')).toBe('DM-3005');
    expect(await state('cuenta@b.mx')).toEqual({
      count: 3,
      lockedUntil: new Date(now.getTime() + 10 * MINUTE),
    });
  });

  it('signs in with the right password once the lock has ended, and starts counting afresh', async () => {
    now = new Date(now.getTime() + 10 * MINUTE);
    expect(await outcome('cuenta@b.mx', 'la-buena')).toBe('signed-in');
    expect(await state('cuenta@b.mx')).toEqual({ count: 0, lockedUntil: null });
    expect(await outcome('cuenta@b.mx', 'mala')).toBe('DM-3004');
    expect(await state('cuenta@b.mx')).toMatchObject({ count: 1, lockedUntil: null });
  });

  it('refuses unknown and disabled logins without counting anything', async () => {
    await users.create(tenantId, 'baja@b.mx', 'la-buena');
    await database.dataSource.query(`UPDATE web_users SET disabled_at = now() WHERE email = 'baja@b.mx'`);
    expect(await outcome('nadie@b.mx', 'la-buena')).toBe('DM-3004');
    expect(await outcome('nadie@b.mx', 'decoy-password')).toBe('DM-3004');
    for (let attempt = 0; attempt < 4; attempt += 1) {
      expect(await outcome('baja@b.mx', 'la-buena')).toBe('DM-3004');
    }
    expect(await state('baja@b.mx')).toEqual({ count: 0, lockedUntil: null });
  });
});
