import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from './data-source';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './embedded-database';

export interface OpenDatabaseOptions {
  /** DATABASE_URL; without it the embedded database in `embeddedDataDir` is used. */
  readonly url?: string;
  /** Where PGlite keeps its files in embedded mode, e.g. `<DATA_DIR>/pgdata`. */
  readonly embeddedDataDir: string;
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
  const embedded = options.url
    ? undefined
    : await startEmbeddedDatabase({ dataDir: options.embeddedDataDir });
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
