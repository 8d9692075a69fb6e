import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { AppError, ConfigError } from '../errors';
import { CliExit } from './cli-exit';
import { registerCommands } from './commands';

export { CliExit } from './cli-exit';

export function buildProgram(): Command {
  const program = new Command('descarga-masiva')
    .description('Bulk download of CFDI and metadata from SAT (Descarga Masiva): service and operator tools')
    .exitOverride()
    .showHelpAfterError();
  registerCommands(program);
  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 success, 2 bad configuration or usage, 1 any other failure.
 * Errors print as one line with their stable code; never a stack trace or a secret.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof CliExit) return error.exitCode;
    if (error instanceof ConfigError) {
      console.error(`descarga-masiva: ${error.code} ${error.message}`);
      return 2;
    }
    if (error instanceof AppError) {
      console.error(`descarga-masiva: ${error.code} ${error.messageEs} / ${error.messageEn}`);
      return 1;
    }
    console.error(`descarga-masiva: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** Entry point of `bin/descarga-masiva.js`. */
export function main(): void {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = 1;
    },
  );
}

if (require.main === module) main();
