import type { Command } from 'commander';
import { registerCheckConfigCommand } from './check-config';
import { registerExportCommand } from './export';
import { registerFielCommand } from './fiel';
import { registerMigrateCommand } from './migrate';
import { registerMigrateEmbeddedCommand } from './migrate-embedded';
import { registerReindexCommand } from './reindex';
import { registerRotateMasterKeyCommand } from './rotate-master-key';
import { registerSatSimulatorCommand } from './sat-simulator';
import { registerTenantCommand } from './tenant';
import { registerUserCommand } from './user';
import { registerWebhookCommand } from './webhook';
import { registerWebUserCommand } from './web-user';
import { registerWorkerCommand } from './worker';

/** Every operator command, in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  registerCheckConfigCommand(program);
  registerMigrateCommand(program);
  registerMigrateEmbeddedCommand(program);
  registerRotateMasterKeyCommand(program);
  registerTenantCommand(program);
  registerUserCommand(program);
  registerWebUserCommand(program);
  registerFielCommand(program);
  registerWebhookCommand(program);
  registerExportCommand(program);
  registerReindexCommand(program);
  registerSatSimulatorCommand(program);
  registerWorkerCommand(program);
}
