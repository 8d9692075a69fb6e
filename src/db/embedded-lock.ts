import { randomBytes } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Who serves an embedded data directory: its process and loopback port (0 while starting). */
export interface EmbeddedLock {
  readonly pid: number;
  readonly port: number;
}

/**
 * PGlite is a single-process database: two processes opening the same files would corrupt them. The
 * process serving a data directory says so in `<dataDir>.lock`; others (a CLI command while the app
 * runs) connect to its port instead of opening the files.
 */
export function lockFileOf(dataDir: string): string {
  return `${path.resolve(dataDir)}.lock`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return typeof error === 'object' && error !== null && 'code' in error && error.code === 'EPERM';
  }
}

/** The lock of a live server, or undefined (a lock left by a dead process is removed). */
export async function readLiveLock(dataDir: string): Promise<EmbeddedLock | undefined> {
  const file = lockFileOf(dataDir);
  let parsed: Partial<EmbeddedLock>;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<EmbeddedLock>;
  } catch {
    return undefined;
  }
  if (typeof parsed.pid === 'number' && typeof parsed.port === 'number' && isAlive(parsed.pid)) {
    return { pid: parsed.pid, port: parsed.port };
  }
  await unlink(file).catch(() => undefined);
  return undefined;
}

async function writeAtomically(file: string, lock: EmbeddedLock, exclusive: boolean): Promise<boolean> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, JSON.stringify(lock), { mode: 0o600 });
  try {
    if (!exclusive) {
      await rename(temporary, file);
      return true;
    }
    await link(temporary, file);
    return true;
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'EEXIST')
      return false;
    throw error;
  } finally {
    if (exclusive) await unlink(temporary).catch(() => undefined);
  }
}

/** Takes the lock for this process; false when another live process holds it. */
export async function acquireLock(dataDir: string): Promise<boolean> {
  const file = lockFileOf(dataDir);
  if (await writeAtomically(file, { pid: process.pid, port: 0 }, true)) return true;
  if (await readLiveLock(dataDir)) return false;
  return writeAtomically(file, { pid: process.pid, port: 0 }, true);
}

export async function publishPort(dataDir: string, port: number): Promise<void> {
  await writeAtomically(lockFileOf(dataDir), { pid: process.pid, port }, false);
}

export async function releaseLock(dataDir: string): Promise<void> {
  await unlink(lockFileOf(dataDir)).catch(() => undefined);
}

/** Waits (up to `timeoutMs`) for a starting server to publish its port. */
export async function waitForPort(dataDir: string, timeoutMs = 30_000): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lock = await readLiveLock(dataDir);
    if (!lock) return undefined;
    if (lock.port > 0) return lock.port;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
