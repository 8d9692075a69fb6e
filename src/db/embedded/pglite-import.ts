import { existsSync } from 'node:fs';
import { cp, readFile, rename, rm } from 'node:fs/promises';
import { migrations } from '../../../migrations';
import { AppError, ConfigError, InternalError, dbErrors } from '../../errors';
import { importFailure, messageOf } from './import-failure';
import { MIGRATIONS_TABLE, migrationName, refuseUnknownMigrations } from './legacy-migrations';
import { legacyPgliteDir } from './paths';
import { PgliteSource, type PgliteDatabase, type PgliteImportSummary } from './pglite-copy';
import { errnoOf } from './processes';

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

interface PgliteModule {
  PGlite: {
    create(options: { dataDir: string; extensions: Record<string, unknown> }): Promise<PgliteDatabase>;
  };
}

const DEFAULT_CHUNK_PAGES = 1000;

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
