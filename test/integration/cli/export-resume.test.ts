import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { spawnCli } from '../../helpers/cli';
import { startS3Scene, storeFourMonths, type S3Scene } from '../../helpers/s3-scene';
import type { StoredPackage } from '../../helpers/stored-packages';
import { until } from '../../helpers/eventually';
import { filesUnder, sha256OfFile } from '../../helpers/cli-output';

const RFC = 'EKU9003173C9';
/** Bytes of the second package that reach the destination before its download freezes. */
const STALL_AFTER = 4096;
/** How long the killed run's progress may take to show, and how often to look. */
const WATCH = { timeoutMs: 60_000, intervalMs: 20 };

describe('descarga-masiva export, killed and run again', () => {
  let scene: S3Scene;
  const stored: StoredPackage[] = [];
  const relative = (item: StoredPackage): string => `${RFC}/2024/Recibidos-CFDI/${item.idPaquete}.zip`;

  beforeAll(async () => {
    scene = await startS3Scene('dm_cli_resume');
    stored.push(...(await storeFourMonths(scene, RFC, 'Recibidos', 'B0B0B0B0')));
    expect(stored.every((item) => item.size > STALL_AFTER)).toBe(true);
  });

  afterAll(() => scene.close());

  it('keeps the packages completed before a SIGKILL, redoes the interrupted one, leaves no .part', async () => {
    const { proxy, s3, env } = scene;
    const destination = path.join(scene.work, 'dest');
    const [first, second] = stored as [StoredPackage, StoredPackage, ...StoredPackage[]];
    const firstFile = path.join(destination, relative(first));
    const secondPart = path.join(destination, `${relative(second)}.part`);
    // The second package freezes half-way, so the kill lands after the first is complete and while
    // the second is being written, every time.
    proxy.stall(`${second.idPaquete}.zip`, STALL_AFTER);

    const interrupted = spawnCli(['export', '--tenant', 'acme', '--dest', destination], env(proxy.url));
    await until(
      'the first package and part of the second',
      () =>
        (existsSync(firstFile) && existsSync(secondPart) && statSync(secondPart).size >= STALL_AFTER) ||
        undefined,
      WATCH,
    );
    expect(interrupted.child.exitCode).toBeNull();
    interrupted.child.kill('SIGKILL');
    const killed = await interrupted.finished;
    expect(killed.signal).toBe('SIGKILL');
    expect(filesUnder(destination)).toEqual([relative(first), `${relative(second)}.part`]);
    expect(sha256OfFile(firstFile)).toBe(first.sha256);

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
    for (const item of stored) expect(sha256OfFile(path.join(destination, relative(item)))).toBe(item.sha256);
  });
});
