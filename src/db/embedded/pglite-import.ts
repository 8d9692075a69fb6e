import { existsSync } from 'node:fs';
import { cp, readFile, rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations';
import { AppError, ConfigError, ConflictError, InternalError, dbErrors } from '../../errors';
import { legacyPgliteDir } from './paths';

/**
 * The PGlite release that wrote DATA_DIR/pgdata (0.1). It is a development dependency only: production
 * installs leave it out, and the operator installs it for the one migration. Kept equal to the
 * devDependency in package.json (a test checks it).
 */
export const PGLITE_VERSION = '0.5.14';

/** Where the PGlite directory goes once copied: kept, not deleted, until the operator is satisfied. */
export function migratedPgliteDir(dataDir: string): string {
  return `${legacyPgliteDir(dataDir)}.pglite-migrated`;
}

/** What `importInto` copied. */
export interface PgliteImportSummary {
  /** Rows copied per table, in the order copied. */
  readonly tables: readonly { readonly table: string; readonly rows: number }[];
  /** Tables of the PGlite database that this version's schema no longer has: not copied. */
  readonly skippedTables: readonly string[];
  /** Columns of copied tables that this version's schema no longer has: not copied. */
  readonly skippedColumns: readonly { readonly table: string; readonly columns: readonly string[] }[];
  /** Sequences set to the PGlite database's value. */
  readonly sequences: number;
}

export interface LegacyPglite {
  /** The migrations recorded in the PGlite database, oldest first. */
  readonly migrations: readonly string[];
  /**
   * Copies every row of schema `public` into the database at `targetUrl`, whose schema the caller has
   * created (see `migrateLikeLegacy`) and which must hold no rows: one transaction, all or nothing.
   */
  importInto(
    targetUrl: string,
    onTable?: (table: string, rows: number) => void,
  ): Promise<PgliteImportSummary>;
  /** Closes PGlite and removes its scratch copy; the PGlite directory itself is never written. */
  close(): Promise<void>;
}

export interface OpenLegacyPgliteOptions {
  /** Heap pages read per chunk at most (8 KiB each); the reader shrinks it when rows are large. */
  readonly chunkPages?: number;
}

/** The slice of PGlite's API used here; the package is loaded only when a migration runs. */
interface PgliteDatabase {
  query<T>(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: T[]; blob?: { arrayBuffer(): Promise<ArrayBuffer> } }>;
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
}
interface PgliteModule {
  PGlite: {
    create(options: { dataDir: string; extensions: Record<string, unknown> }): Promise<PgliteDatabase>;
  };
}

const DEFAULT_CHUNK_PAGES = 1000;
/** A chunk above this shrinks the next one: TOASTed values can make 1000 pages far larger than 8 MB. */
const LARGE_CHUNK_BYTES = 32 * 1024 * 1024;
const SMALL_CHUNK_BYTES = 8 * 1024 * 1024;
/** The target's own record of its schema; the source's is only compared with it. */
const MIGRATIONS_TABLE = 'typeorm_migrations';

function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function importFailure(dataDir: string, reason: string, cause?: unknown): InternalError {
  return new InternalError(dbErrors.importFailed, { params: { dataDir, reason }, cause });
}

function loadPglite(dataDir: string): { module: PgliteModule; btreeGist: unknown } {
  try {
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded only for a migration: production installs omit it */
    const module = require('@electric-sql/pglite') as PgliteModule;
    const { btree_gist } = require('@electric-sql/pglite/contrib/btree_gist') as { btree_gist: unknown };
    /* eslint-enable @typescript-eslint/no-require-imports */
    return { module, btreeGist: btree_gist };
  } catch (error) {
    // Only the package itself missing is the operator's to fix; a broken install is a failure.
    if (errnoOf(error) === 'MODULE_NOT_FOUND' && messageOf(error).includes("'@electric-sql/pglite")) {
      throw new ConfigError(dbErrors.pgliteMissing, { params: { dataDir, version: PGLITE_VERSION } });
    }
    throw importFailure(dataDir, `@electric-sql/pglite does not load: ${messageOf(error)}`, error);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === 'EPERM';
  }
}

/** Copying files a running 0.1 service is writing would capture a torn database. */
async function refuseWhileServed(sourceDir: string): Promise<void> {
  const lockFile = `${sourceDir}.lock`;
  let pid: unknown;
  try {
    ({ pid } = JSON.parse(await readFile(lockFile, 'utf8')) as { pid?: unknown });
  } catch {
    return;
  }
  if (typeof pid === 'number' && pid !== process.pid && isAlive(pid)) {
    throw new ConfigError(dbErrors.legacyInUse, { params: { dataDir: sourceDir, pid, lockFile } });
  }
}

/**
 * Opens DATA_DIR/pgdata, the PGlite database of releases before 0.2, for copying. PGlite writes to
 * the directory it opens (recovery, checkpoint, statistics), so it opens a scratch copy beside it:
 * the original stays byte for byte what the old release left, a fallback until the operator deletes it.
 */
export async function openLegacyPglite(
  dataDir: string,
  options: OpenLegacyPgliteOptions = {},
): Promise<LegacyPglite> {
  const sourceDir = legacyPgliteDir(dataDir);
  const { module, btreeGist } = loadPglite(sourceDir);
  await refuseWhileServed(sourceDir);
  // Beside the original, on the filesystem sized for it (the system temp dir may be a small tmpfs).
  const scratchDir = `${sourceDir}.import-scratch`;
  let db: PgliteDatabase | undefined;
  try {
    // A run killed earlier leaves its scratch copy behind.
    await rm(scratchDir, { recursive: true, force: true });
    await cp(sourceDir, scratchDir, { recursive: true });
    db = await module.PGlite.create({ dataDir: scratchDir, extensions: { btree_gist: btreeGist } });
    // Text output the target parses back unambiguously whatever its own settings.
    await db.exec(
      `SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET IntervalStyle = 'postgres';
       SET extra_float_digits = 3; SET bytea_output = 'hex'`,
    );
    const { rows: hasMigrations } = await db.query<{ present: boolean }>(
      `SELECT to_regclass('public.${MIGRATIONS_TABLE}') IS NOT NULL AS present`,
    );
    if (!hasMigrations[0]?.present) {
      throw importFailure(sourceDir, `it has no ${MIGRATIONS_TABLE} table: not a descarga-masiva database`);
    }
    const { rows } = await db.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`);
    const legacyMigrations = rows.map((row) => row.name);
    // Before the caller starts anything: a newer release's database is not ours to read.
    refuseUnknownMigrations(legacyMigrations, new Set(migrations.map(migrationName)), sourceDir);
    const source = new PgliteSource(
      db,
      sourceDir,
      legacyMigrations,
      options.chunkPages ?? DEFAULT_CHUNK_PAGES,
    );
    const opened = db;
    return {
      migrations: legacyMigrations,
      importInto: (targetUrl, onTable) => source.importInto(targetUrl, onTable),
      close: async () => {
        await opened.close().catch(() => undefined);
        await rm(scratchDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    await rm(scratchDir, { recursive: true, force: true }).catch(() => undefined);
    if (error instanceof AppError) throw error;
    throw importFailure(sourceDir, `PGlite could not open it: ${messageOf(error)}`, error);
  }
}

/**
 * Brings an empty target to exactly the PGlite database's schema, no further: migrations added since
 * then run after the copy (the caller runs the rest), over the copied rows, as they would have in an
 * in-place upgrade, so none that rewrites existing rows is skipped.
 */
export async function migrateLikeLegacy(
  dataSource: DataSource,
  legacyMigrations: readonly string[],
  dataDir: string,
): Promise<string[]> {
  refuseUnknownMigrations(legacyMigrations, new Set(migrations.map(migrationName)), legacyPgliteDir(dataDir));
  const known = migrations.filter((Migration) => legacyMigrations.includes(migrationName(Migration)));
  const staged = new DataSource({ ...dataSource.options, migrations: known } as DataSourceOptions);
  await staged.initialize();
  try {
    const applied = await staged.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await staged.destroy();
  }
}

function migrationName(Migration: (typeof migrations)[number]): string {
  return new Migration().name ?? Migration.name;
}

function refuseUnknownMigrations(
  source: readonly string[],
  known: ReadonlySet<string>,
  sourceDir: string,
): void {
  const unknown = source.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ConfigError(dbErrors.importSourceNewer, {
      params: { dataDir: sourceDir, migrations: unknown.join(', ') },
    });
  }
}

interface TableShape {
  readonly columns: string[];
  readonly pages: number;
}

class PgliteSource {
  constructor(
    private readonly db: PgliteDatabase,
    private readonly sourceDir: string,
    private readonly migrations: readonly string[],
    private readonly chunkPages: number,
  ) {}

  async importInto(
    targetUrl: string,
    onTable?: (table: string, rows: number) => void,
  ): Promise<PgliteImportSummary> {
    const source = await this.readShapes();
    const target = new Client({
      connectionString: targetUrl,
      application_name: 'descarga-masiva-migrate-embedded',
    });
    await target.connect();
    try {
      await target.query('BEGIN');
      // Two runs at once: the second waits, then finds the first one's rows and refuses.
      await target.query("SELECT pg_advisory_xact_lock(hashtext('descarga-masiva:migrate-embedded'))");
      // Foreign-key triggers off (superuser): tables copy in any order, the source was consistent.
      await target.query('SET LOCAL session_replication_role = replica');
      await target.query("SET LOCAL DateStyle = 'ISO, YMD'");
      await target.query("SET LOCAL client_encoding = 'UTF8'");
      const summary = await this.copyAll(target, source, onTable);
      await target.query('COMMIT');
      return summary;
    } catch (error) {
      // The copy's own error is the one worth reporting; a connection it broke cannot roll back.
      await target.query('ROLLBACK').catch(() => undefined);
      if (error instanceof AppError) throw error;
      throw importFailure(this.sourceDir, messageOf(error), error);
    } finally {
      await target.end().catch(() => undefined);
    }
  }

  private async copyAll(
    target: Client,
    source: Map<string, TableShape>,
    onTable: ((table: string, rows: number) => void) | undefined,
  ): Promise<PgliteImportSummary> {
    const targetColumns = await readColumns((sql) =>
      target.query<ColumnRow>(sql).then((result) => result.rows),
    );
    const { rows: applied } = await target.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE}`);
    refuseUnknownMigrations(this.migrations, new Set(applied.map((row) => row.name)), this.sourceDir);

    const plan: { table: string; columns: string[]; pages: number }[] = [];
    const skippedTables: string[] = [];
    const skippedColumns: { table: string; columns: string[] }[] = [];
    for (const [table, shape] of source) {
      if (table === MIGRATIONS_TABLE) continue;
      const columns = targetColumns.get(table);
      if (!columns || !columns.some((column) => shape.columns.includes(column))) {
        skippedTables.push(table);
        continue;
      }
      const dropped = shape.columns.filter((column) => !columns.includes(column));
      if (dropped.length > 0) skippedColumns.push({ table, columns: dropped });
      plan.push({
        table,
        columns: columns.filter((column) => shape.columns.includes(column)),
        pages: shape.pages,
      });
    }

    for (const table of targetColumns.keys()) {
      if (table === MIGRATIONS_TABLE) continue;
      const { rows } = await target.query<{ found: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM public.${quoteIdent(table)}) AS found`,
      );
      if (rows[0]?.found) {
        throw new ConflictError(dbErrors.importTargetNotEmpty, {
          params: { table, dataDir: this.sourceDir },
        });
      }
    }

    const tables: { table: string; rows: number }[] = [];
    for (const { table, columns, pages } of plan) {
      const list = columns.map(quoteIdent).join(', ');
      const copy = target.query(copyFrom(`COPY public.${quoteIdent(table)} (${list}) FROM STDIN`));
      await pipeline(Readable.from(this.readTable(table, list, pages)), copy);
      tables.push({ table, rows: copy.rowCount });
      onTable?.(table, copy.rowCount);
    }

    const sequences = await this.copySequences(target, new Set(plan.map((entry) => entry.table)));
    return { tables, skippedTables, skippedColumns, sequences };
  }

  /** Source tables, their columns and heap size in pages. */
  private async readShapes(): Promise<Map<string, TableShape>> {
    const columns = await readColumns((sql) => this.db.query<ColumnRow>(sql).then((result) => result.rows));
    const { rows } = await this.db.query<{ table: string; pages: number }>(
      `SELECT c.relname AS table,
              (pg_relation_size(c.oid) / current_setting('block_size')::bigint)::int AS pages
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'
        ORDER BY c.relname`,
    );
    return new Map(
      rows.map((row) => [row.table, { columns: columns.get(row.table) ?? [], pages: row.pages }]),
    );
  }

  /**
   * The table's rows as COPY text, a range of heap pages at a time (a TID range scan reads only those
   * pages), so neither PGlite nor this process ever holds a whole table.
   */
  private async *readTable(table: string, columnList: string, pages: number): AsyncGenerator<Buffer> {
    let window = this.chunkPages;
    for (let start = 0; start < pages;) {
      const end = Math.min(start + window, pages);
      const result = await this.db.query(
        `COPY (SELECT ${columnList} FROM public.${quoteIdent(table)}
                WHERE ctid >= '(${start},0)'::tid AND ctid < '(${end},0)'::tid)
           TO '/dev/blob' WITH (FORMAT text, ENCODING 'UTF8')`,
      );
      start = end;
      if (!result.blob) continue;
      const chunk = Buffer.from(await result.blob.arrayBuffer());
      if (chunk.length > LARGE_CHUNK_BYTES) window = Math.max(1, Math.floor(window / 2));
      else if (chunk.length < SMALL_CHUNK_BYTES) window = Math.min(this.chunkPages, window * 2);
      if (chunk.length > 0) yield chunk;
    }
  }

  /**
   * Each sequence continues where the PGlite database left it, so new ids never collide with copied
   * ones. Sequences of tables not copied (the migrations table above all) keep the target's value.
   */
  private async copySequences(target: Client, copiedTables: ReadonlySet<string>): Promise<number> {
    const { rows: sequences } = await this.db.query<{ sequence: string; owner: string | null }>(
      `SELECT s.relname AS sequence, t.relname AS owner
         FROM pg_class s
         JOIN pg_namespace n ON n.oid = s.relnamespace
         LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid
                              AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
         LEFT JOIN pg_class t ON t.oid = d.refobjid
        WHERE n.nspname = 'public' AND s.relkind = 'S'
        ORDER BY s.relname`,
    );
    const { rows: existing } = await target.query<{ sequence: string }>(
      `SELECT c.relname AS sequence FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'S'`,
    );
    const inTarget = new Set(existing.map((row) => row.sequence));
    let count = 0;
    for (const { sequence, owner } of sequences) {
      if (!inTarget.has(sequence) || (owner !== null && !copiedTables.has(owner))) continue;
      const name = `public.${quoteIdent(sequence)}`;
      const { rows } = await this.db.query<{ value: string; called: boolean }>(
        `SELECT last_value::text AS value, is_called AS called FROM ${name}`,
      );
      const state = rows[0];
      if (!state) continue;
      await target.query('SELECT setval($1::regclass, $2::bigint, $3)', [name, state.value, state.called]);
      count += 1;
    }
    return count;
  }
}

interface ColumnRow {
  readonly table: string;
  readonly column: string;
}

/** Columns that accept values, per table of schema `public`, in table order (generated ones excluded). */
async function readColumns(query: (sql: string) => Promise<ColumnRow[]>): Promise<Map<string, string[]>> {
  const rows = await query(
    `SELECT c.relname AS table, a.attname AS column
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND a.attgenerated = ''
      ORDER BY c.relname, a.attnum`,
  );
  const tables = new Map<string, string[]>();
  for (const { table, column } of rows) {
    const columns = tables.get(table) ?? [];
    columns.push(column);
    tables.set(table, columns);
  }
  return tables;
}

/**
 * Moves the migrated PGlite directory aside, so the service starts on the embedded server from now
 * on; nothing is deleted. Returns where it went (a numbered name if an earlier one is in the way).
 */
export async function retireLegacyPglite(dataDir: string): Promise<string> {
  const from = legacyPgliteDir(dataDir);
  let to = migratedPgliteDir(dataDir);
  for (let n = 2; existsSync(to); n += 1) to = `${migratedPgliteDir(dataDir)}-${n}`;
  try {
    await rename(from, to);
  } catch (error) {
    throw new InternalError(dbErrors.legacyRenameFailed, {
      params: { from, to, reason: messageOf(error) },
      cause: error,
    });
  }
  return to;
}
