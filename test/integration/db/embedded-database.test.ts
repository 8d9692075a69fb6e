import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'pg';
import {
  createDataSource,
  findLedgerGaps,
  lockLedgerKey,
  passwordFileOf,
  runMigrations,
  startEmbeddedDatabase,
  type EmbeddedDatabase,
} from '../../../src/db';
import { migrations } from '../../../migrations';
import { passesWithin } from '../../helpers/eventually';

const root = path.join(__dirname, '../../..');

function postmasterPidOf(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

function isRunning(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

/** pg_ctl stop returns once the pid file is gone; the process itself exits a moment later. */
function stopsRunning(pid: number | undefined): Promise<boolean> {
  return passesWithin(() => !isRunning(pid), { timeoutMs: 5_000, intervalMs: 100 });
}

/** Starts the embedded server in a child process that prints its port, for killing it from here. */
function startInChild(dataDir: string): Promise<{ pid: number; port: number }> {
  const script = `
    const { startEmbeddedDatabase } = require(${JSON.stringify(path.join(root, 'src/db/embedded'))});
    startEmbeddedDatabase({ dataDir: ${JSON.stringify(dataDir)} }).then((db) => {
      process.stdout.write(String(db.port) + '\\n');
      setInterval(() => undefined, 1000);
    }, (error) => { console.error(error); process.exit(1); });`;
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], {
    cwd: root,
    env: { PATH: process.env.PATH, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json') },
  });
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve({ pid: child.pid ?? 0, port: Number(output.trim()) });
    });
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`child exited with ${code}: ${errors}`)));
  });
}

describe('embedded database (a real PostgreSQL server started by the application)', () => {
  let dataDir: string;
  let embedded: EmbeddedDatabase | undefined;

  beforeAll(async () => {
    dataDir = path.join(await mkdtemp(path.join(tmpdir(), 'dm-embedded-')), 'pg');
  });
  afterAll(async () => {
    await embedded?.close();
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('runs every migration, enforces the ledger exclusion constraint, and keeps data across restarts', async () => {
    embedded = await startEmbeddedDatabase({ dataDir });
    expect(embedded.url).toMatch(/^postgres:\/\/postgres:[0-9a-f]{48}@127\.0\.0\.1:\d+\/descarga_masiva$/);
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
    expect(postmasterPidOf(dataDir)).toBeUndefined();

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

  it('gives every pooled connection its own session: right answers beside transactions and session settings', async () => {
    embedded ??= await startEmbeddedDatabase({ dataDir });
    const pool = new Pool({ connectionString: embedded.url, max: 10 });
    try {
      // The load that broke the single-session PGlite multiplexer: parameterised queries on eight
      // connections beside a transaction loop and a connection that empties its search_path.
      const transactions = (async () => {
        for (let i = 0; i < 150; i += 1) {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            await client.query(`SET LOCAL search_path = ''`);
            await client.query('SELECT 1');
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        }
      })();
      const answers = await Promise.all(
        Array.from({ length: 8 }, async (_, worker) => {
          let wrong = 0;
          for (let i = 0; i < 150; i += 1) {
            const { rows } = await pool.query<{ v: string; n: number }>(
              `SELECT $1::text AS v, (SELECT count(*)::int FROM tenants) AS n`,
              [`${worker}:${i}`],
            );
            if (rows[0]?.v !== `${worker}:${i}`) wrong += 1;
          }
          return wrong;
        }),
      );
      await transactions;
      expect(answers).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    } finally {
      await pool.end();
    }
  });

  it('listens on 127.0.0.1 only, with no Unix socket, and refuses connections without the password', async () => {
    embedded ??= await startEmbeddedDatabase({ dataDir });
    expect(statSync(passwordFileOf(dataDir)).mode & 0o777).toBe(0o600);
    const password = (await readFile(passwordFileOf(dataDir), 'utf8')).trim();
    expect(embedded.url).toContain(`:${password}@`);
    const settings = new Client({ connectionString: embedded.url });
    await settings.connect();
    try {
      const { rows } = await settings.query<{ name: string; setting: string }>(
        `SELECT name, setting FROM pg_settings WHERE name IN ('listen_addresses', 'unix_socket_directories')
          ORDER BY name`,
      );
      expect(rows).toEqual([
        { name: 'listen_addresses', setting: '127.0.0.1' },
        { name: 'unix_socket_directories', setting: '' },
      ]);
    } finally {
      await settings.end();
    }
    for (const credentials of [{}, { password: 'wrong' }]) {
      const intruder = new Client({
        host: '127.0.0.1',
        port: embedded.port,
        user: 'postgres',
        ...credentials,
      });
      await expect(intruder.connect()).rejects.toThrow(/password/);
      await intruder.end().catch(() => undefined);
    }
  });

  it('lets a second opener share the running server and leaves it running when the second closes', async () => {
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
    expect(postmasterPidOf(dataDir)).toBeUndefined();
  });

  it('does not stop the server while another opener holds it, even with no query running; the last one out stops it', async () => {
    const owner = await startEmbeddedDatabase({ dataDir });
    // A worker or CLI command whose pool has gone idle: no connection of its own is open.
    const other = await startEmbeddedDatabase({ dataDir });
    const serverPid = postmasterPidOf(dataDir);
    await owner.close();
    expect(isRunning(serverPid)).toBe(true);
    const later = new Client({ connectionString: other.url });
    await later.connect();
    expect((await later.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await later.end();
    await other.close();
    expect(postmasterPidOf(dataDir)).toBeUndefined();
    expect(await stopsRunning(serverPid)).toBe(true);
  });

  it('reuses the server a SIGKILLed owner left running, and adopts it', async () => {
    const child = await startInChild(dataDir);
    const serverPid = postmasterPidOf(dataDir);
    process.kill(child.pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(isRunning(serverPid)).toBe(true);
    embedded = await startEmbeddedDatabase({ dataDir });
    expect(embedded).toMatchObject({ shared: false, port: child.port });
    await embedded.close();
    embedded = undefined;
    expect(await stopsRunning(serverPid)).toBe(true);
  });

  it('recovers from a stale postmaster.pid whose process is gone or is another program', async () => {
    // The pid of this Jest worker: alive, but not a PostgreSQL server (as after a reboot).
    const stale = `${process.pid}\n${dataDir}\n1700000000\n5999\n\n127.0.0.1\n  1234  5678\nready   \n`;
    await writeFile(path.join(dataDir, 'postmaster.pid'), stale);
    embedded = await startEmbeddedDatabase({ dataDir });
    expect(embedded.shared).toBe(false);
    expect(embedded.port).not.toBe(5999);
    const client = new Client({ connectionString: embedded.url });
    await client.connect();
    expect((await client.query('SELECT count(*)::int AS n FROM ledger_periodos')).rows).toEqual([{ n: 2 }]);
    await client.end();
  });
});
