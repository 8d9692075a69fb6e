import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const root = path.join(__dirname, '..', '..');

function cliArguments(args: readonly string[]): string[] {
  return ['--require', require.resolve('tsx/cjs'), path.join(root, 'src/cli/main.ts'), ...args];
}

function cliEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // tsx reads the tsconfig of the working directory; the CLI's decorators need the project's.
  return { PATH: process.env.PATH, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json'), ...env };
}

/**
 * Starts the CLI without waiting for it, for tests that act while it runs (kill it, serve it from
 * this process). `finished` collects its output and exit.
 */
export function spawnCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): {
  child: ChildProcessWithoutNullStreams;
  finished: Promise<CliResult & { signal: NodeJS.Signals | null }>;
} {
  const child = spawn(process.execPath, cliArguments(args), { cwd: root, env: cliEnvironment(env) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return { child, finished };
}

/**
 * Runs the CLI from source in a child process, as an operator would run the built binary. `input` is
 * written to its standard input (which is otherwise empty).
 */
export function runCliProcess(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd = root,
  input?: string,
): CliResult {
  const result = spawnSync(process.execPath, cliArguments(args), {
    cwd,
    env: cliEnvironment(env),
    encoding: 'utf8',
    timeout: 60_000,
    ...(input === undefined ? {} : { input }),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
