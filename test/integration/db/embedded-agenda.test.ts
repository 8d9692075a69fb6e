import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agenda } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { Pool } from 'pg';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../../src/db';
import { ensureJobSchema } from '../../../src/jobs';
import { eventually } from '../../helpers/eventually';

/** How long the jobs here may take to show, and how often to look. */
const POLL = { timeoutMs: 30_000, intervalMs: 50 };

describe('Agenda on the embedded database', () => {
  let dataDir: string;
  let embedded: EmbeddedDatabase;
  let pool: Pool;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'dm-embedded-agenda-'));
    embedded = await startEmbeddedDatabase({ dataDir });
    pool = new Pool({ connectionString: embedded.url, max: 6 });
    // Connections the server drops at shutdown must not surface as unhandled errors.
    pool.on('error', () => undefined);
    // As the app does: two Agenda instances creating their table at once race on a real server.
    await ensureJobSchema(pool);
  });
  afterAll(async () => {
    await pool.end();
    await embedded.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs every job exactly once with two workers sharing the database', async () => {
    const runs: number[] = [];
    const workers = ['w1', 'w2'].map(
      (name) =>
        new Agenda({
          backend: new PostgresBackend({ pool, ensureSchema: false }),
          name,
          processEvery: 200,
          maxConcurrency: 4,
          // Agenda leaves a lockLifetime/2 timer behind per job run (checkIfJobIsStillAlive); a short
          // lifetime lets the test process exit promptly.
          defaultLockLifetime: 2000,
        }),
    );
    for (const worker of workers) {
      worker.define<{ n: number }>('probe', async (job) => {
        runs.push(job.attrs.data.n);
      });
    }
    try {
      await Promise.all(workers.map((worker) => worker.start()));
      for (let n = 0; n < 10; n += 1) await workers[n % 2]?.now('probe', { n });
      await eventually(() => runs.length >= 10, POLL);
      // Give a duplicate run (if locking were broken) the chance to show up.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect([...runs].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
  });
});
