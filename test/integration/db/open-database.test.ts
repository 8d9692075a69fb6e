import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { openDatabase, revertLastMigration, runMigrations } from '../../../src/db';
import { migrations } from '../../../migrations';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

const allMigrations = migrations.map((Migration) => new Migration().name);

describe('openDatabase', () => {
  it('uses DATABASE_URL when given: migrates once, probes, closes', async () => {
    const empty: TestDatabase = await createTestDatabase('db_open', { migrate: false });
    try {
      const first = await openDatabase({
        url: empty.url,
        dataDir: '/nonexistent',
        poolSize: 2,
        migrate: true,
      });
      expect(first.embedded).toBeUndefined();
      expect(first.appliedMigrations).toEqual(allMigrations);
      await first.probe();
      await first.close();
      await expect(first.probe()).rejects.toThrow();
      const second = await openDatabase({
        url: empty.url,
        dataDir: '/nonexistent',
        poolSize: 2,
        migrate: true,
      });
      expect(second.appliedMigrations).toEqual([]);
      await second.close();
    } finally {
      await empty.drop();
    }
  });

  it('starts the embedded database without a URL, and a second opener shares it', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'dm-open-'));
    try {
      const app = await openDatabase({ dataDir, poolSize: 2, migrate: true });
      try {
        expect(app.embedded?.shared).toBe(false);
        expect(app.appliedMigrations).toEqual(allMigrations);
        const cli = await openDatabase({ dataDir, poolSize: 1, migrate: true });
        expect(cli.embedded?.shared).toBe(true);
        expect(cli.appliedMigrations).toEqual([]);
        await cli.close();
        await app.probe();
        // Down migrations run on the embedded server too: revert everything, then apply again.
        for (let i = 0; i < allMigrations.length; i += 1) await revertLastMigration(app.dataSource);
        const left = await app.dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'`,
        );
        expect(left[0]?.n).toBe(0);
        expect(await runMigrations(app.dataSource)).toEqual(allMigrations);
      } finally {
        await app.close();
      }
      // The owner stopped the server when it closed: no postmaster.pid, no ownership claim left.
      expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
      expect(existsSync(path.join(dataDir, 'pg.owner'))).toBe(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
