import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations';
import { ConfigError, dbErrors } from '../../errors';
import { legacyPgliteDir } from './paths';

/** The target's own record of its schema; the source's is only compared with it. */
export const MIGRATIONS_TABLE = 'typeorm_migrations';

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

export function migrationName(Migration: (typeof migrations)[number]): string {
  return new Migration().name ?? Migration.name;
}

export function refuseUnknownMigrations(
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
