import { Agenda, type Job } from 'agenda';
import {
  PostgresBackend,
  getCreateIndexesSQL,
  getCreateTableSQL,
  getUpdateTimestampTriggerSQL,
} from '@agendajs/postgres-backend';
import type { Pool } from 'pg';
import { AppError } from '../errors';
import { type Logger, withLogContext } from '../logging';
import type { JobQueue } from '../services/ports/job-queue';

/** The payload of every job: the id of the entity whose next step the job runs. */
export interface JobData {
  readonly key: string;
}

/**
 * Runs one step for the entity `key`. Returning a date asks for this same job to run again then (polling);
 * the date is saved with the run itself, so nothing else can overwrite or lose it.
 */
export type JobHandler = (key: string) => Promise<Date | void>;

export interface JobDefinitionOptions {
  /** Runs of this job at once in this process. */
  readonly concurrency?: number;
  /** Retries of a transient failure before the run is given up (the sweeper may enqueue it again). */
  readonly maxRetries?: number;
}

export interface JobRunnerOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  /** Identifies this process in the jobs table (`last_modified_by`). */
  readonly name: string;
  readonly maxConcurrency: number;
  /** Polling interval; LISTEN/NOTIFY wakes workers sooner when a job is saved. */
  readonly processEveryMs?: number;
  /** First retry delay of a transient failure; doubles each attempt, with jitter. */
  readonly retryDelayMs?: number;
  /**
   * A run whose lock is not renewed for this long is presumed dead (its process crashed) and another
   * worker takes it over. Live runs renew their lock every third of it, however long they take.
   */
  readonly lockLifetimeMs?: number;
  /** Told how each run ended (`ok`, `retry` for a transient failure, `failed`), e.g. for metrics. */
  readonly onRun?: (job: string, result: 'ok' | 'retry' | 'failed') => void;
}

const DEFAULT_LOCK_LIFETIME_MS = 2 * 60_000;
/** How long after its run time a re-scheduled or enqueued job is announced again (see the constructor). */
const NUDGE_AFTER_MS = 25;
const JOBS_TABLE = 'agenda_jobs';

/**
 * Creates Agenda's jobs table once, under an advisory lock. Left to each Agenda instance, two workers
 * starting together race on CREATE TABLE and the loser never becomes ready; serialised here, they don't.
 */
export async function ensureJobSchema(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('descarga-masiva:agenda-schema'))");
    await client.query(getCreateTableSQL(JOBS_TABLE));
    for (const statement of getCreateIndexesSQL(JOBS_TABLE)) await client.query(statement);
    await client.query(getUpdateTimestampTriggerSQL(JOBS_TABLE));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Agenda on the Postgres backend, reduced to what the pipeline needs: named steps keyed by an entity
 * id, unique per (name, key), retried with exponential backoff only when the error says a retry may help.
 * The state of every solicitud lives in our tables; a job is only the reminder to look at it.
 * Call `ensureJobSchema` once before creating runners.
 */
export class JobRunner implements JobQueue {
  private readonly agenda: Agenda;
  private readonly logger: Logger;
  private readonly retryDelayMs: number;
  private readonly lockLifetimeMs: number;
  private readonly onRun: JobRunnerOptions['onRun'];
  private started = false;
  /** Second announcements waiting for their job's run time (see the 'complete' listener). */
  private readonly nudges = new Set<NodeJS.Timeout>();
  private readonly channel: PostgresBackend['notificationChannel'];
  private readonly processEveryMs: number;
  private readonly runnerName: string;

  constructor(options: JobRunnerOptions) {
    this.logger = options.logger;
    this.retryDelayMs = options.retryDelayMs ?? 5_000;
    this.lockLifetimeMs = options.lockLifetimeMs ?? DEFAULT_LOCK_LIFETIME_MS;
    this.onRun = options.onRun;
    const backend = new PostgresBackend({ pool: options.pool, tableName: JOBS_TABLE, ensureSchema: false });
    this.agenda = new Agenda({
      backend,
      name: options.name,
      maxConcurrency: options.maxConcurrency,
      processEvery: options.processEveryMs ?? 5_000,
      defaultLockLifetime: this.lockLifetimeMs,
      removeOnComplete: true,
    });
    this.agenda.on('error', (error: unknown) => this.logger.error('job system error', { error }));
    // A run that asks to run again (polling) or fails into a retry is saved by Agenda without the
    // notification a new job gets, so the next run waited for the next scan: up to processEvery late,
    // each time. Announcing it lets the workers lock it now and start it on time.
    //
    // Announced a second time just after its run time: a worker that locked the job keeps it in a local
    // queue behind a timer set once per job, and a timer that fires a millisecond before nextRunAt (as
    // timers may, against Date.now()) finds it not due and sets no other. The job then waited for the
    // next scan. The second announcement makes the worker look at its queue again; if the job already
    // ran, it finds nothing to do. A job enqueued for a time within one scan meets the same timer, so it
    // is announced again the same way (Agenda announces it once when it is saved).
    this.channel = backend.notificationChannel;
    this.processEveryMs = options.processEveryMs ?? 5_000;
    this.runnerName = options.name;
    this.agenda.on('complete', (job: Job, remote?: boolean) => {
      // Other workers' runs are echoed here too (state notifications): each announces its own.
      if (remote === true || !job.attrs) return;
      this.announce(job, true);
    });
    // Neither Agenda nor pg listen for these: a Postgres restart (or a dropped connection) would emit an
    // 'error' nobody handles and crash the process. The channel reconnects by itself; the pool replaces
    // the broken idle client on next use.
    backend.notificationChannel?.on('error', (error: unknown) =>
      this.logger.warn('job notification channel lost its connection', { error }),
    );
    if (options.pool.listenerCount('error') === 0) {
      options.pool.on('error', (error: unknown) =>
        this.logger.warn('idle job database connection failed', { error }),
      );
    }
  }

