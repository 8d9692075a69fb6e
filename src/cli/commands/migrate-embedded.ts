import type { Command } from 'commander';
import { Pool } from 'pg';
import { loadConfig, readEnvironment } from '../../config';
import {
  holdsLegacyPglite,
  legacyPgliteDir,
  migrateLikeLegacy,
  openDatabase,
  openLegacyPglite,
  retireLegacyPglite,
  runMigrations,
  type PgliteImportSummary,
} from '../../db';
import { ConfigError, dbErrors } from '../../errors';
import { ensureJobSchema } from '../../jobs';

/**
 * `migrate-embedded`: copies the PGlite database of releases before 0.2 (DATA_DIR/pgdata) into the
 * embedded PostgreSQL, then moves the PGlite directory aside so the service starts on the copy. The
 * object store and master key already live in DATA_DIR and stay as they are.
 */
export function registerMigrateEmbeddedCommand(program: Command): void {
  program
    .command('migrate-embedded')
    .description("Copy an earlier release's PGlite database (DATA_DIR/pgdata) into the embedded PostgreSQL")
    .action(async () => {
      const config = loadConfig(readEnvironment());
      if (config.database.url !== undefined) throw new ConfigError(dbErrors.migrateEmbeddedWithUrl);
      if (!holdsLegacyPglite(config.dataDir)) {
        console.log(`Nothing to migrate: ${legacyPgliteDir(config.dataDir)} holds no PGlite database.`);
        return;
      }
      // First, before the server starts: a missing PGlite package or a running 0.1 service stops here.
      const source = await openLegacyPglite(config.dataDir);
      let summary: PgliteImportSummary;
      const later: string[] = [];
      try {
        const database = await openDatabase({
          dataDir: config.dataDir,
          createSystemUser: config.database.createSystemUser,
          ignoreLegacyData: true,
          poolSize: 2,
          migrate: false,
          applicationName: 'descarga-masiva-cli',
        });
        try {
          await migrateLikeLegacy(database.dataSource, source.migrations, config.dataDir);
          // Agenda's table is not a migration; the app creates it at start, the copy needs it now.
          const jobsPool = new Pool({ connectionString: database.url, max: 1 });
          try {
            await ensureJobSchema(jobsPool);
          } finally {
            await jobsPool.end();
          }
          summary = await source.importInto(database.url, (table, rows) =>
            console.error(`copied ${table} (${rows} rows)`),
          );
          later.push(...(await runMigrations(database.dataSource)));
        } finally {
          await database.close();
        }
      } finally {
        await source.close();
      }
      const movedTo = await retireLegacyPglite(config.dataDir);
      printSummary(summary, later, movedTo);
    });
}

function printSummary(summary: PgliteImportSummary, later: readonly string[], movedTo: string): void {
  console.log('PGlite database copied into the embedded PostgreSQL. Rows per table:');
  const width = Math.max(...summary.tables.map(({ table }) => table.length), 5);
  for (const { table, rows } of summary.tables) console.log(`  ${table.padEnd(width)}  ${rows}`);
  const total = summary.tables.reduce((sum, { rows }) => sum + rows, 0);
  console.log(`  ${'total'.padEnd(width)}  ${total}`);
  console.log(`${summary.sequences} sequence(s) set to their PGlite values.`);
  if (summary.skippedTables.length > 0) {
    console.log(`Not copied, no longer in the schema: tables ${summary.skippedTables.join(', ')}.`);
  }
  for (const { table, columns } of summary.skippedColumns) {
    console.log(`Not copied, no longer in the schema: ${table}.${columns.join(`, ${table}.`)}.`);
  }
  for (const name of later) console.log(`applied ${name} over the copied data`);
  console.log(
    `The PGlite files are now in ${movedTo}; delete them once you are satisfied with the migration.`,
  );
}
