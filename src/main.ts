import 'reflect-metadata';
import { startApplication, type RunningApplication } from './app';
import { loadConfig, readEnvironment, type AppConfig } from './config';
import { AppError, ConfigError } from './errors';
import { createLogger } from './logging';

/** Exit codes: 2 for bad configuration or environment (nothing left running), 1 for any other start-up failure. */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`descarga-masiva: ${error.code} ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, defaultMeta: { service: 'descarga-masiva' } });
  let application: RunningApplication;
  try {
    application = await startApplication(config, logger);
  } catch (error) {
    logger.error('start-up failed', { error, code: error instanceof AppError ? error.code : undefined });
    // What the operator must change (run as root without a postgres user, data of an earlier
    // release): one readable line besides the JSON log, and the configuration exit code.
    if (error instanceof ConfigError) {
      console.error(`descarga-masiva: ${error.code} ${error.message}`);
      process.exit(2);
    }
    process.exit(1);
  }
  const shutdown = (signal: string): void => {
    logger.info('shutting down', { signal });
    application.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (require.main === module) {
  void main();
}
