import { Client } from 'pg';
import { SolicitudListCounts1732460022000 } from '../../../migrations/1732460022000-solicitud-list-counts';
import {
  type FilterCondition,
  foldSolicitudListCounts,
  listSolicitudes,
  solicitudListStatements,
} from '../../../src/db';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

const RFCS = ['EKU9003173C9', 'AAA010101AAA', 'XIA190128J61'];
const ESTADOS = ['Registrada', 'EnProceso', 'Completada', 'Error'];
const CONTEXTOS = ['Emitidos', 'Recibidos'];
const TIPOS_SOLICITUD = ['CFDI', 'Metadata'];
const TIPOS_DOCUMENTO = ['CFDI', 'Retenciones'];

/** The lists whose totals the kept counts give, checked against counting the rows themselves. */
const FILTER_SETS: FilterCondition[][] = [
  [],
  [{ field: 'Rfc', operator: '=', value: 'EKU9003173C9' }],
  [{ field: 'Estado', operator: 'in', value: ['Completada', 'Error'] }],
  [
    { field: 'Rfc', operator: '=', value: 'AAA010101AAA' },
    { field: 'Estado', operator: 'in', value: ['Registrada'] },
    { field: 'Contexto', operator: '=', value: 'Emitidos' },
  ],
  [{ field: 'TipoSolicitud', operator: '<>', value: 'Metadata' }],
  [
    { field: 'Rfc', operator: 'like', value: 'X%' },
    { field: 'TipoDocumento', operator: '=', value: 'Retenciones' },
  ],
];
/** True of every row, on a field without a kept count: the total then comes from counting rows. */
const COUNT_THE_ROWS: FilterCondition = {
  field: 'FechaRegistro',
  operator: '>=',
  value: '1970-01-01T00:00:00Z',
};

/** A small deterministic generator, so a failure replays the same way. */
function generator(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % below;
  };
}

