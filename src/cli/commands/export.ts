import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { TenantService } from '../../services/accounts';
import { PackageExporter, parseSince, type ExportSummary } from '../../services/export';
import { formatBytes } from '../byte-size';
import { CliExit } from '../cli-exit';
import { ExportProgress } from '../export-progress';
import { withDatabase } from './database';
import { openObjectStoreForReading } from './object-store';

interface ExportOptions {
  tenant: string;
  rfc?: string;
  since?: Date;
  dest: string;
  extract: boolean;
}

function sinceOption(value: string): Date {
  try {
    return parseSince(value);
  } catch {
    throw new InvalidArgumentError(
      'use a day (2024-05-01) or a date-time (2024-05-01T08:00:00), Mexico City time',
    );
  }
}

/** The summary goes to standard output (progress and problems went to standard error). */
function printSummary(summary: ExportSummary, destination: string, extract: boolean): void {
  const lines = [
    `Export to ${destination} finished in ${(summary.durationMs / 1000).toFixed(1)} s.`,
    `  packages:        ${summary.packages}`,
    `  copied:          ${summary.copied}`,
    `  skipped:         ${summary.skipped} (already present, SHA-256 verified)`,
    `  replaced:        ${summary.replaced} (a different file was in the destination)`,
    `  failed:          ${summary.failed}`,
    `  bytes copied:    ${summary.bytesCopied} (${formatBytes(summary.bytesCopied)})`,
    `  partial copies discarded: ${summary.partialsDiscarded}`,
  ];
  if (extract)
    lines.push(
      `  xml extracted:   ${summary.documentsExtracted}`,
      `  xml unreadable:  ${summary.documentsUnreadable} (kept only in their ZIP)`,
    );
  console.log(lines.join('\n'));
  for (const failure of summary.failures)
    console.error(`descarga-masiva: failed ${failure.idPaquete}: ${failure.reason}`);
}

/**
 * `export --tenant T --dest DIR`: every stored package of a tenant copied to a local folder, checked
 * against its recorded SHA-256; run it again to resume. Exit code 1 when any package failed.
 */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description(
      'Copy every stored package of a tenant to a local folder (<RFC>/<year>/<Contexto>-<Tipo>/<IdPaquete>.zip), verifying SHA-256; run again to resume',
    )
    .requiredOption('--tenant <slug>', 'tenant whose packages to export')
    .option('--rfc <rfc>', 'only the packages of this RFC')
    .option(
      '--since <date>',
      'only packages stored on or after this day or date-time, Mexico City time (2024-05-01 or 2024-05-01T08:00:00)',
      sinceOption,
    )
    .requiredOption('--dest <dir>', 'destination folder (created when missing)')
    .option('--extract', 'also write each XML document to <RFC>/xml/<year>/<month>/<UUID>.xml', false)
    .action(async (options: ExportOptions) => {
      const destination = path.resolve(options.dest);
      await withDatabase({ migrate: true }, async (database, config) => {
        const tenant = await new TenantService(database.dataSource).get(options.tenant);
        const exporter = new PackageExporter(database.dataSource, openObjectStoreForReading(config));
        const progress = new ExportProgress(process.stderr);
        let summary: ExportSummary;
        try {
          summary = await exporter.run(
            {
              tenantId: tenant.id,
              rfc: options.rfc,
              since: options.since,
              destination,
              extract: options.extract,
            },
            progress,
          );
        } finally {
          progress.close();
        }
        printSummary(summary, destination, options.extract);
        if (summary.failed > 0) throw new CliExit(1);
      });
    });
}
