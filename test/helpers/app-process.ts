import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { serviceNodeFlags } from './service-flags';

const root = path.join(__dirname, '..', '..');

/** The service running from source in its own process, so its memory can be read from outside. */
export interface AppProcess {
  readonly url: string;
  readonly pid: number;
  /** Resident set size now, from /proc (what the operating system charges the process). */
  rssBytes(): number;
  /** What it wrote so far (standard output and error), for a failure message. */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

async function waitUntilHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}):\n${output()}`);
    try {
      const answer = await fetch(`${url}/healthz`);
      if (answer.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the service did not become healthy:\n${output()}`);
}

export interface SpawnOptions {
  /** Sees everything the service writes (output() keeps only the end), e.g. to keep every log line. */
  readonly onOutput?: (chunk: Buffer) => void;
}

/**
 * Starts `src/main.ts` (through tsx, as the CLI tests run the CLI) on a free port with only PATH and
 * `env` from the environment, as a user's shell would start it.
 */
export async function spawnApp(env: Record<string, string>, options: SpawnOptions = {}): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...serviceNodeFlags(), '--require', require.resolve('tsx/cjs'), path.join(root, 'src/main.ts')],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json'),
        HOST: '127.0.0.1',
        PORT: String(port),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let written = '';
  const keep = (chunk: Buffer): void => {
    // Only the end is useful in a failure message; the rest would only hold memory.
    written = (written + chunk.toString()).slice(-20_000);
    options.onOutput?.(chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilHealthy(url, child, () => written);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('no pid');
  return {
    url,
    pid,
    rssBytes: () => rssOf(pid),
    output: () => written,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
