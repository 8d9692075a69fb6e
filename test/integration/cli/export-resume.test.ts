import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createObjectStore } from '../../../src/storage';
import { spawnCli } from '../../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
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
/** Bytes of the second package that reach the destination before its download freezes. */
const STALL_AFTER = 4096;

function filesUnder(root: string): string[] {
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('descarga-masiva export, killed and run again', () => {
  let database: TestDatabase;
  let s3: S3TestServer;
  let proxy: StallingProxy;
  let work: string;
  const stored: StoredPackage[] = [];
  const relative = (item: StoredPackage): string => `${RFC}/2024/Recibidos-CFDI/${item.idPaquete}.zip`;

  beforeAll(async () => {
    database = await createTestDatabase('dm_cli_resume');
    s3 = await startS3Server();
    proxy = await startStallingProxy(s3.endpoint);
    work = mkdtempSync(path.join(tmpdir(), 'dm-cli-resume-'));
    const store = await createObjectStore({
      kind: 's3',
      endpoint: s3.endpoint,
      region: 'us-east-1',
      bucket: BUCKET,
      accessKey: s3.accessKey,
      secretKey: s3.secretKey,
    });
    const tenant = await createTenant(database.dataSource, 'acme');
    for (const month of [1, 2, 3, 4]) {
      const start = new Date(Date.UTC(2024, month - 1, 1, 6));
      const end = new Date(Date.UTC(2024, month - 1, 15, 6));
      const idPaquete = `B0B0B0B0-000${month}-4000-8000-00000000000${month}_01`;
      stored.push(
        await storePackage(database.dataSource, store, {
          tenantId: tenant.id,
          rfc: RFC,
          idPaquete,
          contexto: 'Recibidos',
          tipoSolicitud: 'CFDI',
          fechaInicial: start,
          storedAt: new Date(Date.UTC(2024, month, 1)),
          zip: simulatorPackage(idPaquete, 'CFDI', corpusDocuments(RFC, 'Recibidos', start, end)),
        }),
      );
    }
    expect(stored.every((item) => item.size > STALL_AFTER)).toBe(true);
  });

  afterAll(async () => {
    await proxy.close();
    await s3.close();
    await database.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('keeps the packages completed before a SIGKILL, redoes the interrupted one, leaves no .part', async () => {
    const destination = path.join(work, 'dest');
    const env = (endpoint: string): NodeJS.ProcessEnv => ({
      DATABASE_URL: database.url,
      MASTER_KEY: Buffer.alloc(32, 4).toString('base64'),
      DATA_DIR: path.join(work, 'data'),
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_BUCKET: BUCKET,
    });
    const [first, second] = stored as [StoredPackage, StoredPackage, ...StoredPackage[]];
    const firstFile = path.join(destination, relative(first));
    const secondPart = path.join(destination, `${relative(second)}.part`);
    // The second package freezes half-way, so the kill lands after the first is complete and while
    // the second is being written, every time.
    proxy.stall(`${second.idPaquete}.zip`, STALL_AFTER);

    const interrupted = spawnCli(['export', '--tenant', 'acme', '--dest', destination], env(proxy.url));
    await until(
      () => existsSync(firstFile) && existsSync(secondPart) && statSync(secondPart).size >= STALL_AFTER,
      'the first package and part of the second',
    );
    expect(interrupted.child.exitCode).toBeNull();
    interrupted.child.kill('SIGKILL');
    const killed = await interrupted.finished;
    expect(killed.signal).toBe('SIGKILL');
    expect(filesUnder(destination)).toEqual([relative(first), `${relative(second)}.part`]);
    expect(sha256(firstFile)).toBe(first.sha256);

    const resumed = await spawnCli(['export', '--tenant', 'acme', '--dest', destination], env(s3.endpoint))
      .finished;
    expect(resumed.stderr).not.toMatch(/FAILED/);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toMatch(/^\s+packages:\s+4$/m);
    expect(resumed.stdout).toMatch(/^\s+skipped:\s+1 /m);
    expect(resumed.stdout).toMatch(/^\s+copied:\s+3$/m);
    expect(resumed.stdout).toMatch(/^\s+failed:\s+0$/m);
    expect(resumed.stdout).toMatch(/^\s+partial copies discarded:\s+1$/m);
    const bytes = stored.slice(1).reduce((sum, item) => sum + item.size, 0);
    expect(resumed.stdout).toMatch(new RegExp(`^\\s+bytes copied:\\s+${bytes} `, 'm'));
    expect(resumed.stderr).toContain(`already present ${relative(first)}`);

    // Every package exactly once, with the hash recorded when it was stored; nothing half-written.
    expect(filesUnder(destination)).toEqual(stored.map(relative).sort());
    for (const item of stored) expect(sha256(path.join(destination, relative(item)))).toBe(item.sha256);
  });
});
