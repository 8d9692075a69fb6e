import { Pool } from 'pg';
import type { AppConfig } from '../config';
import {
  JobRunner,
  ensureJobSchema,
  registerListCountJobs,
  registerNotificationJobs,
  registerPipelineJobs,
  registerReconciliationJobs,
  registerSatMaintenanceJobs,
  scheduleListCountJobs,
  scheduleNotificationJobs,
  scheduleReconciliationJobs,
  scheduleSatMaintenance,
  scheduleSweeper,
} from '../jobs';
import type { Logger } from '../logging';
import { registerQueueDepthGauge, type Metrics } from '../metrics';
import {
  FielExpiryNotices,
  HttpWebhookPoster,
  WebhookDispatcher,
  type WebhookNotifier,
} from '../services/notifications';
import { PackageIndexer, RfcCallSlots, SatClientGateway, SolicitudPipeline } from '../services/pipeline';
import { StatusRecheck } from '../services/reconciliation';
import type { FielVault } from '../services/secrets';
import { ListCountUpkeep, type RegistrationService } from '../services/solicitudes';
import type { Infrastructure } from './infrastructure';
import type { ShutdownOrder } from './lifecycle';
import type { SatConnection } from './sat';

/** Registration enqueues through Agenda whether or not this process runs workers: the pool is always open. */
export async function openJobPool(
  config: AppConfig,
  logger: Logger,
  databaseUrl: string,
  shutdown: ShutdownOrder,
): Promise<Pool> {
  const pool = new Pool({ connectionString: databaseUrl, max: config.workers.concurrency + 2 });
  // An idle connection dropped by the server (restart, failover) must not crash the process.
  pool.on('error', (error) => logger.warn('job database connection lost', { error: error.message }));
  shutdown.add(() => pool.end());
  await ensureJobSchema(pool);
  return pool;
}

/** The Agenda runner; it counts its runs in `metrics`, and /metrics reads its depth. */
export function createJobRunner(config: AppConfig, logger: Logger, pool: Pool, metrics: Metrics): JobRunner {
  const jobs = new JobRunner({
    pool,
    logger,
    name: `descarga-masiva-${process.pid}`,
    maxConcurrency: config.workers.concurrency,
    retryDelayMs: config.workers.retryDelaySeconds * 1000,
    lockLifetimeMs: config.workers.lockSeconds * 1000,
    onRun: (job, result) => metrics.jobRuns.inc({ job, result }),
  });
  registerQueueDepthGauge(metrics, () => jobs.countPending());
  return jobs;
}

/** What the workers use, built once by the caller and shared with the HTTP part where both need it. */
export interface WorkerParts {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly infrastructure: Infrastructure;
  readonly metrics: Metrics;
  readonly jobs: JobRunner;
  readonly sat: SatConnection;
  readonly registration: RegistrationService;
  readonly fielVault: FielVault;
  readonly webhookNotifier: WebhookNotifier;
}

/**
 * Defines every job on `jobs`; runs them only when workers are enabled or this process is a worker
 * (a process that does not run them still enqueues). Stopping the runner is a shutdown step either way.
 */
export async function startWorkers(
  parts: WorkerParts,
  shutdown: ShutdownOrder,
  options: { readonly workerOnly: boolean },
): Promise<void> {
  const { config, logger, jobs, sat, infrastructure, webhookNotifier } = parts;
  const { dataSource } = infrastructure.database;
  registerSatMaintenanceJobs(jobs, {
    trail: sat.trail,
    recorder: sat.recorder,
    expiryWatch: sat.expiryWatch,
    logger,
  });
  registerListCountJobs(jobs, new ListCountUpkeep(dataSource), logger);
  registerPipelineJobs(
    jobs,
    buildPipeline(parts),
    new PackageIndexer(dataSource, infrastructure.objectStore, { events: webhookNotifier }),
    dataSource,
    logger,
    { concurrency: config.workers.concurrency, sweepEverySeconds: 60 },
  );
  registerNotificationJobs(
    jobs,
    {
      dispatcher: new WebhookDispatcher(
        dataSource,
        infrastructure.box,
        new HttpWebhookPoster({ timeoutMs: config.notifications.timeoutMs }),
        logger,
        config.notifications,
      ),
      fielNotices: new FielExpiryNotices(dataSource, webhookNotifier, {
        noticeDays: config.notifications.fielExpiryNoticeDays,
      }),
      dataSource,
    },
    logger,
    { concurrency: config.workers.concurrency, sweepEverySeconds: 60, fielCheckEverySeconds: 3600 },
  );
  // Off by default: each run asks SAT for the metadata of up to a year of months again.
  const recheckDays = config.reconciliation.recheckDays;
  if (recheckDays > 0) {
    const recheck = new StatusRecheck(dataSource, parts.registration, {
      months: config.reconciliation.recheckMonths,
    });
    registerReconciliationJobs(jobs, recheck, logger, { everyDays: recheckDays });
  }
  if (config.workers.enabled || options.workerOnly) {
    await jobs.start();
    await scheduleSweeper(jobs);
    await scheduleNotificationJobs(jobs);
    await scheduleSatMaintenance(jobs);
    await scheduleListCountJobs(jobs);
    if (recheckDays > 0) await scheduleReconciliationJobs(jobs, recheckDays);
  }
  shutdown.add(() => jobs.stop());
}

function buildPipeline(parts: WorkerParts): SolicitudPipeline {
  const { config, infrastructure, metrics, sat, jobs } = parts;
  const { dataSource } = infrastructure.database;
  return new SolicitudPipeline(
    dataSource,
    new SatClientGateway({
      transport: sat.transport,
      baseUrl: infrastructure.satBaseUrl,
      tokenRenewMarginSeconds: config.sat.tokenRenewMarginSeconds,
      onAnswer: (operation, code) => metrics.satCalls.inc({ operation, code }),
    }),
    infrastructure.objectStore,
    parts.fielVault,
    jobs,
    {
      verifyInitialDelaySeconds: config.workers.verifyInitialDelaySeconds,
      verifyMaxDelaySeconds: config.workers.verifyMaxDelaySeconds,
      verifyHorizonHours: config.workers.verifyHorizonHours,
      sizingMaxWaitSeconds: config.workers.sizingMaxWaitSeconds,
      // A dead worker's slot is freed when its job is taken over, not minutes later.
      rfcSlots: new RfcCallSlots(dataSource, {
        slots: config.workers.rfcConcurrency,
        leaseSeconds: config.workers.lockSeconds,
      }),
      onPackageStored: (bytes) => metrics.bytesStored.inc(bytes),
      events: parts.webhookNotifier,
      scopeSatCalls: (target, work) => sat.trail.scoped(target, work),
      custody: sat.custody,
      caps: sat.caps,
    },
  );
}
