import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { AppError, ConflictError, dbErrors } from '../../errors';
import { importFailure, messageOf } from './import-failure';
import { MIGRATIONS_TABLE, refuseUnknownMigrations } from './legacy-migrations';

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

/** The slice of PGlite's API used here; the package is loaded only when a migration runs. */
export interface PgliteDatabase {
  query<T>(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: T[]; blob?: { arrayBuffer(): Promise<ArrayBuffer> } }>;
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

/** A chunk above this shrinks the next one: TOASTed values can make 1000 pages far larger than 8 MB. */
const LARGE_CHUNK_BYTES = 32 * 1024 * 1024;
const SMALL_CHUNK_BYTES = 8 * 1024 * 1024;

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

interface TableShape {
  readonly columns: string[];
  readonly pages: number;
}

/** The copy behind `LegacyPglite.importInto`: PGlite's rows and sequences into an empty target. */
export class PgliteSource {
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
