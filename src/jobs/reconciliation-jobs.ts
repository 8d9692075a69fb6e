import type { Logger } from '../logging';
import type { StatusRecheck } from '../services/reconciliation';
import type { JobRunner } from './job-runner';

export const STATUS_RECHECK_JOB = 'reverificar-estatus';
const GLOBAL_KEY = 'global';

export interface ReconciliationJobOptions {
  /** Days between two re-checks (RECONCILIATION_RECHECK_DAYS, more than 0 when this is registered). */
  readonly everyDays: number;
}

/**
 * The periodic re-check of statuses: one job for the whole database, which runs the re-check and
 * says when to run again. A failed run is retried by the runner; each run's registrations are
 * idempotent within the day (see StatusRecheck).
 */
export function registerReconciliationJobs(
  runner: JobRunner,
  recheck: StatusRecheck,
  logger: Logger,
  options: ReconciliationJobOptions,
): void {
  runner.define(
    STATUS_RECHECK_JOB,
    async () => {
      const result = await recheck.run(new Date());
      logger.info('status re-check registered metadata solicitudes', {
        months: result.registered,
        skipped: result.skipped.map((item) => ({
          rfc: item.month.rfc,
          month: item.month.month,
          code: item.code,
        })),
      });
      return new Date(Date.now() + options.everyDays * 86_400_000);
    },
    { concurrency: 1 },
  );
}

/**
 * Starts the re-check once per database, whichever worker gets it: the first run one interval after
 * it is turned on (statuses only change with time; the XML just downloaded came with fresh metadata),
 * then every `everyDays`. An existing job keeps its schedule, so restarts do not move it.
 */
export async function scheduleReconciliationJobs(runner: JobRunner, everyDays: number): Promise<void> {
  await runner.enqueueIfAbsent(STATUS_RECHECK_JOB, GLOBAL_KEY, new Date(Date.now() + everyDays * 86_400_000));
}
