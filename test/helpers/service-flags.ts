import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

/**
 * The Node/V8 flags `npm start` gives the service, read from package.json's start script (the
 * Dockerfile's command carries the same, which a test holds): whatever starts the service for a test
 * or a bench starts it as users run it.
 */
export function serviceNodeFlags(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return manifest.scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/**
 * Runs this script again under the service's flags unless it already has them (in its own arguments
 * or NODE_OPTIONS), and exits with that run's status. For benches that run the service in-process.
 */
export function rerunWithServiceFlags(): void {
  const present = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const missing = serviceNodeFlags().filter(
    (flag) => !present.some((given) => given.split('=')[0] === flag.split('=')[0]),
  );
  if (missing.length === 0) return;
  const run = spawnSync(process.execPath, [...missing, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(run.status ?? 1);
}
