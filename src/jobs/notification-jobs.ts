import type { DataSource } from 'typeorm';
import type { Logger } from '../logging';
import {
  DELIVER_JOB,
  type FielExpiryNotices,
  type WebhookDispatcher,
  findOverdueDeliveries,
} from '../services/notifications';
import type { JobRunner } from './job-runner';

export const WEBHOOK_SWEEP_JOB = 'barrer-webhooks';
export const FIEL_NOTICE_JOB = 'avisar-fiel';
const GLOBAL_KEY = 'global';

export interface NotificationJobOptions {
  readonly concurrency: number;
  /** How often the webhook sweeper looks for deliveries left without a job, and how late they must be. */
  readonly sweepEverySeconds: number;
  /** How often e.firma expiry is checked; each e.firma is still notified at most once a day. */
  readonly fielCheckEverySeconds: number;
}

/**
 * Webhooks on Agenda: one job per delivery (each run is one attempt; the dispatcher returns when to
 * try again and the runner saves that as the job's next run), a sweeper for deliveries whose job was
 * lost, and the periodic e.firma expiry check.
 */
export function registerNotificationJobs(
  runner: JobRunner,
  services: {
    readonly dispatcher: WebhookDispatcher;
    readonly fielNotices: FielExpiryNotices;
    readonly dataSource: DataSource;
  },
  logger: Logger,
  options: NotificationJobOptions,
): void {
  runner.define(DELIVER_JOB, (key) => services.dispatcher.deliver(key), {
    concurrency: options.concurrency,
  });
  runner.define(
    WEBHOOK_SWEEP_JOB,
    async () => {
      const overdue = await findOverdueDeliveries(services.dataSource, options.sweepEverySeconds);
      for (const id of overdue) await runner.enqueueIfAbsent(DELIVER_JOB, id);
      if (overdue.length > 0)
        logger.warn('overdue webhook deliveries re-scheduled', { count: overdue.length });
      return new Date(Date.now() + options.sweepEverySeconds * 1000);
    },
    { concurrency: 1 },
  );
  runner.define(
    FIEL_NOTICE_JOB,
    async () => {
      const sent = await services.fielNotices.check();
      if (sent > 0) logger.info('e.firma expiry notices enqueued', { deliveries: sent });
      return new Date(Date.now() + options.fielCheckEverySeconds * 1000);
    },
    { concurrency: 1 },
  );
}

/** Starts the webhook sweeper and the e.firma check once per database, whichever worker gets them. */
export async function scheduleNotificationJobs(runner: JobRunner): Promise<void> {
  await runner.enqueueIfAbsent(WEBHOOK_SWEEP_JOB, GLOBAL_KEY);
  await runner.enqueueIfAbsent(FIEL_NOTICE_JOB, GLOBAL_KEY);
}
