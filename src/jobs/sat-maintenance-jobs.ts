import type { Logger } from '../logging';
import type { ExpiryWatch } from '../services/custody';
import { SAT_CALL_STATS_KEEP_HOURS, type SatCallRecorder } from '../services/sat-health';
import type { SatTrail } from '../services/sat-trail';
import type { JobRunner } from './job-runner';

/** Purges SAT trail entries past their retention and SAT health figures past their use. */
export const SAT_PURGE_JOB = 'purgar-rastro-sat';
/** Looks for packages near SAT's 72-hour expiry that are not stored yet. */
export const CUSTODY_JOB = 'custodia-paquetes';
const GLOBAL_KEY = 'global';

export interface SatMaintenanceServices {
  readonly trail: SatTrail;
  readonly recorder: SatCallRecorder;
  readonly expiryWatch: ExpiryWatch;
  readonly logger: Logger;
}

export interface SatMaintenanceOptions {
  readonly purgeEverySeconds?: number;
  readonly custodyEverySeconds?: number;
}

/**
 * Periodic upkeep of issue 8's records, each a single job per database (unique key) that re-schedules
 * itself, so one worker runs it whatever the number of processes.
 */
export function registerSatMaintenanceJobs(
  runner: JobRunner,
  services: SatMaintenanceServices,
  options: SatMaintenanceOptions = {},
): void {
  const purgeEvery = (options.purgeEverySeconds ?? 3_600) * 1000;
  const custodyEvery = (options.custodyEverySeconds ?? 300) * 1000;
  runner.define(
    SAT_PURGE_JOB,
    async () => {
      const exchanges = await services.trail.purgeExpired();
      const minutes = await services.recorder.purgeOlderThan(SAT_CALL_STATS_KEEP_HOURS);
      if (exchanges > 0 || minutes > 0)
        services.logger.info('SAT trail and figures purged', { exchanges, minutes });
      return new Date(Date.now() + purgeEvery);
    },
    { concurrency: 1 },
  );
  runner.define(
    CUSTODY_JOB,
    async () => {
      await services.expiryWatch.check();
      return new Date(Date.now() + custodyEvery);
    },
    { concurrency: 1 },
  );
}

/** Starts both loops once per database, whichever worker gets them. */
export async function scheduleSatMaintenance(runner: JobRunner): Promise<void> {
  await runner.enqueueIfAbsent(SAT_PURGE_JOB, GLOBAL_KEY);
  await runner.enqueueIfAbsent(CUSTODY_JOB, GLOBAL_KEY);
}
