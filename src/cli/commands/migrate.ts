import type { Command } from 'commander';
import { withDatabase } from './database';

/** `migrate`: applies pending migrations (the service also does it at start). */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations')
    .action(async () => {
      await withDatabase({ migrate: true }, async (database) => {
        if (database.appliedMigrations.length === 0) {
          console.log('Database is up to date; no migration applied.');
          return;
        }
        for (const name of database.appliedMigrations) console.log(`applied ${name}`);
        console.log(`${database.appliedMigrations.length} migration(s) applied.`);
      });
    });
}
