import type { DataSource } from 'typeorm';
import { ConflictError, storageErrors } from '../../errors';

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Takes the session advisory lock named `name` on a connection of its own, held until `release`, or
 * throws DM-6120 when another session holds it. A session lock (not a row or a lease) because it goes
 * with the connection: a run that is killed frees it at once, so running the command again resumes
 * straight away instead of waiting out a lease.
 */
export async function holdLock(dataSource: DataSource, name: string, scope: string): Promise<HeldLock> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [row] = (await runner.query(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`, [
      name,
    ])) as { locked: boolean }[];
    if (!row?.locked) throw new ConflictError(storageErrors.reindexRunning, { params: { scope } });
  } catch (error) {
    await runner.release();
    throw error;
  }
  return {
    release: async () => {
      try {
        // The connection goes back to the pool: the lock must not stay with it.
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [name]);
      } finally {
        await runner.release();
      }
    },
  };
}
