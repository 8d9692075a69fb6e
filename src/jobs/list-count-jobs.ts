import type { Logger } from '../logging';
import type { ListCountUpkeep } from '../services/solicitudes';
import type { JobRunner } from './job-runner';

/** Folds the deltas of the list's kept counts (solicitud_list_counts). */
export const LIST_COUNTS_JOB = 'compactar-conteos-solicitudes';
const GLOBAL_KEY = 'global';

export interface ListCountJobOptions {
  readonly everySeconds?: number;
}

/**
 * A single job per database (unique key) that re-schedules itself, so one worker folds whatever the
 * number of processes. Every minute by default: a list page sums the deltas written since the last
 * folding, so their number stays at about a minute of registrations and state changes.
 */
export function registerListCountJobs(
  runner: JobRunner,
  upkeep: ListCountUpkeep,
  logger: Logger,
  options: ListCountJobOptions = {},
): void {
  const every = (options.everySeconds ?? 60) * 1000;
  runner.define(
    LIST_COUNTS_JOB,
    async () => {
      const removed = await upkeep.fold();
      if (removed > 0) logger.debug('list counts folded', { removed });
      return new Date(Date.now() + every);
    },
    { concurrency: 1 },
  );
}

export async function scheduleListCountJobs(runner: JobRunner): Promise<void> {
  await runner.enqueueIfAbsent(LIST_COUNTS_JOB, GLOBAL_KEY);
}
