import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

/**
 * `descarga-masiva worker` from source in a process of its own, with only `env` (and PATH) for its
 * environment; resolves once it says it is running, rejects if it exits first.
 */
export async function spawnWorker(env: Readonly<Record<string, string>>): Promise<ChildProcess> {
  const worker = spawn(
    process.execPath,
    ['--require', require.resolve('tsx/cjs'), path.join(root, 'src/cli/main.ts'), 'worker'],
    {
      env: { PATH: process.env.PATH, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    worker.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Worker running')) resolve();
    });
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return worker;
}
