import { Tenant } from '../../../src/db';
import { RfcCallSlots } from '../../../src/services/pipeline';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

describe('RfcCallSlots on Postgres', () => {
  let db: TestDatabase;
  let tenantId: string;

  beforeAll(async () => {
    db = await createTestDatabase('slots');
    const tenant = await db.dataSource
      .getRepository(Tenant)
      .save(db.dataSource.getRepository(Tenant).create({ slug: 'slots', nombre: 'Slots' }));
    tenantId = tenant.id;
  });
  afterAll(async () => {
    await db.drop();
  });
  afterEach(async () => {
    await db.dataSource.query('DELETE FROM sat_rfc_slots');
  });

  it('lets at most N calls of one RFC run at once, whoever asks, and frees a slot on release', async () => {
    // Two limiters on one database: two worker processes.
    const first = new RfcCallSlots(db.dataSource, { slots: 2 });
    const second = new RfcCallSlots(db.dataSource, { slots: 2 });
    const a = await first.tryAcquire(tenantId, 'EKU9003173C9');
    const b = await second.tryAcquire(tenantId, 'EKU9003173C9');
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(await first.tryAcquire(tenantId, 'EKU9003173C9')).toBeUndefined();
    // Another RFC is not held back by this one.
    const other = await second.tryAcquire(tenantId, 'AAA010101AAA');
    expect(other).toBeDefined();
    await a?.release();
    const c = await second.tryAcquire(tenantId, 'EKU9003173C9');
    expect(c).toBeDefined();
    await Promise.all([b?.release(), c?.release(), other?.release()]);
    const { count } = (
      await db.dataSource.query<{ count: number }[]>('SELECT count(*)::int AS count FROM sat_rfc_slots')
    )[0] ?? {
      count: -1,
    };
    expect(count).toBe(0);
  });

  it('never grants more slots than N when many ask at the same moment', async () => {
    const limiters = Array.from({ length: 6 }, () => new RfcCallSlots(db.dataSource, { slots: 3 }));
    const leases = await Promise.all(limiters.map((limiter) => limiter.tryAcquire(tenantId, 'EKU9003173C9')));
    expect(leases.filter(Boolean)).toHaveLength(3);
    await Promise.all(leases.map((lease) => lease?.release()));
  });

  it('takes over the slot of a crashed worker once its lease has run out', async () => {
    const crashed = new RfcCallSlots(db.dataSource, { slots: 1, leaseSeconds: 1 });
    expect(await crashed.tryAcquire(tenantId, 'EKU9003173C9')).toBeDefined(); // never released
    const survivor = new RfcCallSlots(db.dataSource, { slots: 1 });
    expect(await survivor.tryAcquire(tenantId, 'EKU9003173C9')).toBeUndefined();
    await db.dataSource.query(`UPDATE sat_rfc_slots SET expires_at = now() - interval '1 second'`);
    const lease = await survivor.tryAcquire(tenantId, 'EKU9003173C9');
    expect(lease).toBeDefined();
    await lease?.release();
  });

  it('runs work inside a slot, or answers busy without running it', async () => {
    const limiter = new RfcCallSlots(db.dataSource, { slots: 1 });
    const held = await limiter.tryAcquire(tenantId, 'EKU9003173C9');
    let ran = false;
    const answer = await limiter.run(
      tenantId,
      'EKU9003173C9',
      async () => {
        ran = true;
        return 'done';
      },
      () => 'busy',
    );
    expect(answer).toBe('busy');
    expect(ran).toBe(false);
    await held?.release();
    expect(
      await limiter.run(
        tenantId,
        'EKU9003173C9',
        async () => 'done',
        () => 'busy',
      ),
    ).toBe('done');
  });
});
