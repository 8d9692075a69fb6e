import { PassThrough } from 'node:stream';
import { Pool } from 'pg';
import { InternalError, ValidationError, generalErrors } from '../../../src/errors';
import { JobRunner, ensureJobSchema } from '../../../src/jobs/job-runner';
import { createLogger, currentLogContext } from '../../../src/logging';
import { createEmptyDatabase, type EmptyDatabase } from '../../helpers/empty-database';
import { eventually } from '../../helpers/eventually';

const quietLogger = createLogger({ stream: new PassThrough() });

/** How long the jobs here may take to show, and how often to look. */
const POLL = { timeoutMs: 20_000, intervalMs: 50 };

describe('JobRunner on Postgres', () => {
  let database: EmptyDatabase;
  let pool: Pool;
  const runners: JobRunner[] = [];

  const pools: Pool[] = [];

  /** Each runner gets its own pool, as a separate worker process would. */
  function runner(name: string, processEveryMs = 200): JobRunner {
    const ownPool = new Pool({ connectionString: database.url, max: 5 });
    pools.push(ownPool);
    const created = new JobRunner({
      pool: ownPool,
      logger: quietLogger,
      name,
      maxConcurrency: 10,
      processEveryMs,
      retryDelayMs: 50,
    });
    runners.push(created);
    return created;
  }

  beforeAll(async () => {
    database = await createEmptyDatabase('dm_jobs');
    pool = new Pool({ connectionString: database.url, max: 10 });
    pool.on('error', () => undefined); // its idle clients are killed on purpose below
    // Twice at once, as two workers starting together would.
    await Promise.all([ensureJobSchema(pool), ensureJobSchema(pool)]);
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop(1000)));
    await Promise.all(pools.splice(0).map((p) => p.end()));
    await pool.query('DELETE FROM agenda_jobs').catch(() => undefined);
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('runs an enqueued step once, with the job id in the log context', async () => {
    const seen: { key: string; jobId: string | undefined }[] = [];
    const jobs = runner('w1');
    jobs.define('probe', async (key) => {
      seen.push({ key, jobId: currentLogContext().jobId });
    });
    await jobs.enqueue('probe', 'a');
    await jobs.enqueue('probe', 'a');
    await jobs.start();
    await eventually(() => seen.length >= 1, POLL);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(seen).toHaveLength(1);
    expect(seen[0]?.key).toBe('a');
    expect(seen[0]?.jobId).toMatch(/\S+/);
  });

  it('retries transient failures and gives up at once on permanent ones', async () => {
    const attempts: Record<string, number> = { flaky: 0, broken: 0 };
    const jobs = runner('w1');
    jobs.define('step', async (key) => {
      attempts[key] = (attempts[key] ?? 0) + 1;
      if (key === 'flaky' && (attempts.flaky ?? 0) < 3) throw new InternalError(generalErrors.internal);
      if (key === 'broken')
        throw new ValidationError(generalErrors.fieldRequired, { params: { field: 'Rfc' } });
    });
    await jobs.enqueue('step', 'flaky');
    await jobs.enqueue('step', 'broken');
    await jobs.start();
    await eventually(() => (attempts.flaky ?? 0) >= 3, POLL);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(attempts).toEqual({ flaky: 3, broken: 1 });
  });

  it('runs a step again when it asks to (polling)', async () => {
    let runs = 0;
    const jobs = runner('w1');
    jobs.define('poll', async () => {
      runs += 1;
      return runs < 3 ? new Date(Date.now() + 100) : undefined;
    });
    await jobs.enqueue('poll', 'x');
    await jobs.start();
    await eventually(() => runs >= 3, POLL);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(runs).toBe(3);
    const { rows } = await pool.query<{ count: string }>('SELECT count(*) FROM agenda_jobs');
    expect(Number(rows[0]?.count)).toBe(0);
  });

  it('runs a step that asks to run again without waiting for the next scan', async () => {
    // A scan ten minutes away: each run again must be announced to be run at all within the test.
    const jobs = runner('w1', 600_000);
    let runs = 0;
    let failures = 0;
    jobs.define('poll', async () => {
      runs += 1;
      if (runs === 2 && failures === 0) {
        failures += 1;
        // A transient failure: its retry is scheduled the same way and must not wait either.
        throw new InternalError(generalErrors.internal);
      }
      return runs < 4 ? new Date(Date.now() + 100) : undefined;
    });
    await jobs.start();
    await jobs.enqueue('poll', 'x');
    await eventually(() => runs >= 4, POLL);
    expect(failures).toBe(1);
  });

  /**
   * Agenda sets one timer per locked job; if it fires before nextRunAt by Date.now(), as timers may,
   * Agenda sets no other. Within `action`, every timer of 10 ms or more fires 5 ms early.
   */
  async function withEarlyTimers(action: () => Promise<void>): Promise<void> {
    const realSetTimeout = global.setTimeout;
    global.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) =>
      realSetTimeout(
        () => callback(...args),
        ms !== undefined && ms >= 10 ? ms - 5 : ms,
      )) as typeof setTimeout;
    try {
      await action();
    } finally {
      global.setTimeout = realSetTimeout;
    }
  }

  it('runs a re-scheduled step even when the timer for it fires a little early', async () => {
    await withEarlyTimers(async () => {
      const jobs = runner('w1', 600_000);
      let runs = 0;
      jobs.define('poll', async () => {
        runs += 1;
        return runs < 4 ? new Date(Date.now() + 200) : undefined;
      });
      await jobs.start();
      await jobs.enqueue('poll', 'x');
      await eventually(() => runs >= 4, POLL);
      expect(runs).toBe(4);
    });
  });

  it('runs a step enqueued for a moment later on time, even when the timer for it fires a little early', async () => {
    await withEarlyTimers(async () => {
      const jobs = runner('w1', 600_000);
      const ranAt: number[] = [];
      jobs.define('later', async () => {
        ranAt.push(Date.now());
      });
      await jobs.start();
      const runAt = Date.now() + 300;
      await jobs.enqueue('later', 'x', new Date(runAt));
      await eventually(() => ranAt.length >= 1, POLL);
      expect(ranAt[0]).toBeGreaterThanOrEqual(runAt);
    });
  });

  it('never runs the same job twice across two workers on one database', async () => {
    const runsByKey = new Map<string, number>();
    const keys = Array.from({ length: 40 }, (_, index) => `k${index}`);
    for (const name of ['w1', 'w2']) {
      runner(name).define('work', async (key) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        runsByKey.set(key, (runsByKey.get(key) ?? 0) + 1);
      });
    }
    const [first, second] = runners as [JobRunner, JobRunner];
    for (const key of keys) await first.enqueue('work', key);
    await Promise.all([first.start(), second.start()]);
    await eventually(() => runsByKey.size === keys.length, POLL);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect([...runsByKey.values()].every((count) => count === 1)).toBe(true);
    expect(runsByKey.size).toBe(keys.length);
  });

  it('survives its database connections being killed, and keeps working', async () => {
    const seen: string[] = [];
    const jobs = runner('w1');
    jobs.define('probe', async (key) => {
      seen.push(key);
    });
    await jobs.start();
    await jobs.enqueue('probe', 'before');
    await eventually(() => seen.includes('before'), POLL);
    // What a Postgres restart or a failover does to every open connection, the LISTEN one included.
    const { rows } = await pool.query<{ killed: boolean }>(
      `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    expect(rows.some((row) => row.killed)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await jobs.enqueue('probe', 'after');
    await eventually(() => seen.includes('after'), POLL);
    expect(seen).toEqual(['before', 'after']);
  });
});
