import { PassThrough } from 'node:stream';
import { Pool } from 'pg';
import { JobRunner, ensureJobSchema, registerListCountJobs, scheduleListCountJobs } from '../../../src/jobs';
import { createLogger } from '../../../src/logging';
import { ListCountUpkeep } from '../../../src/services/solicitudes';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { eventually } from '../../helpers/eventually';

describe('the folding job of the list’s kept counts', () => {
  let db: TestDatabase;
  let pool: Pool;
  let runner: JobRunner | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('jobs_list_counts');
    pool = new Pool({ connectionString: db.url, max: 5 });
    await ensureJobSchema(pool);
  });
  afterAll(async () => {
    await runner?.stop(1000);
    await pool.end();
    await db.drop();
  });

  it('folds the deltas written since the last folding, once scheduled, whatever the process', async () => {
    const [tenant] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO tenants (slug, nombre) VALUES ('t', 'T') RETURNING id`,
    );
    await db.dataSource.query(`INSERT INTO contribuyentes (tenant_id, rfc) VALUES ($1, 'EKU9003173C9')`, [
      tenant?.id,
    ]);
    // Three statements, three delta rows of one group.
    for (let index = 0; index < 3; index += 1) {
      await db.dataSource.query(
        `INSERT INTO solicitudes (tenant_id, contribuyente_id, rfc, contexto, tipo_solicitud, tipo_documento, filtros_key)
         SELECT tenant_id, id, rfc, 'Emitidos', 'CFDI', 'CFDI', repeat('a', 64) FROM contribuyentes`,
      );
    }
    const deltas = async (): Promise<number[]> =>
      (await db.dataSource.query<{ delta: number }[]>(`SELECT delta FROM solicitud_list_counts`)).map(
        (row) => row.delta,
      );
    expect(await deltas()).toEqual([1, 1, 1]);

    runner = new JobRunner({
      pool,
      logger: createLogger({ stream: new PassThrough() }),
      name: 'w1',
      maxConcurrency: 2,
      processEveryMs: 200,
    });
    registerListCountJobs(
      runner,
      new ListCountUpkeep(db.dataSource),
      createLogger({ stream: new PassThrough() }),
    );
    await runner.start();
    await scheduleListCountJobs(runner);
    await scheduleListCountJobs(runner); // a second process scheduling it changes nothing
    await eventually(async () => (await deltas()).length === 1, { timeoutMs: 20_000, intervalMs: 100 });
    expect(await deltas()).toEqual([3]);
    expect(await runner.countPending('compactar-conteos-solicitudes')).toBe(1);
  });
});
