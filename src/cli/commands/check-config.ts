import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config';
import { redact } from '../../logging';

/** `check-config`: validates the environment as the service would and prints the result, secrets hidden. */
export function registerCheckConfigCommand(program: Command): void {
  program
    .command('check-config')
    .description('Validate the configuration (environment and .env) and print it with secrets hidden')
    .action(() => {
      const config = loadConfig(readEnvironment());
      console.log(JSON.stringify(redact(config), null, 2));
    });
}
