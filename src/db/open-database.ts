import type { DataSource } from 'typeorm';
import { ConfigError, dbErrors } from '../errors';
import { createDataSource, runMigrations } from './data-source';
import {
  embeddedClusterDir,
  holdsLegacyPglite,
  legacyPgliteDir,
  startEmbeddedDatabase,
  type EmbeddedDatabase,
} from './embedded';

export interface OpenDatabaseOptions {
  /** DATABASE_URL; without it the embedded server in `<dataDir>/pg` is used. */
  readonly url?: string;
  /** DATA_DIR: without a URL, the embedded PostgreSQL cluster lives in `<DATA_DIR>/pg`. */
  readonly dataDir: string;
  /** EMBEDDED_PG_CREATE_USER: as root with no `postgres` system user, create one. */
  readonly createSystemUser?: boolean;
  /**
   * Open the embedded server even though an earlier release's PGlite database waits to be migrated
   * (only `migrate-embedded`, which is what moves it).
   */
  readonly ignoreLegacyData?: boolean;
  readonly poolSize: number;
  /** Apply pending migrations before returning (the app at start, `descarga-masiva migrate`). */
  readonly migrate: boolean;
  readonly applicationName?: string;
  readonly logging?: boolean;
}

export interface OpenDatabase {
  readonly dataSource: DataSource;
  /** The URL in use (the embedded server's loopback URL in embedded mode); for Agenda's pool. */
  readonly url: string;
  /** Set in embedded mode. */
  readonly embedded: EmbeddedDatabase | undefined;
  /** Names of the migrations this call applied. */
  readonly appliedMigrations: readonly string[];
  /** Health probe: resolves when the database answers. */
  probe(): Promise<void>;
  /** Closes the pool, then the embedded server when this process started it. */
  close(): Promise<void>;
}

/**
 * The database as the app, workers and CLI use it: a real server when a URL is configured, otherwise
 * the embedded one (started, or shared when another local process already serves it); connected,
 * and migrated when asked.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenDatabase> {
  if (!options.url && !options.ignoreLegacyData && holdsLegacyPglite(options.dataDir)) {
    // Starting empty beside it would look like data loss; the operator chooses.
    throw new ConfigError(dbErrors.embeddedLegacyData, {
      params: { dataDir: legacyPgliteDir(options.dataDir) },
    });
  }
  const embedded = options.url
    ? undefined
    : await startEmbeddedDatabase({
        dataDir: embeddedClusterDir(options.dataDir),
        createSystemUser: options.createSystemUser ?? false,
      });
  const url = options.url ?? (embedded as EmbeddedDatabase).url;
  const dataSource = createDataSource({
    url,
    poolSize: options.poolSize,
    ...(options.applicationName ? { applicationName: options.applicationName } : {}),
    ...(options.logging !== undefined ? { logging: options.logging } : {}),
  });
  try {
    await dataSource.initialize();
    const appliedMigrations = options.migrate ? await runMigrations(dataSource) : [];
    let closing: Promise<void> | undefined;
    return {
      dataSource,
      url,
      embedded,
      appliedMigrations,
      probe: async () => {
        await dataSource.query('SELECT 1');
      },
      close: () => {
        closing ??= (async () => {
          if (dataSource.isInitialized) await dataSource.destroy();
          await embedded?.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    await embedded?.close();
    throw error;
  }
}
