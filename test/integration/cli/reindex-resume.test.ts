import { setTimeout as sleep } from 'node:timers/promises';
import { PackageIndexer } from '../../../src/services/pipeline';
import { spawnCli } from '../../helpers/cli';
import { derivedRows, forgetNewFields, type DerivedRows } from '../../helpers/derived-tables';
import { startS3Scene, storeFourMonths, type S3Scene } from '../../helpers/s3-scene';
import type { StoredPackage } from '../../helpers/stored-packages';
import { until } from '../../helpers/eventually';
import { summaryCount } from '../../helpers/cli-output';

const RFC = 'EKU9003173C9';
/** Bytes of the third package served before its download freezes. */
const STALL_AFTER = 4096;
/** How long the killed run's progress may take to show, and how often to look. */
const WATCH = { timeoutMs: 60_000, intervalMs: 20 };

/*
 * A reindex killed half-way (SIGKILL while the third of four packages is being read from S3) and run
 * again: the second run does not touch the two packages the first finished, does the other two, and
 * the derived tables end exactly as indexing every package today leaves them.
 */
describe('descarga-masiva reindex, killed and run again', () => {
  let scene: S3Scene;
  let expected: DerivedRows;
  const stored: StoredPackage[] = [];

  /** When each package's documents were last written (the reindex writes them all). */
  async function writtenAt(paqueteId: string): Promise<string[]> {
    const rows = await scene.database.dataSource.query<{ at: string }[]>(
      `SELECT updated_at::text AS at FROM cfdi_documents WHERE paquete_id = $1 ORDER BY uuid`,
      [paqueteId],
    );
    return rows.map((row) => row.at);
  }

  beforeAll(async () => {
    scene = await startS3Scene('dm_cli_reindex_resume');
    const { database, store } = scene;
    const indexer = new PackageIndexer(database.dataSource, store);
    // Payment CFDIs issued in these months (Pagos 2.0) settle invoices of the months before.
    stored.push(...(await storeFourMonths(scene, RFC, 'Emitidos', 'D0D0D0D0')));
    for (const item of stored) await indexer.index(item.paqueteId);
    expect(stored.every((item) => item.size > STALL_AFTER)).toBe(true);
    expected = await derivedRows(database.dataSource);
    expect(expected.pagos.length).toBeGreaterThan(0);
    await forgetNewFields(database.dataSource);
  });

  afterAll(() => scene.close());

  it('continues where it stopped, without redoing finished packages, and ends as an uninterrupted run', async () => {
    const [first, second, third] = stored as [StoredPackage, StoredPackage, StoredPackage, StoredPackage];
    // The third package's download freezes, so the kill lands after the first two are recorded and
    // before the third is, every time.
    scene.proxy.stall(`${third.idPaquete}.zip`, STALL_AFTER);
    const interrupted = spawnCli(['reindex', '--tenant', 'acme'], scene.env(scene.proxy.url));
    let stderr = '';
    interrupted.child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await until('two packages re-indexed', () => /^\[2\/4\] /m.test(stderr) || undefined, WATCH);
    // Give the third package's download time to start (and freeze).
    await sleep(500);
    expect(interrupted.child.exitCode).toBeNull();
    interrupted.child.kill('SIGKILL');
    const killed = await interrupted.finished;
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stderr).toContain('Re-indexing 4 package(s).');
    expect(killed.stderr).not.toMatch(/^\[3\/4\]/m);

    const [run] = await scene.database.dataSource.query<{ id: string; finished_at: Date | null }[]>(
      `SELECT id, finished_at FROM reindex_runs`,
    );
    expect(run?.finished_at).toBeNull();
    const done = await scene.database.dataSource.query<{ paquete_id: string; error: string | null }[]>(
      `SELECT paquete_id, error FROM reindex_run_paquetes WHERE run_id = $1 ORDER BY finished_at`,
      [run?.id],
    );
    expect(done).toEqual([
      { paquete_id: first.paqueteId, error: null },
      { paquete_id: second.paqueteId, error: null },
    ]);
    const before = { first: await writtenAt(first.paqueteId), second: await writtenAt(second.paqueteId) };
    expect(await derivedRows(scene.database.dataSource)).not.toEqual(expected);

    const resumed = await spawnCli(['reindex', '--tenant', 'acme'], scene.env(scene.s3.endpoint)).finished;
    expect(resumed.stderr).not.toMatch(/FAILED/);
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toMatch(
      /^Resuming the reindex started \S+: 2 of 4 package\(s\) already done, not done again\.$/m,
    );
    expect(resumed.stderr).not.toContain(first.idPaquete);
    expect(resumed.stderr).not.toContain(second.idPaquete);
    expect(resumed.stderr).toMatch(
      new RegExp(`^\\[3/4\\] ${third.idPaquete} \\(CFDI, ${RFC}\\): \\d+ document\\(s\\)$`, 'm'),
    );
    expect(summaryCount(resumed.stdout, 'packages')).toBe(4);
    expect(summaryCount(resumed.stdout, 'already done')).toBe(2);
    expect(summaryCount(resumed.stdout, 'reindexed')).toBe(2);
    expect(summaryCount(resumed.stdout, 'failed')).toBe(0);
    expect(summaryCount(resumed.stdout, 'documents')).toBe(expected.documents.length);

    // The finished packages were not indexed again; the whole index is what indexing today gives.
    expect(await writtenAt(first.paqueteId)).toEqual(before.first);
    expect(await writtenAt(second.paqueteId)).toEqual(before.second);
    expect(await derivedRows(scene.database.dataSource)).toEqual(expected);
    const runs = await scene.database.dataSource.query<{ finished: boolean }[]>(
      `SELECT finished_at IS NOT NULL AS finished FROM reindex_runs`,
    );
    expect(runs).toEqual([{ finished: true }]);

    // An uninterrupted run from the same starting point ends the same.
    await forgetNewFields(scene.database.dataSource);
    const clean = await spawnCli(['reindex', '--tenant', 'acme'], scene.env(scene.s3.endpoint)).finished;
    expect(clean.status).toBe(0);
    expect(summaryCount(clean.stdout, 'reindexed')).toBe(4);
    expect(await derivedRows(scene.database.dataSource)).toEqual(expected);
  });
});
