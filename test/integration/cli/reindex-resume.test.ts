import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PackageIndexer } from '../../../src/services/pipeline';
import { createObjectStore } from '../../../src/storage';
import { spawnCli } from '../../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { derivedRows, forgetNewFields, type DerivedRows } from '../../helpers/derived-tables';
import { startS3Server, type S3TestServer } from '../../helpers/s3-server';
import { startStallingProxy, type StallingProxy } from '../../helpers/stalling-proxy';
import {
  corpusDocuments,
  createTenant,
  simulatorPackage,
  storePackage,
  type StoredPackage,
} from '../../helpers/stored-packages';

const RFC = 'EKU9003173C9';
const BUCKET = 'paquetes';
/** Bytes of the third package served before its download freezes. */
const STALL_AFTER = 4096;

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function summaryCount(stdout: string, label: string): number {
  const match = new RegExp(`^\\s+${label}:\\s+(\\d+)`, 'm').exec(stdout);
  if (!match) throw new Error(`no "${label}" in the summary:\n${stdout}`);
  return Number(match[1]);
}

/*
 * A reindex killed half-way (SIGKILL while the third of four packages is being read from S3) and run
 * again: the second run does not touch the two packages the first finished, does the other two, and
 * the derived tables end exactly as indexing every package today leaves them.
 */
describe('descarga-masiva reindex, killed and run again', () => {
  let database: TestDatabase;
  let s3: S3TestServer;
  let proxy: StallingProxy;
  let work: string;
  let expected: DerivedRows;
  const stored: StoredPackage[] = [];

  const env = (endpoint: string): NodeJS.ProcessEnv => ({
    DATABASE_URL: database.url,
    MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    DATA_DIR: path.join(work, 'data'),
    S3_ENDPOINT: endpoint,
    S3_ACCESS_KEY: s3.accessKey,
    S3_SECRET_KEY: s3.secretKey,
    S3_BUCKET: BUCKET,
  });

  /** When each package's documents were last written (the reindex writes them all). */
  async function writtenAt(paqueteId: string): Promise<string[]> {
    const rows = await database.dataSource.query<{ at: string }[]>(
      `SELECT updated_at::text AS at FROM cfdi_documents WHERE paquete_id = $1 ORDER BY uuid`,
      [paqueteId],
    );
    return rows.map((row) => row.at);
  }

  beforeAll(async () => {
    database = await createTestDatabase('dm_cli_reindex_resume');
    s3 = await startS3Server();
    proxy = await startStallingProxy(s3.endpoint);
    work = mkdtempSync(path.join(tmpdir(), 'dm-cli-reindex-resume-'));
    const store = await createObjectStore({
      kind: 's3',
      endpoint: s3.endpoint,
      region: 'us-east-1',
      bucket: BUCKET,
      accessKey: s3.accessKey,
      secretKey: s3.secretKey,
    });
    const tenant = await createTenant(database.dataSource, 'acme');
    const indexer = new PackageIndexer(database.dataSource, store);
    // Payment CFDIs issued in these months (Pagos 2.0) settle invoices of the months before.
    for (const month of [1, 2, 3, 4]) {
      const start = new Date(Date.UTC(2024, month - 1, 1, 6));
      const end = new Date(Date.UTC(2024, month - 1, 15, 6));
      const idPaquete = `D0D0D0D0-000${month}-4000-8000-00000000000${month}_01`;
      const item = await storePackage(database.dataSource, store, {
        tenantId: tenant.id,
        rfc: RFC,
        idPaquete,
        contexto: 'Emitidos',
        tipoSolicitud: 'CFDI',
        fechaInicial: start,
        storedAt: new Date(Date.UTC(2024, month, 1)),
        zip: simulatorPackage(idPaquete, 'CFDI', corpusDocuments(RFC, 'Emitidos', start, end)),
      });
      await indexer.indexar(item.paqueteId);
      stored.push(item);
    }
    expect(stored.every((item) => item.size > STALL_AFTER)).toBe(true);
    expected = await derivedRows(database.dataSource);
    expect(expected.pagos.length).toBeGreaterThan(0);
    await forgetNewFields(database.dataSource);
  });

  afterAll(async () => {
    await proxy.close();
    await s3.close();
    await database.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('continues where it stopped, without redoing finished packages, and ends as an uninterrupted run', async () => {
    const [first, second, third] = stored as [StoredPackage, StoredPackage, StoredPackage, StoredPackage];
    // The third package's download freezes, so the kill lands after the first two are recorded and
    // before the third is, every time.
    proxy.stall(`${third.idPaquete}.zip`, STALL_AFTER);
    const interrupted = spawnCli(['reindex', '--tenant', 'acme'], env(proxy.url));
    let stderr = '';
    interrupted.child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await until(() => /^\[2\/4\] /m.test(stderr), 'two packages re-indexed');
    // Give the third package's download time to start (and freeze).
    await sleep(500);
    expect(interrupted.child.exitCode).toBeNull();
    interrupted.child.kill('SIGKILL');
    const killed = await interrupted.finished;
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stderr).toContain('Re-indexing 4 package(s).');
    expect(killed.stderr).not.toMatch(/^\[3\/4\]/m);

    const [run] = await database.dataSource.query<{ id: string; finished_at: Date | null }[]>(
      `SELECT id, finished_at FROM reindex_runs`,
    );
    expect(run?.finished_at).toBeNull();
    const done = await database.dataSource.query<{ paquete_id: string; error: string | null }[]>(
      `SELECT paquete_id, error FROM reindex_run_paquetes WHERE run_id = $1 ORDER BY finished_at`,
      [run?.id],
    );
    expect(done).toEqual([
      { paquete_id: first.paqueteId, error: null },
      { paquete_id: second.paqueteId, error: null },
    ]);
    const before = { first: await writtenAt(first.paqueteId), second: await writtenAt(second.paqueteId) };
    expect(await derivedRows(database.dataSource)).not.toEqual(expected);

    const resumed = await spawnCli(['reindex', '--tenant', 'acme'], env(s3.endpoint)).finished;
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
    expect(await derivedRows(database.dataSource)).toEqual(expected);
    const runs = await database.dataSource.query<{ finished: boolean }[]>(
      `SELECT finished_at IS NOT NULL AS finished FROM reindex_runs`,
    );
    expect(runs).toEqual([{ finished: true }]);

    // An uninterrupted run from the same starting point ends the same.
    await forgetNewFields(database.dataSource);
    const clean = await spawnCli(['reindex', '--tenant', 'acme'], env(s3.endpoint)).finished;
    expect(clean.status).toBe(0);
    expect(summaryCount(clean.stdout, 'reindexed')).toBe(4);
    expect(await derivedRows(database.dataSource)).toEqual(expected);
  });
});
