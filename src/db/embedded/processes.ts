import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { InternalError, dbErrors } from '../../errors';
import type { ServerUser } from './lifecycle';

/** Process plumbing for the embedded server: running its programs, telling live processes from dead. */

/** The cluster's superuser; the application connects as it (the cluster is ours alone). */
export const SUPERUSER = 'postgres';
/** How long starting (initdb excluded) or stopping the server may take. */
export const START_TIMEOUT_MS = 60_000;

export function startFailure(dataDir: string, reason: string, cause?: unknown): InternalError {
  return new InternalError(dbErrors.embeddedStartFailed, { params: { dataDir, reason }, cause });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if (errnoOf(error) !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/** An exited process nobody reaped yet (a container's init may never reap) is not alive. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** Alive and a PostgreSQL server: after a reboot the pid in a stale postmaster.pid may be anyone's. */
export async function isPostmaster(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim().startsWith('postgres');
  } catch {
    // No /proc (macOS): trust the pid.
    return true;
  }
}

export function run(
  file: string,
  args: readonly string[],
  user: ServerUser | undefined,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
        // English messages, whatever the host's locale; no PG* variable of the caller leaks in.
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' },
        timeout: START_TIMEOUT_MS + 10_000,
        maxBuffer: 4 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stdout, stderr }));
        else resolve({ stdout, stderr });
      },
    );
  });
}

export function outputOf(error: unknown): string {
  const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : '';
  const message = error instanceof Error ? error.message : String(error);
  return (stderr.trim() || message).split('\n').slice(-6).join(' ').trim();
}

export async function lookUpUser(name: string): Promise<ServerUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      run('id', ['-u', name], undefined),
      run('id', ['-g', name], undefined),
    ]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}
