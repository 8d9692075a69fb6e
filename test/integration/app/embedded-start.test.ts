import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { passesWithin } from '../../helpers/eventually';

/**
 * The README's first command as a user runs it: the service as a process, with embedded defaults,
 * as root (the server then runs as the postgres system user) and as an ordinary user.
 */
const root = path.join(__dirname, '../../..');
const TEST_USER = 'dm-embedded-test';
const isRoot = process.getuid?.() === 0;

interface RunningService {
  readonly child: ChildProcessWithoutNullStreams;
  readonly baseUrl: string;
  readonly secondsToHealthy: number;
  output(): string;
  exited: Promise<number | null>;
}

interface User {
  readonly uid: number;
  readonly gid: number;
  readonly name: string;
}

function idOf(name: string): User | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), name };
}

function ensureTestUser(): User {
  const existing = idOf(TEST_USER);
  if (existing) return existing;
  const created = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', TEST_USER], {
    encoding: 'utf8',
  });
  if (created.status !== 0) throw new Error(`useradd failed: ${created.stderr}`);
  return idOf(TEST_USER) as User;
}

/**
 * A copy of the project an unprivileged user can read wherever the checkout lives (CI may clone into
 * a private folder): hard links where the file system allows, so it costs seconds, not a copy.
 */
function readableCopyOfProject(into: string): string {
  const copy = path.join(into, 'project');
  mkdirSync(copy, { recursive: true });
  for (const entry of [
    'package.json',
    'tsconfig.json',
    'src',
    'migrations',
    'wsdl',
    'fixtures',
    'web',
    'node_modules',
  ]) {
    if (!existsSync(path.join(root, entry))) continue;
    const linked = spawnSync('cp', ['-al', path.join(root, entry), copy]);
    if (linked.status !== 0) spawnSync('cp', ['-a', path.join(root, entry), copy]);
  }
  spawnSync('chmod', ['-R', 'a+rX', copy]);
  return copy;
}

function startService(
  env: Record<string, string>,
  options: { projectRoot?: string; user?: User } = {},
): Promise<RunningService> {
  const projectRoot = options.projectRoot ?? root;
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('tsx/cjs', { paths: [projectRoot] }),
      path.join(projectRoot, 'src/main.ts'),
    ],
    {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH,
        TSX_TSCONFIG_PATH: path.join(projectRoot, 'tsconfig.json'),
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        WORKERS_ENABLED: 'false',
        ...env,
      },
      ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in 90 s:\n${output}`)), 90_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${output}`));
    });
    const poll = setInterval(() => {
      const match = /Health:\s+(http:\/\/[^\s]+)\/healthz/.exec(output);
      if (!match?.[1]) return;
      clearInterval(poll);
      const baseUrl = match[1];
      void fetch(`${baseUrl}/healthz`).then(
        async (response) => {
          clearTimeout(timer);
          const body = (await response.json()) as { status: string };
          if (body.status !== 'ok') reject(new Error(`unhealthy: ${JSON.stringify(body)}`));
          resolve({
            child,
            baseUrl,
            secondsToHealthy: (Date.now() - started) / 1000,
            output: () => output,
            exited,
          });
        },
        (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
      );
    }, 100);
  });
}

