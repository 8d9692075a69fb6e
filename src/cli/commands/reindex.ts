import type { Command } from 'commander';
import { TenantService } from '../../services/accounts';
import { PackageIndexer } from '../../services/pipeline';
import { ReindexService, type ReindexSummary } from '../../services/reindex';
import { CliExit } from '../cli-exit';
import { ReindexProgress } from '../reindex-progress';
import { withDatabase } from './database';
import { openObjectStoreForReading } from './object-store';

interface ReindexOptions {
  tenant?: string;
  rfc?: string;
}

/** The summary goes to standard output (progress and problems went to standard error). */
function printSummary(summary: ReindexSummary): void {
  console.log(
    [
      `Reindex of ${summary.scope} finished in ${(summary.durationMs / 1000).toFixed(1)} s.`,
      `  packages:        ${summary.packages}`,
      `  already done:    ${summary.alreadyDone} (by an interrupted run, not done again)`,
      `  reindexed:       ${summary.reindexed}`,
      `  failed:          ${summary.failed}`,
      `  documents:       ${summary.documentos}`,
    ].join('\n'),
  );
  for (const failure of summary.failures)
    console.error(`descarga-masiva: failed ${failure.idPaquete}: ${failure.reason}`);
  if (summary.failed > summary.failures.length)
    console.error(`descarga-masiva: and ${summary.failed - summary.failures.length} more package(s) failed`);
}

/**
 * `reindex [--tenant T] [--rfc R]`: the derived tables rebuilt from the stored packages with today's
 * indexer, without asking SAT again; run it again to resume. Exit code 1 when any package failed.
 */
export function registerReindexCommand(program: Command): void {
  program
    .command('reindex')
    .description(
      'Rebuild the CFDI index (headers, payments, metadata) from the stored packages with the current indexer, without asking SAT again; run again to resume',
    )
    .option('--tenant <slug>', 'only the packages of this tenant (default: every tenant)')
    .option('--rfc <rfc>', 'only the packages of this RFC')
    .action(async (options: ReindexOptions) => {
      // One connection holds the run's lock while another does the work.
      await withDatabase({ migrate: true, poolSize: 3 }, async (database, config) => {
        const tenant =
          options.tenant === undefined
            ? undefined
            : await new TenantService(database.dataSource).get(options.tenant);
        const indexer = new PackageIndexer(database.dataSource, openObjectStoreForReading(config));
        const progress = new ReindexProgress(process.stderr);
        let summary: ReindexSummary;
        try {
          summary = await new ReindexService(database.dataSource, indexer).run(
            { tenantId: tenant?.id, tenant: tenant?.slug, rfc: options.rfc },
            progress,
          );
        } finally {
          progress.close();
        }
        printSummary(summary);
        if (summary.failed > 0) throw new CliExit(1);
      });
    });
}
