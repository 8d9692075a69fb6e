import { loadConfig, readEnvironment, type AppConfig } from '../../config';
import { openDatabase, type OpenDatabase } from '../../db';

/** The configuration and database every data command works on, closed by `withDatabase` afterwards. */
export async function withDatabase<T>(
  options: { migrate: boolean },
  work: (database: OpenDatabase, config: AppConfig) => Promise<T>,
): Promise<T> {
  const config = loadConfig(readEnvironment());
  const database = await openDatabase({
    url: config.database.url,
    dataDir: config.dataDir,
    createSystemUser: config.database.createSystemUser,
    poolSize: 2,
    migrate: options.migrate,
    applicationName: 'descarga-masiva-cli',
  });
  try {
    return await work(database, config);
  } finally {
    await database.close();
  }
}