function postmasterOf(dataDir: string): { pid: number; uid: number } | undefined {
  const file = path.join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { pid, uid: Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

function gone(pid: number): Promise<boolean> {
  return passesWithin(() => !alive(pid), { timeoutMs: 10_000, intervalMs: 100 });
}

/**
 * Start, stop with SIGTERM (the server stops with the app), start again on the same data, SIGKILL
 * (the server outlives the app), start again (the server is reused), SIGTERM. Returns start times.
 */
async function lifeCycle(
  dataDir: string,
  expectedServerUid: number,
  options: { projectRoot?: string; user?: User } = {},
): Promise<number[]> {
  const env = { DATA_DIR: dataDir, HOME: dataDir };
  const first = await startService(env, options);
  const server = postmasterOf(dataDir);
  expect(server?.uid).toBe(expectedServerUid);
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  expect(await gone(server?.pid ?? -1)).toBe(true);
  expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

  const second = await startService(env, options);
  const secondServer = postmasterOf(dataDir);
  second.child.kill('SIGKILL');
  await second.exited;
  expect(alive(secondServer?.pid ?? -1)).toBe(true);

  const third = await startService(env, options);
  // The server the killed process left behind is reused, not restarted.
  expect(postmasterOf(dataDir)?.pid).toBe(secondServer?.pid);
  third.child.kill('SIGTERM');
  expect(await third.exited).toBe(0);
  expect(await gone(secondServer?.pid ?? -1)).toBe(true);
  return [first.secondsToHealthy, second.secondsToHealthy, third.secondsToHealthy];
}

describe('npm start with embedded defaults, as a process', () => {
  const cleanup: string[] = [];
  afterAll(async () => {
    for (const directory of cleanup) await rm(directory, { recursive: true, force: true });
  });

  it('runs as an ordinary user: the server runs as that user, stops with the app, survives a SIGKILL to be reused', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'dm-start-user-'));
    cleanup.push(work);
    chmodSync(work, 0o755);
    let user: User | undefined;
    let projectRoot = root;
    if (isRoot) {
      user = ensureTestUser();
      projectRoot = readableCopyOfProject(work);
    }
    const dataDir = path.join(work, 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    if (user) spawnSync('chown', [`${user.uid}:${user.gid}`, dataDir]);
    const times = await lifeCycle(dataDir, user?.uid ?? (process.getuid?.() as number), {
      projectRoot,
      ...(user ? { user } : {}),
    });
    // The password stays private to the user running the app.
    const password = path.join(dataDir, 'pg.password');
    expect(readFileSync(password, 'utf8').trim()).toMatch(/^[0-9a-f]{48}$/);
    expect(spawnSync('stat', ['-c', '%a', password], { encoding: 'utf8' }).stdout.trim()).toBe('600');
    console.log(`embedded start as ${user?.name ?? 'current user'}: seconds to healthy ${times.join(' / ')}`);
  }, 300_000);

  if (isRoot) {
    it('runs as root: the server runs as the postgres system user, even with a private (0700) DATA_DIR', async () => {
      const work = mkdtempSync(path.join(tmpdir(), 'dm-start-root-'));
      cleanup.push(work);
      const dataDir = path.join(work, 'data');
      mkdirSync(dataDir, { mode: 0o700 });
      // A private folder above DATA_DIR is not ours to open: the service says which one and stops.
      const blocked = spawnSync(
        process.execPath,
        ['--require', require.resolve('tsx/cjs'), path.join(root, 'src/main.ts')],
        {
          cwd: root,
          encoding: 'utf8',
          timeout: 90_000,
          env: {
            PATH: process.env.PATH,
            TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json'),
            DATA_DIR: dataDir,
            PORT: '0',
            LOG_LEVEL: 'error',
          },
        },
      );
      expect(blocked.status).toBe(2);
      expect(blocked.stderr).toContain(
        `DM-8008 The postgres system user, which runs the embedded PostgreSQL, cannot enter ${work}`,
      );
      // DATA_DIR itself may stay private (0700): it is opened to the postgres group for search only.
      chmodSync(work, 0o755);
      const postgres = idOf('postgres');
      expect(postgres).toBeDefined();
      const times = await lifeCycle(dataDir, postgres?.uid ?? -1);
      expect(spawnSync('stat', ['-c', '%a %G', dataDir], { encoding: 'utf8' }).stdout.trim()).toBe(
        '710 postgres',
      );
      console.log(`embedded start as root: seconds to healthy ${times.join(' / ')}`);
    }, 300_000);

    it('as root with no postgres system user: exit 2 with the ways out, nothing started; EMBEDDED_PG_CREATE_USER=true creates it', async () => {
      const work = mkdtempSync(path.join(tmpdir(), 'dm-start-nouser-'));
      cleanup.push(work);
      // A host without the user, as `id` reports it to the service.
      const fakeBin = path.join(work, 'bin');
      mkdirSync(fakeBin);
      // Until the fake `useradd` has run: then `id` answers for the real postgres user, which the
      // server runs as.
      const created = path.join(work, 'useradd-args');
      writeFileSync(
        path.join(fakeBin, 'id'),
        `#!/bin/sh\n[ -f ${created} ] || for a in "$@"; do [ "$a" = postgres ] && { echo "id: postgres: no such user" >&2; exit 1; }; done\nexec /usr/bin/id "$@"\n`,
        { mode: 0o755 },
      );
      writeFileSync(path.join(fakeBin, 'useradd'), `#!/bin/sh\necho "$@" > ${created}\n`, { mode: 0o755 });
      const dataDir = path.join(work, 'data');
      const result = spawnSync(
        process.execPath,
        ['--require', require.resolve('tsx/cjs'), path.join(root, 'src/main.ts')],
        {
          cwd: root,
          encoding: 'utf8',
          timeout: 90_000,
          env: {
            PATH: `${fakeBin}:${process.env.PATH ?? ''}`,
            TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json'),
            DATA_DIR: dataDir,
            PORT: '0',
            LOG_LEVEL: 'error',
          },
        },
      );
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/DM-8005 .*DATABASE_URL.*EMBEDDED_PG_CREATE_USER=true/);
      expect(existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(false);
      expect(existsSync(created)).toBe(false);

      // The opt-in way out: the service creates the system user, then runs the server as it.
      chmodSync(work, 0o755);
      const service = await startService({
        PATH: `${fakeBin}:${process.env.PATH ?? ''}`,
        DATA_DIR: dataDir,
        EMBEDDED_PG_CREATE_USER: 'true',
      });
      expect(readFileSync(created, 'utf8').trim()).toMatch(/--system .*postgres$/);
      expect(postmasterOf(dataDir)?.uid).toBe(idOf('postgres')?.uid);
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
    }, 180_000);
  }
});
