import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { PGLITE_VERSION, openDatabase } from '../../../src/db';
import { ensureJobSchema } from '../../../src/jobs';
import { startEmbeddedTestApp } from '../../helpers/app';
import { runCliProcess } from '../../helpers/cli';
import { createTestDatabase } from '../../helpers/database';

const root = path.join(__dirname, '../../..');
const fixture = path.join(root, 'fixtures/pglite-0.5-data.tar.xz');
const SOLICITUD = 'a766d342-4c08-486f-801f-45adf6f157f9';

/** Per table: rows and a digest of their text form, equal only when the contents are. */
type Contents = Record<string, { rows: number; digest: string }>;

/** Settings under which both servers print a row identically. */
const SETTINGS = `SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres';
  SET extra_float_digits = 3; SET bytea_output = 'hex'`;
const TABLES_SQL = `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'typeorm_migrations' ORDER BY 1`;
/**
 * The digest reads the columns the source has, in its order: migrations of later releases add columns
 * on the target (empty or defaulted), which are not part of what was copied.
 */
const COLUMNS_SQL = `SELECT column_name AS name FROM information_schema.columns
  WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`;
const DIGEST_SQL = `SELECT count(*)::int AS rows,
  md5(coalesce(string_agg(ROW({columns})::text, E'\\n' ORDER BY ROW({columns})::text), '')) AS digest
  FROM public."{table}" t`;
const digestSql = (table: string, columns: readonly string[]): string =>
  DIGEST_SQL.replace('{table}', table).replaceAll(
    '{columns}',
    columns.map((column) => `t."${column}"`).join(', '),
  );

/**
 * Node code run from source in a child process that prints one JSON value. PGlite's loader uses
 * dynamic imports, which Jest's module sandbox cannot run, so anything touching PGlite runs there.
 */
