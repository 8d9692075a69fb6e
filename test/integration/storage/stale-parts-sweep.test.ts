import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createObjectStore } from '../../../src/storage';
import { partFileName } from '../../../src/storage/stale-parts';
import { currentPartWriter } from '../../../src/storage/temp-parts';
import { until } from '../../helpers/eventually';

/*
 * Issue 16, F13: a kill -9 during a download left objects/.tmp/*.part forever. Starting the store
 * deletes the parts whose writer is gone, and only those: another live process sharing the folder
 * (a `descarga-masiva worker`) keeps writing its own.
 */

const root = path.join(__dirname, '..', '..', '..');
const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** Another process that starts a put into `directory` and never finishes it (its source stays open). */
function startLiveWriter(directory: string): ChildProcess {
  const script = `
    const { Readable } = require('node:stream');
    const { LocalDiskObjectStore } = require(${JSON.stringify(path.join(root, 'src/storage'))});
    const store = new LocalDiskObjectStore({ directory: ${JSON.stringify(directory)}, baseUrl: () => '', linkSecret: Buffer.alloc(32) });
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(64 * 1024, 7));
    store.put('t/EKU9003173C9/2026/s/P_01.zip', source).catch(() => process.exit(3));
    setInterval(() => undefined, 1000);
  `;
  return spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], {
    cwd: root,
    env: { PATH: process.env.PATH, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json') },
    stdio: 'ignore',
  });
}

/** The PID of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

describe('temporary files of interrupted writes are swept when the store starts', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'dm-sweep-'));
  const temporary = path.join(directory, '.tmp');
  const parts = (): string[] => readdirSync(temporary).sort();
  let writer: ChildProcess | undefined;

  afterAll(() => {
    writer?.kill('SIGKILL');
  });

  const open = () =>
    createObjectStore({ kind: 'local', directory, baseUrl: () => '', linkSecret: Buffer.alloc(32) });

  it('deletes the parts of dead writers and old ones, keeps those of live writers', async () => {
    mkdirSync(temporary, { recursive: true });
    writer = startLiveWriter(directory);
    const livePart = await until(
      "the live writer's part",
      () => parts().find((name) => name.includes(`-${writer?.pid}-`)),
      { timeoutMs: 20_000, intervalMs: 50 },
    );

    const self = await currentPartWriter();
    const deadWritersPart = partFileName(
      { space: self.space, pid: await deadPid(), instance: hex(4) },
      hex(12),
    );
    const oldPart = `${hex(12)}.part`; // as releases before this one named them
    const youngForeignPart = partFileName({ space: 'f0f0f0f0f0f0', pid: 1, instance: hex(4) }, hex(12));
    const notAPart = 'LEEME.txt';
    for (const name of [deadWritersPart, oldPart, youngForeignPart, notAPart]) {
      writeFileSync(path.join(temporary, name), 'interrupted download');
    }
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60_000);
    utimesSync(path.join(temporary, oldPart), twoHoursAgo, twoHoursAgo);

    await open();

    // Another container's young part may belong to a live writer there: only age may remove it.
    expect(parts()).toEqual([livePart, youngForeignPart, notAPart].sort());
  });

  it('deletes the part of a writer killed with SIGKILL on the next start, without waiting for it to age', async () => {
    const child = writer as ChildProcess;
    const livePart = parts().find((name) => name.includes(`-${child.pid}-`)) as string;
    expect(livePart).toBeDefined();
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(parts()).toContain(livePart);

    const store = await open();

    expect(parts()).not.toContain(livePart);
    // The store works as before: a put leaves no part of its own behind.
    const before = parts();
    await store.put('t/EKU9003173C9/2026/s/P_02.zip', Readable.from(['zip']));
    expect(parts()).toEqual(before);
  });
});
