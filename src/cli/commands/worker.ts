import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config';
import { createLogger } from '../../logging';
import { startApplication } from '../../app';

/** `worker`: runs only the Agenda workers against the configured database, for scaling out. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run only the download workers (several may run against one database; no job runs twice)')
    .action(async () => {
      const config = loadConfig(readEnvironment());
      const logger = createLogger({
        level: config.logLevel,
        defaultMeta: { service: 'descarga-masiva-worker' },
      });
      const worker = await startApplication(config, logger, { serveHttp: false, announce: () => undefined });
      console.log('Worker running; stop it with Ctrl+C.');
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          void worker.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
