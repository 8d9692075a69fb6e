import { spawnSync } from 'node:child_process';
import path from 'node:path';

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const root = path.join(__dirname, '..', '..');

/** Runs the CLI from source in a child process, as an operator would run the built binary. */
export function runCliProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = root): CliResult {
  const result = spawnSync(
    process.execPath,
    ['--require', require.resolve('tsx/cjs'), path.join(root, 'src/cli/main.ts'), ...args],
    {
      cwd,
      // tsx reads the tsconfig of the working directory; the CLI's decorators need the project's.
      env: { PATH: process.env.PATH, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json'), ...env },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