  /** Announces the job's next run now (if `now`) and again just after its time, when within one scan. */
  private announce(job: Job, now: boolean): void {
    const channel = this.channel;
    const { _id: jobId, name: jobName, nextRunAt, priority } = job.attrs;
    // A runner that does not run jobs (an API-only process) never connects its channel.
    if (!channel || channel.state !== 'connected' || !nextRunAt || jobId === undefined) return;
    const publish = (): void => {
      if (channel.state !== 'connected') return;
      channel
        .publish({ jobId, jobName, nextRunAt, priority, timestamp: new Date(), source: this.runnerName })
        .catch((error: unknown) => this.logger.warn('could not announce a re-scheduled job', { error }));
    };
    if (now) publish();
    const wait = nextRunAt.getTime() - Date.now();
    if (wait < this.processEveryMs) this.nudge(publish, Math.max(0, wait) + NUDGE_AFTER_MS);
  }

  private nudge(announce: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.nudges.delete(timer);
      announce();
    }, delayMs);
    timer.unref();
    this.nudges.add(timer);
  }

  define(name: string, handler: JobHandler, options: JobDefinitionOptions = {}): void {
    const maxRetries = options.maxRetries ?? 8;
    const baseDelay = this.retryDelayMs;
    this.agenda.define<JobData>(name, (job: Job<JobData>) => this.run(name, job, handler), {
      concurrency: options.concurrency ?? 5,
      lockLifetime: this.lockLifetimeMs,
      backoff: ({ attempt, error }) => {
        if (attempt > maxRetries || !isRetryable(error)) return null;
        const delay = baseDelay * 2 ** (attempt - 1);
        return Math.round(delay / 2 + (Math.random() * delay) / 2);
      },
    });
  }

  private async run(name: string, job: Job<JobData>, handler: JobHandler): Promise<void> {
    const key = job.attrs.data?.key;
    const jobId = String(job.attrs._id ?? '');
    await withLogContext({ jobId, job: name, key }, async () => {
      if (typeof key !== 'string' || key.length === 0) {
        this.logger.error('job without a key discarded');
        return;
      }
      const started = Date.now();
      const heartbeat = setInterval(() => {
        job.touch().catch((error: unknown) => this.logger.warn('could not renew job lock', { error }));
      }, this.lockLifetimeMs / 3);
      heartbeat.unref();
      try {
        const runAgainAt = await handler(key);
        if (runAgainAt instanceof Date) job.schedule(runAgainAt);
        this.logger.debug('job done', { ms: Date.now() - started, runAgainAt: runAgainAt?.toISOString() });
        this.onRun?.(name, 'ok');
      } catch (error) {
        this.logger.warn('job failed', {
          ms: Date.now() - started,
          code: error instanceof AppError ? error.code : undefined,
          retryable: isRetryable(error),
          error,
        });
        this.onRun?.(name, isRetryable(error) ? 'retry' : 'failed');
        throw error;
      } finally {
        clearInterval(heartbeat);
      }
    });
  }

  async enqueue(name: string, key: string, runAt: Date = new Date()): Promise<void> {
    await this.save(name, key, runAt, false);
  }

  /**
   * Like `enqueue`, but leaves an existing job of that name and key untouched: for the sweeper, which
   * must never disturb a run in progress (a running job saves its own schedule when it ends).
   */
  async enqueueIfAbsent(name: string, key: string, runAt: Date = new Date()): Promise<void> {
    await this.save(name, key, runAt, true);
  }

  private async save(name: string, key: string, runAt: Date, insertOnly: boolean): Promise<void> {
    const job = this.agenda.create<JobData>(name, { key });
    job.unique({ 'data.key': key }, { insertOnly });
    job.schedule(runAt);
    await job.save();
    if (runAt.getTime() > Date.now()) this.announce(job, false);
  }

  /** Pending or running jobs, by name: the queue depth behind `/metrics`. */
  async countPending(name?: string): Promise<number> {
    const jobs = await this.agenda.queryJobs(name ? { name } : {});
    return jobs.total;
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.agenda.start();
    this.started = true;
  }

  /**
   * Graceful stop: waits up to `timeoutMs` for running jobs, then releases their locks so another worker
   * takes them over; each step is idempotent, so a run cut short is simply run again.
   */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (!this.started) {
      await this.agenda.stop();
      return;
    }
    this.started = false;
    for (const timer of this.nudges) clearTimeout(timer);
    this.nudges.clear();
    await this.agenda.drain(timeoutMs);
    // stop() also closes the notification listener; after a drain that timed out it unlocks the runs left.
    await this.agenda.stop();
  }
}

/** Only errors that say so are retried: a permanent error would fail the same way every time. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof AppError) return error.transient;
  // Anything else (a dropped connection inside a driver, say) is presumed transient.
  return true;
}
