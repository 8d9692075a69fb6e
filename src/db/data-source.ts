import { DataSource, type Migration } from 'typeorm';
import { migrations } from '../../migrations';
import { entities } from './entities';

export interface DataSourceSettings {
  /** postgres:// URL of a real server or of the embedded one. */
  readonly url: string;
  /** Most connections the pool opens. */
  readonly poolSize: number;
  /** Logs every SQL statement through TypeORM's console logger; for debugging only. */
  readonly logging?: boolean;
  /** Reported in pg_stat_activity, to tell the API from workers and the CLI. */
  readonly applicationName?: string;
}

/**
 * Builds (does not connect) the one DataSource shape used by the app, the workers, the CLI and tests.
 * The schema comes only from reviewed migrations: never synchronised from entities, never run
 * implicitly on connect (the caller decides when, with `runMigrations`).
 */
export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource({
    type: 'postgres',
    url: settings.url,
    poolSize: settings.poolSize,
    applicationName: settings.applicationName ?? 'descarga-masiva',
    entities: [...entities],
    migrations: [...migrations],
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // Extensions are created by migrations; TypeORM must not try (and fail) on its own at connect.
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    logging: settings.logging ?? false,
  });
}

/** Applies every pending migration, each in its own transaction; returns the names applied. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied: Migration[] = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}

/** Reverts the most recent migration (the CLI's escape hatch and the down-migration tests). */
export async function revertLastMigration(dataSource: DataSource): Promise<void> {
  await dataSource.undoLastMigration({ transaction: 'each' });
}

/** Whether some migration known to the code has not been applied yet (health check, CLI). */
export async function hasPendingMigrations(dataSource: DataSource): Promise<boolean> {
  return dataSource.showMigrations();
}
