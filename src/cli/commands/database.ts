import { loadConfig, readEnvironment, type AppConfig } from '../../config';
import { openDatabase, type OpenDatabase } from '../../db';

/**
 * The configuration and database every data command works on, closed by `withDatabase` afterwards.
 * `poolSize` (2 by default) for a command that holds a connection of its own while it works.
 */
export async function withDatabase<T>(
  options: { migrate: boolean; poolSize?: number },
  work: (database: OpenDatabase, config: AppConfig) => Promise<T>,
): Promise<T> {
  const config = loadConfig(readEnvironment());
  const database = await openDatabase({
    url: config.database.url,
    dataDir: config.dataDir,
    createSystemUser: config.database.createSystemUser,
    poolSize: options.poolSize ?? 2,
    migrate: options.migrate,
    applicationName: 'descarga-masiva-cli',
  });
  try {
    return await work(database, config);
  } finally {
    await database.close();
  }
}