function inChild<T>(script: string, env: NodeJS.ProcessEnv = {}): T {
  const result = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], {
    cwd: root,
    env: { PATH: process.env.PATH, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json'), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`child failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop() as string) as T;
}

interface PgliteView {
  contents: Contents;
  /** Each table's columns, in order. */
  columns: Record<string, string[]>;
  demoUserId: string;
  solicitud: { estado: string; paquetes: number; documents: number; metadata: number };
  sequences: Record<string, string>;
}

/** What the PGlite directory holds, read from a scratch copy of it (opening PGlite writes). */
async function readPglite(pgdata: string, scratch: string): Promise<PgliteView> {
  await rm(scratch, { recursive: true, force: true });
  await cp(pgdata, scratch, { recursive: true });
  try {
    return inChild<PgliteView>(
      `
      const { PGlite } = require('@electric-sql/pglite');
      const { btree_gist } = require('@electric-sql/pglite/contrib/btree_gist');
      (async () => {
        const db = await PGlite.create({ dataDir: process.env.PGLITE_DIR, extensions: { btree_gist } });
        await db.exec(${JSON.stringify(SETTINGS)});
        const digestSql = (table, names) => ${JSON.stringify(DIGEST_SQL)}.replace('{table}', table)
          .replaceAll('{columns}', names.map((column) => 't."' + column + '"').join(', '));
        const contents = {};
        const columns = {};
        for (const { name } of (await db.query(${JSON.stringify(TABLES_SQL)})).rows) {
          columns[name] = (await db.query(${JSON.stringify(COLUMNS_SQL)}, [name])).rows.map((row) => row.name);
          contents[name] = (await db.query(digestSql(name, columns[name]))).rows[0];
        }
        const one = async (sql) => (await db.query(sql, [${JSON.stringify(SOLICITUD)}])).rows[0].n;
        const solicitud = {
          estado: await one('SELECT estado AS n FROM solicitudes WHERE id = $1'),
          paquetes: await one('SELECT count(*)::int AS n FROM paquetes WHERE solicitud_id = $1'),
          documents: await one('SELECT count(*)::int AS n FROM cfdi_documents d JOIN paquetes p ON p.id = d.paquete_id WHERE p.solicitud_id = $1'),
          metadata: await one('SELECT count(*)::int AS n FROM cfdi_metadata m JOIN paquetes p ON p.id = m.paquete_id JOIN solicitudes s ON s.id = p.solicitud_id WHERE s.referencia_cliente = \\'dimensionar:\\' || $1'),
        };
        const demoUserId = (await db.query("SELECT id FROM api_users WHERE username = 'demo'")).rows[0].id;
        const sequences = {};
        for (const { name } of (await db.query("SELECT sequencename AS name FROM pg_sequences WHERE schemaname = 'public' AND sequencename <> 'typeorm_migrations_id_seq'")).rows) {
          sequences[name] = (await db.query('SELECT last_value::text || is_called::text AS v FROM public."' + name + '"')).rows[0].v;
        }
        await db.close();
        console.log(JSON.stringify({ contents, columns, demoUserId, solicitud, sequences }));
      })().catch((error) => { console.error(error); process.exit(1); });
      `,
      { PGLITE_DIR: scratch },
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Newer tables that triggers fill as the rows are copied (checked on their own below). */
const KEPT_BY_TRIGGERS = ['solicitud_list_counts'];

/**
 * The target holds exactly the source's rows; tables added by migrations newer than release 0.1 exist
 * only in the target, and must be empty there, except those kept by triggers.
 */
function expectSameContents(target: Contents, source: Contents): void {
  const newer = Object.keys(target).filter(
    (table) => !(table in source) && !KEPT_BY_TRIGGERS.includes(table),
  );
  expect(Object.fromEntries(newer.map((table) => [table, target[table]?.rows]))).toEqual(
    Object.fromEntries(newer.map((table) => [table, 0])),
  );
  expect(Object.fromEntries(Object.entries(target).filter(([table]) => table in source))).toEqual(source);
}

async function readTarget(
  url: string,
  sourceColumns: Record<string, string[]> = {},
): Promise<Omit<PgliteView, 'demoUserId' | 'columns'> & { demoUserIds: string[] }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(SETTINGS);
    const contents: Contents = {};
    for (const { name } of (await client.query<{ name: string }>(TABLES_SQL)).rows) {
      const columns =
        sourceColumns[name] ??
        (await client.query<{ name: string }>(COLUMNS_SQL, [name])).rows.map((row) => row.name);
      contents[name] = (await client.query<{ rows: number; digest: string }>(digestSql(name, columns)))
        .rows[0] as {
        rows: number;
        digest: string;
      };
    }
    const one = async (sql: string): Promise<string | number | undefined> =>
      (await client.query<{ n: string | number }>(sql, [SOLICITUD])).rows[0]?.n;
    const solicitud = {
      estado: (await one('SELECT estado AS n FROM solicitudes WHERE id = $1')) as string,
      paquetes: (await one('SELECT count(*)::int AS n FROM paquetes WHERE solicitud_id = $1')) as number,
      documents: (await one(
        'SELECT count(*)::int AS n FROM cfdi_documents d JOIN paquetes p ON p.id = d.paquete_id WHERE p.solicitud_id = $1',
      )) as number,
      metadata: (await one(
        `SELECT count(*)::int AS n FROM cfdi_metadata m JOIN paquetes p ON p.id = m.paquete_id
           JOIN solicitudes s ON s.id = p.solicitud_id WHERE s.referencia_cliente = 'dimensionar:' || $1`,
      )) as number,
    };
    const { rows: users } = await client.query<{ id: string }>(
      "SELECT id FROM api_users WHERE username = 'demo'",
    );
    const sequences: Record<string, string> = {};
    const { rows: names } = await client.query<{ name: string }>(
      "SELECT sequencename AS name FROM pg_sequences WHERE schemaname = 'public' AND sequencename <> 'typeorm_migrations_id_seq'",
    );
    for (const { name } of names) {
      const { rows } = await client.query<{ v: string }>(
        `SELECT last_value::text || is_called::text AS v FROM public."${name}"`,
      );
      sequences[name] = rows[0]?.v as string;
    }
    return { contents, solicitud, demoUserIds: users.map((user) => user.id), sequences };
  } finally {
    await client.end();
  }
}

/** Path and SHA-256 of every file under `dir`, to tell the PGlite files were never written. */
function fingerprint(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = createHash('sha256').update(readFileSync(file)).digest('hex');
  }
  return files;
}

describe('descarga-masiva migrate-embedded (PGlite of release 0.1 into the embedded PostgreSQL)', () => {
  let workDir: string;

  /** A fresh copy of the fixture's DATA_DIR. */
  async function unpack(name: string): Promise<string> {
    const into = path.join(workDir, name);
    await mkdir(into);
    execFileSync('tar', ['-xJf', fixture, '-C', into]);
    return path.join(into, 'data');
  }

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'dm-migrate-embedded-'));
    // As root the server runs as the postgres user, which must reach DATA_DIR.
    await chmod(workDir, 0o755);
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('keeps PGlite a development dependency of the version it names', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(manifest.devDependencies['@electric-sql/pglite']).toBe(PGLITE_VERSION);
    expect(manifest.dependencies['@electric-sql/pglite']).toBeUndefined();
    expect(manifest.dependencies['@electric-sql/pglite-socket']).toBeUndefined();
  });

  describe('on a DATA_DIR of release 0.1', () => {
    let dataDir: string;
    let pglite: PgliteView;
    let original: Record<string, string>;

    beforeAll(async () => {
      dataDir = await unpack('main');
      original = fingerprint(path.join(dataDir, 'pgdata'));
      pglite = await readPglite(path.join(dataDir, 'pgdata'), path.join(workDir, 'pglite-view'));
      expect(Object.keys(pglite.contents)).toEqual(
        expect.arrayContaining([
          'tenants',
          'api_users',
          'solicitudes',
          'paquetes',
          'audit_log',
          'agenda_jobs',
        ]),
      );
    });

    it('the service refuses to start beside the PGlite data (DM-8006)', async () => {
      await expect(openDatabase({ dataDir, poolSize: 1, migrate: true })).rejects.toMatchObject({
        code: 'DM-8006',
      });
      expect(existsSync(path.join(dataDir, 'pg'))).toBe(false);
    });

    it('without the PGlite package, says how to install it and exits 2 having changed nothing', async () => {
      const hide = path.join(workDir, 'hide-pglite.cjs');
      await writeFile(
        hide,
        `const Module = require('node:module');
         const resolve = Module._resolveFilename;
         Module._resolveFilename = function (request, ...rest) {
           if (request === '@electric-sql/pglite' || request.startsWith('@electric-sql/pglite/')) {
             throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
           }
           return resolve.call(this, request, ...rest);
         };`,
      );
      const result = runCliProcess(['migrate-embedded'], {
        DATA_DIR: dataDir,
        NODE_OPTIONS: `--require ${hide}`,
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('DM-8020');
      expect(result.stderr).toContain(`npm install --no-save @electric-sql/pglite@${PGLITE_VERSION}`);
      expect(existsSync(path.join(dataDir, 'pg'))).toBe(false);
      expect(fingerprint(path.join(dataDir, 'pgdata'))).toEqual(original);
    });

    it('refuses with DATABASE_URL set: there is no embedded database to fill (exit 2)', () => {
      const result = runCliProcess(['migrate-embedded'], {
        DATA_DIR: dataDir,
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
        MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('DM-8021');
      expect(existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);
    });

    it('copies every row, moves the PGlite files aside untouched, and prints rows per table', async () => {
      const result = runCliProcess(['migrate-embedded'], { DATA_DIR: dataDir });
      expect(result.status).toBe(0);
      expect(existsSync(path.join(dataDir, 'pgdata'))).toBe(false);
      expect(fingerprint(path.join(dataDir, 'pgdata.pglite-migrated'))).toEqual(original);
      expect(existsSync(path.join(dataDir, 'pgdata.import-scratch'))).toBe(false);
      for (const [table, { rows }] of Object.entries(pglite.contents)) {
        expect(result.stdout).toMatch(new RegExp(`^ +${table} +${rows}$`, 'm'));
      }
      expect(result.stdout).toContain('pgdata.pglite-migrated');

      const database = await openDatabase({ dataDir, poolSize: 1, migrate: false });
      try {
        const target = await readTarget(database.url, pglite.columns);
        expectSameContents(target.contents, pglite.contents);
        // The list's kept counts were written by the copy itself, one group per tenant and kind.
        const groups = `tenant_id, rfc, estado, contexto, tipo_solicitud, tipo_documento`;
        expect(
          await database.dataSource.query(
            `SELECT ${groups}, sum(delta)::int AS n FROM solicitud_list_counts GROUP BY ${groups} ORDER BY ${groups}`,
          ),
        ).toEqual(
          await database.dataSource.query(
            `SELECT ${groups}, count(*)::int AS n FROM solicitudes GROUP BY ${groups} ORDER BY ${groups}`,
          ),
        );
        expect(target.solicitud).toEqual(pglite.solicitud);
        expect(target.solicitud.estado).toBe('Completada');
        expect(target.solicitud.paquetes).toBeGreaterThan(0);
        expect(target.solicitud.documents).toBeGreaterThan(0);
        expect(target.solicitud.metadata).toBeGreaterThan(0);
        expect(target.demoUserIds).toEqual([pglite.demoUserId]);
        expect(target.sequences).toEqual(pglite.sequences);
        expect(pglite.contents.tenants?.rows).toBe(1);
        expect(pglite.contents.audit_log?.rows).toBeGreaterThan(0);
        expect(pglite.contents.agenda_jobs?.rows).toBeGreaterThan(0);
      } finally {
        await database.close();
      }
    });

    it('the service then starts on the copy: demo/demo authenticates and the package downloads', async () => {
      const application = await startEmbeddedTestApp({
        env: {
          DATA_DIR: dataDir,
          SIMULATOR_DELAY_SECONDS: '0',
          // The copied Agenda jobs are not this test's subject; idle workers keep the close prompt.
          WORKERS_ENABLED: 'false',
        },
      });
      try {
        const client = await application.soapClient();
        const [answer] = await client.RecuperarSolicitudAsync({ IdSolicitud: SOLICITUD });
        const solicitud = answer.Solicitud as {
          Estado: string;
          ReferenciaCliente: string;
          Paquetes: {
            Paquete: { IdPaquete: string; Sha256: string } | { IdPaquete: string; Sha256: string }[];
          };
        };
        expect(solicitud.Estado).toBe('Completada');
        expect(solicitud.ReferenciaCliente).toBe('antes-de-migrar');
        const paquetes = ([] as { IdPaquete: string; Sha256: string }[]).concat(solicitud.Paquetes.Paquete);
        expect(paquetes).toHaveLength(pglite.solicitud.paquetes);
        for (const paquete of paquetes) {
          const [link] = await client.RecuperarLinkDescargaAsync({
            IdSolicitud: SOLICITUD,
            IdPaquete: paquete.IdPaquete,
            VigenciaSegundos: 120,
          });
          const download = await fetch(link.Url as string);
          expect(download.status).toBe(200);
          const bytes = Buffer.from(await download.arrayBuffer());
          expect(createHash('sha256').update(bytes).digest('hex')).toBe(paquete.Sha256);
        }
      } finally {
        await application.close();
      }
      // Start-up provisions the demo tenant only when missing: the copied one was found.
      const database = await openDatabase({ dataDir, poolSize: 1, migrate: false });
      try {
        const target = await readTarget(database.url);
        expect(target.demoUserIds).toEqual([pglite.demoUserId]);
        expect(target.contents.tenants?.rows).toBe(pglite.contents.tenants?.rows);
      } finally {
        await database.close();
      }
    }, 120_000);

    it('a second run finds nothing to migrate', () => {
      const result = runCliProcess(['migrate-embedded'], { DATA_DIR: dataDir });
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('Nothing to migrate');
      expect(readdirSync(dataDir).filter((name) => name.startsWith('pgdata'))).toEqual([
        'pgdata.pglite-migrated',
      ]);
    });
  });

  it('refuses to copy into an embedded database that already holds data, and changes nothing', async () => {
    const dataDir = await unpack('occupied');
    const original = fingerprint(path.join(dataDir, 'pgdata'));
    const before = await openDatabase({ dataDir, poolSize: 1, migrate: true, ignoreLegacyData: true });
    try {
      await before.dataSource.query(`INSERT INTO tenants (slug, nombre) VALUES ('otra', 'Otra cuenta')`);
    } finally {
      await before.close();
    }

    const result = runCliProcess(['migrate-embedded'], { DATA_DIR: dataDir });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('DM-8022');
    expect(result.stderr).toContain('tenants');
    expect(fingerprint(path.join(dataDir, 'pgdata'))).toEqual(original);
    expect(existsSync(path.join(dataDir, 'pgdata.pglite-migrated'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'pgdata.import-scratch'))).toBe(false);

    const after = await openDatabase({ dataDir, poolSize: 1, migrate: false, ignoreLegacyData: true });
    try {
      const target = await readTarget(after.url);
      expect(target.contents.tenants?.rows).toBe(1);
      const nonEmpty = Object.entries(target.contents).filter(([, { rows }]) => rows > 0);
      expect(nonEmpty.map(([table]) => table)).toEqual(['tenants']);
    } finally {
      await after.close();
    }
  });

  it('refuses a PGlite database with migrations this version does not know, before starting anything', async () => {
    const dataDir = await unpack('newer');
    inChild(
      `
      const { PGlite } = require('@electric-sql/pglite');
      const { btree_gist } = require('@electric-sql/pglite/contrib/btree_gist');
      (async () => {
        const db = await PGlite.create({ dataDir: process.env.PGLITE_DIR, extensions: { btree_gist } });
        await db.query("INSERT INTO typeorm_migrations (timestamp, name) VALUES (9999999999999, 'Future9999999999999')");
        await db.close();
        console.log('null');
      })().catch((error) => { console.error(error); process.exit(1); });
      `,
      { PGLITE_DIR: path.join(dataDir, 'pgdata') },
    );
    const original = fingerprint(path.join(dataDir, 'pgdata'));
    const result = runCliProcess(['migrate-embedded'], { DATA_DIR: dataDir });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('DM-8023');
    expect(result.stderr).toContain('Future9999999999999');
    expect(existsSync(path.join(dataDir, 'pg'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'pgdata.import-scratch'))).toBe(false);
    expect(fingerprint(path.join(dataDir, 'pgdata'))).toEqual(original);
  });

  it('copies exactly at any chunk size: one heap page at a time gives the same contents', async () => {
    const dataDir = await unpack('chunks');
    const pglite = await readPglite(path.join(dataDir, 'pgdata'), path.join(workDir, 'chunks-view'));
    const target = await createTestDatabase('dm_pglite_chunks');
    try {
      const jobsPool = new Pool({ connectionString: target.url, max: 1 });
      await ensureJobSchema(jobsPool);
      await jobsPool.end();
      const summary = inChild<{ tables: { table: string; rows: number }[] }>(
        `
        const { openLegacyPglite } = require('./src/db/embedded/pglite-import');
        (async () => {
          const source = await openLegacyPglite(process.env.DATA_DIR, { chunkPages: 1 });
          try {
            console.log(JSON.stringify(await source.importInto(process.env.TARGET_URL)));
          } finally {
            await source.close();
          }
        })().catch((error) => { console.error(error); process.exit(1); });
        `,
        { DATA_DIR: dataDir, TARGET_URL: target.url },
      );
      expect(Object.fromEntries(summary.tables.map(({ table, rows }) => [table, rows]))).toEqual(
        Object.fromEntries(Object.entries(pglite.contents).map(([table, { rows }]) => [table, rows])),
      );
      expectSameContents((await readTarget(target.url, pglite.columns)).contents, pglite.contents);
      // audit_log spans several pages: the one-page chunks really crossed page boundaries.
      expect(pglite.contents.audit_log?.rows).toBeGreaterThan(100);
    } finally {
      await target.drop();
    }
  });
});
