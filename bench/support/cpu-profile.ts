/**
 * CPU profiles of chosen stretches of a bench (the measured runs, not the seeding): with
 * BENCH_CPU_PROFILE=<directory>, `profiled(name, work)` writes <directory>/<name>.cpuprofile, readable in
 * Chrome DevTools or summarised by `npx tsx bench/support/profile-summary.ts <file>`. Without it, runs
 * the work as is.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

const directory = process.env.BENCH_CPU_PROFILE;

export async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!directory) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(directory, { recursive: true });
    const file = path.join(directory, `${name.replace(/[^A-Za-z0-9]+/g, '-')}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`  CPU profile: ${file}`);
    session.disconnect();
  }
}