describe('the list’s kept counts (solicitud_list_counts)', () => {
  let db: TestDatabase;
  const tenants: string[] = [];
  const contribuyentes = new Map<string, string>();

  const query = async <T>(sql: string, parameters: unknown[] = []): Promise<T[]> =>
    db.dataSource.query<T[]>(sql, parameters);

  async function keptAndCounted(tenantId: string, filters: FilterCondition[]): Promise<[number, number]> {
    const page = { page: 1, pageSize: 5 };
    const kept = await listSolicitudes(db.dataSource, tenantId, { filters, page });
    const counted = await listSolicitudes(db.dataSource, tenantId, {
      filters: [...filters, COUNT_THE_ROWS],
      page,
    });
    return [kept.total, counted.total];
  }

  async function expectExactTotals(step: string): Promise<void> {
    for (const tenantId of tenants) {
      for (const filters of FILTER_SETS) {
        const [kept, counted] = await keptAndCounted(tenantId, filters);
        if (kept !== counted) {
          throw new Error(`${step}: ${JSON.stringify(filters)} kept ${kept}, counted ${counted}`);
        }
      }
    }
  }

  /** `values` rows of (tenant, rfc, estado, contexto, tipo_solicitud, tipo_documento) in one statement. */
  function insertSql(count: number): string {
    const rows = Array.from({ length: count }, (_, index) => {
      const base = index * 6;
      return `($${base + 1}::uuid, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6})`;
    });
    return `INSERT INTO solicitudes (tenant_id, contribuyente_id, rfc, contexto, tipo_solicitud, tipo_documento, filtros_key, estado)
      SELECT v.tenant_id, c.id, v.rfc, v.contexto, v.tipo_solicitud, v.tipo_documento, repeat('a', 64), v.estado
        FROM (VALUES ${rows.join(', ')}) AS v (tenant_id, rfc, estado, contexto, tipo_solicitud, tipo_documento)
        JOIN contribuyentes c ON c.tenant_id = v.tenant_id AND c.rfc = v.rfc`;
  }

  function randomRows(next: (below: number) => number, count: number): unknown[] {
    return Array.from({ length: count }, () => [
      tenants[next(tenants.length)],
      RFCS[next(RFCS.length)],
      ESTADOS[next(ESTADOS.length)],
      CONTEXTOS[next(CONTEXTOS.length)],
      TIPOS_SOLICITUD[next(TIPOS_SOLICITUD.length)],
      TIPOS_DOCUMENTO[next(TIPOS_DOCUMENTO.length)],
    ]).flat();
  }

  async function someIds(next: (below: number) => number, count: number): Promise<string[]> {
    const rows = await query<{ id: string }>(
      `SELECT id FROM solicitudes ORDER BY md5(id::text || $1) LIMIT $2`,
      [String(next(1_000_000)), count],
    );
    return rows.map((row) => row.id);
  }

  /** One random write, as the application's writers make them (or a rolled-back one). */
  async function randomWrite(
    next: (below: number) => number,
    run: (sql: string, p: unknown[]) => Promise<unknown>,
  ): Promise<void> {
    const kind = next(7);
    if (kind <= 1) {
      const count = 1 + next(4);
      await run(insertSql(count), randomRows(next, count));
    } else if (kind === 2) {
      await run(`UPDATE solicitudes SET estado = $1, updated_at = now() WHERE id = ANY($2::uuid[])`, [
        ESTADOS[next(ESTADOS.length)],
        await someIds(next, 1 + next(3)),
      ]);
    } else if (kind === 3) {
      // Progress: no group changes.
      await run(
        `UPDATE solicitudes SET numero_cfdis = coalesce(numero_cfdis, 0) + 1 WHERE id = ANY($1::uuid[])`,
        [await someIds(next, 2)],
      );
    } else if (kind === 4) {
      await run(
        `UPDATE solicitudes SET contexto = $1, tipo_solicitud = $2, tipo_documento = $3 WHERE id = ANY($4::uuid[])`,
        [
          CONTEXTOS[next(CONTEXTOS.length)],
          TIPOS_SOLICITUD[next(TIPOS_SOLICITUD.length)],
          TIPOS_DOCUMENTO[next(TIPOS_DOCUMENTO.length)],
          await someIds(next, 1 + next(2)),
        ],
      );
    } else if (kind === 5) {
      await run(`DELETE FROM solicitudes WHERE id = ANY($1::uuid[])`, [await someIds(next, 1)]);
    } else {
      await foldSolicitudListCounts(db.dataSource);
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase('db_list_counts');
    for (const slug of ['a', 'b', 'c']) {
      const [tenant] = await query<{ id: string }>(
        `INSERT INTO tenants (slug, nombre) VALUES ($1, $1) RETURNING id`,
        [slug],
      );
      tenants.push(tenant?.id as string);
      for (const rfc of RFCS) {
        const [row] = await query<{ id: string }>(
          `INSERT INTO contribuyentes (tenant_id, rfc) VALUES ($1, $2) RETURNING id`,
          [tenant?.id, rfc],
        );
        contribuyentes.set(`${tenant?.id}/${rfc}`, row?.id as string);
      }
    }
  });
  afterAll(async () => {
    await db.drop();
  });

  it('counts the solicitudes that were there before it existed (the migration’s own count)', async () => {
    const migration = new SolicitudListCounts1732460022000();
    const runner = db.dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      const next = generator(7);
      await query(insertSql(40), randomRows(next, 40));
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    await expectExactTotals('after the migration');
  });

  it('stays exact through inserts, moves between groups, progress, deletes and foldings', async () => {
    const next = generator(20261207);
    for (let step = 0; step < 120; step += 1) {
      await randomWrite(next, (sql, parameters) => query(sql, parameters));
      if (step % 10 === 9) await expectExactTotals(`step ${step}`);
    }
    await expectExactTotals('the end');
  });

  it('keeps nothing of a transaction that rolled back', async () => {
    const before = await keptAndCounted(tenants[0] as string, []);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        insertSql(3),
        randomRows(() => 0, 3),
      );
      await client.query(`UPDATE solicitudes SET estado = 'Error' WHERE tenant_id = $1`, [tenants[0]]);
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
    expect(await keptAndCounted(tenants[0] as string, [])).toEqual(before);
    await expectExactTotals('after a rollback');
  });

  it('folds each group into one row, and a list’s total then reads only those rows', async () => {
    await foldSolicitudListCounts(db.dataSource);
    const [{ rows, groups } = { rows: 0, groups: -1 }] = await query<{ rows: number; groups: number }>(
      `SELECT count(*)::int AS rows,
              count(DISTINCT (tenant_id, rfc, estado, contexto, tipo_solicitud, tipo_documento))::int AS groups
         FROM solicitud_list_counts`,
    );
    expect(rows).toBe(groups);
    const [{ empty } = { empty: -1 }] = await query<{ empty: number }>(
      `SELECT count(*)::int AS empty FROM solicitud_list_counts WHERE delta = 0`,
    );
    expect(empty).toBe(0);
    expect(await foldSolicitudListCounts(db.dataSource)).toBe(0);
    await expectExactTotals('after folding');

    const statements = solicitudListStatements(tenants[0] as string, {
      filters: FILTER_SETS[3],
      page: { page: 1, pageSize: 50 },
    });
    const [plan] = await query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${statements.count}`, [
      ...statements.parameters,
    ]);
    const relations = JSON.stringify(plan?.['QUERY PLAN']).match(/"Relation Name":"[a-z_]+"/g);
    expect(relations).toEqual(['"Relation Name":"solicitud_list_counts"']);
  });

  it('lets two transactions move solicitudes between the same groups both ways without waiting', async () => {
    const tenantId = tenants[1] as string;
    const rows = [
      [tenantId, 'EKU9003173C9', 'Registrada', 'Emitidos', 'CFDI', 'CFDI'],
      [tenantId, 'EKU9003173C9', 'Completada', 'Emitidos', 'CFDI', 'CFDI'],
    ];
    const inserted = await query<{ id: string; estado: string }>(
      `${insertSql(2)} RETURNING id, estado`,
      rows.flat(),
    );
    const registrada = inserted.find((row) => row.estado === 'Registrada')?.id;
    const completada = inserted.find((row) => row.estado === 'Completada')?.id;
    const first = new Client({ connectionString: db.url });
    const second = new Client({ connectionString: db.url });
    await Promise.all([first.connect(), second.connect()]);
    try {
      for (const client of [first, second]) {
        await client.query(`SET lock_timeout = '2s'`);
        await client.query('BEGIN');
      }
      // With one counter row per group, each would now wait for the other's lock (a deadlock).
      await first.query(`UPDATE solicitudes SET estado = 'Completada' WHERE id = $1`, [registrada]);
      await second.query(`UPDATE solicitudes SET estado = 'Registrada' WHERE id = $1`, [completada]);
      await first.query(
        `INSERT INTO solicitudes (tenant_id, contribuyente_id, rfc, contexto, tipo_solicitud, tipo_documento, filtros_key, estado)
        VALUES ($1, $2, 'EKU9003173C9', 'Emitidos', 'CFDI', 'CFDI', repeat('b', 64), 'Registrada')`,
        [tenantId, contribuyentes.get(`${tenantId}/EKU9003173C9`)],
      );
      await second.query(
        `INSERT INTO solicitudes (tenant_id, contribuyente_id, rfc, contexto, tipo_solicitud, tipo_documento, filtros_key, estado)
        VALUES ($1, $2, 'EKU9003173C9', 'Emitidos', 'CFDI', 'CFDI', repeat('c', 64), 'Completada')`,
        [tenantId, contribuyentes.get(`${tenantId}/EKU9003173C9`)],
      );
      await Promise.all([first.query('COMMIT'), second.query('COMMIT')]);
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
    await expectExactTotals('after two crossing transactions');
  });

  it('stays exact under concurrent writers, rollbacks and foldings', async () => {
    const writers = Array.from({ length: 4 }, (_, index) => index);
    let folding = true;
    const folds = (async () => {
      while (folding) await foldSolicitudListCounts(db.dataSource);
    })();
    await Promise.all(
      writers.map(async (writer) => {
        const next = generator(1000 + writer);
        const client = new Client({ connectionString: db.url });
        await client.connect();
        try {
          for (let transaction = 0; transaction < 15; transaction += 1) {
            await client.query('BEGIN');
            try {
              for (let write = 0; write < 3; write += 1) {
                await randomWrite(next, (sql, parameters) => client.query(sql, parameters as unknown[]));
              }
              await client.query(next(4) === 0 ? 'ROLLBACK' : 'COMMIT');
            } catch (error) {
              // Two writers may delete or update the same row: that is the writers' business, not the counts'.
              await client.query('ROLLBACK');
              if (!/deadlock|could not serialize/.test(String(error))) throw error;
            }
          }
        } finally {
          await client.end();
        }
      }),
    );
    folding = false;
    await folds;
    await expectExactTotals('after concurrent writers');
  });

  it('forgets a deleted tenant’s solicitudes, and folding drops its groups', async () => {
    const gone = tenants[2] as string;
    await query(`DELETE FROM tenants WHERE id = $1`, [gone]);
    const [kept, counted] = await keptAndCounted(gone, []);
    expect([kept, counted]).toEqual([0, 0]);
    await foldSolicitudListCounts(db.dataSource);
    const [{ rows } = { rows: -1 }] = await query<{ rows: number }>(
      `SELECT count(*)::int AS rows FROM solicitud_list_counts WHERE tenant_id = $1`,
      [gone],
    );
    expect(rows).toBe(0);
    tenants.pop();
    await expectExactTotals('after a tenant was deleted');
  });

  it('empties with the table (TRUNCATE)', async () => {
    await query(`TRUNCATE solicitudes CASCADE`);
    const [{ rows } = { rows: -1 }] = await query<{ rows: number }>(
      `SELECT count(*)::int AS rows FROM solicitud_list_counts`,
    );
    expect(rows).toBe(0);
    await query(insertSql(2), randomRows(generator(3), 2));
    await expectExactTotals('after TRUNCATE and two inserts');
  });
});
