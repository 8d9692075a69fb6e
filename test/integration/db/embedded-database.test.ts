import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import {
  createDataSource,
  findLedgerGaps,
  lockLedgerKey,
  runMigrations,
  startEmbeddedDatabase,
  type EmbeddedDatabase,
} from '../../../src/db';
import { lockFileOf } from '../../../src/db/embedded-lock';
import { migrations } from '../../../migrations';

describe('embedded database (PGlite over a loopback socket)', () => {
  let dataDir: string;
  let embedded: EmbeddedDatabase | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'dm-pglite-'));
  });
  afterAll(async () => {
    await embedded?.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(lockFileOf(dataDir), { force: true });
  });

  it('runs every migration, enforces the ledger exclusion constraint, and keeps data across restarts', async () => {
    embedded = await startEmbeddedDatabase({ dataDir });
    expect(embedded.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const dataSource = createDataSource({ url: embedded.url, poolSize: 3 });
    await dataSource.initialize();
    try {
      expect(await runMigrations(dataSource)).toEqual(migrations.map((Migration) => new Migration().name));
      const [tenant] = await dataSource.query<{ id: string }[]>(
        `INSERT INTO tenants (slug, nombre) VALUES ('demo', 'Demo') RETURNING id`,
      );
      const [contribuyente] = await dataSource.query<{ id: string }[]>(
        `INSERT INTO contribuyentes (tenant_id, rfc) VALUES ($1, 'EKU9003173C9') RETURNING id`,
        [tenant?.id],
      );
      const [solicitud] = await dataSource.query<{ id: string }[]>(
        `INSERT INTO solicitudes (tenant_id, contribuyente_id, rfc, contexto, tipo_solicitud, tipo_documento, filtros_key)
         VALUES ($1, $2, 'EKU9003173C9', 'Emitidos', 'CFDI', 'CFDI', repeat('a', 64)) RETURNING id`,
        [tenant?.id, contribuyente?.id],
      );
      const insertLedger = (range: string) =>
        dataSource.query(
          `INSERT INTO ledger_periodos (tenant_id, rfc, contexto, tipo_solicitud, tipo_documento, filtros_key, periodo, solicitud_id)
           VALUES ($1, 'EKU9003173C9', 'Emitidos', 'CFDI', 'CFDI', repeat('a', 64), $2::tstzrange, $3)`,
          [tenant?.id, range, solicitud?.id],
        );
      await insertLedger('[2024-01-01T00:00:00Z,2024-02-01T00:00:00Z)');
      await insertLedger('[2024-02-01T00:00:00Z,2024-03-01T00:00:00Z)');
      await expect(insertLedger('[2024-01-15T00:00:00Z,2024-01-16T00:00:00Z)')).rejects.toMatchObject({
        code: '23P01',
      });
      // The named ledger queries (advisory lock, multirange difference) work on PGlite too.
      const key = {
        tenantId: tenant?.id ?? '',
        rfc: 'EKU9003173C9',
        contexto: 'Emitidos',
        tipoSolicitud: 'CFDI',
        tipoDocumento: 'CFDI',
        filtrosKey: 'a'.repeat(64),
      };
      const gaps = await dataSource.transaction(async (manager) => {
        await lockLedgerKey(manager, key);
        return findLedgerGaps(manager, key, {
          start: new Date('2023-12-01T00:00:00Z'),
          end: new Date('2024-03-02T00:00:00Z'),
        });
      });
      expect(gaps).toEqual([
        { start: new Date('2023-12-01T00:00:00Z'), end: new Date('2024-01-01T00:00:00Z') },
        { start: new Date('2024-03-01T00:00:00Z'), end: new Date('2024-03-02T00:00:00Z') },
      ]);
    } finally {
      await dataSource.destroy();
    }
    await embedded.close();

    embedded = await startEmbeddedDatabase({ dataDir });
    const again = createDataSource({ url: embedded.url, poolSize: 2 });
    await again.initialize();
    try {
      expect(await runMigrations(again)).toEqual([]);
      const rows = await again.query<{ count: string }[]>(`SELECT count(*) AS count FROM ledger_periodos`);
      expect(rows[0]?.count).toBe('2');
    } finally {
      await again.destroy();
    }
  });

  it('serves several pooled connections; others wait while one holds a transaction', async () => {
    embedded ??= await startEmbeddedDatabase({ dataDir });
    const pool = new Pool({ connectionString: embedded.url, max: 4 });
    try {
      const inTransaction = await pool.connect();
      const other = await pool.connect();
      try {
        await inTransaction.query('BEGIN');
        await inTransaction.query(`INSERT INTO tenants (slug, nombre) VALUES ('tx', 'Tx')`);
        // PGlite is single-session: the multiplexer holds other connections' queries until the
        // transaction ends, so they never observe uncommitted rows.
        const outside = other.query(`SELECT count(*)::int AS n FROM tenants WHERE slug = 'tx'`);
        const inside = await inTransaction.query(`SELECT count(*)::int AS n FROM tenants WHERE slug = 'tx'`);
        expect(inside.rows[0]).toEqual({ n: 1 });
        await inTransaction.query('COMMIT');
        expect((await outside).rows[0]).toEqual({ n: 1 });
        const parallel = await Promise.all([1, 2, 3].map((n) => pool.query(`SELECT $1::int AS n`, [n])));
        expect(parallel.map((result) => result.rows[0])).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
      } finally {
        inTransaction.release();
        other.release();
      }
    } finally {
      await pool.end();
    }
  });

  it('lets one process serve a data directory; a second opener shares it; a dead owner’s lock is cleared', async () => {
    await embedded?.close();
    embedded = undefined;
    const owner = await startEmbeddedDatabase({ dataDir });
    try {
      expect(owner.shared).toBe(false);
      const second = await startEmbeddedDatabase({ dataDir });
      expect(second).toMatchObject({ shared: true, port: owner.port });
      await second.close();
      const pool = new Pool({ connectionString: second.url, max: 1 });
      try {
        const result = await pool.query(`SELECT count(*)::int AS n FROM tenants`);
        expect(result.rows[0]?.n).toBeGreaterThan(0);
      } finally {
        await pool.end();
      }
    } finally {
      await owner.close();
    }
    // A lock left by a process that no longer exists does not block the next start.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    await writeFile(lockFileOf(dataDir), JSON.stringify({ pid: Number(dead.stdout.toString()), port: 1 }));
    embedded = await startEmbeddedDatabase({ dataDir });
    expect(embedded.shared).toBe(false);
    expect(embedded.port).not.toBe(1);
  });
});
