import { spawnSync } from 'node:child_process';
import { chmod, chown, cp, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, dbErrors } from '../../errors';
import type { ServerUser } from './lifecycle';
import { binariesIn, type PostgresBinaries } from './postgres-binaries';

/**
 * Run as root, the server runs as the `postgres` system user, which must reach both the binaries
 * (inside node_modules) and the cluster (inside DATA_DIR). A project cloned into a private folder
 * (`/root/…`, a `mktemp -d`) blocks both; these checks repair what is ours to repair and name the
 * rest.
 */

/** Whether `user` may enter a directory, asked of the kernel as that user (groups as the server gets them). */
function userCan(user: ServerUser, test: '-x' | '-w', target: string): boolean {
  const result = spawnSync('/bin/sh', ['-c', `test ${test} "$1"`, 'sh', target], {
    uid: user.uid,
    gid: user.gid,
    env: { PATH: '/usr/bin:/bin' },
  });
  return result.status === 0;
}

/** Where root keeps a copy of the binaries that the postgres user can run (root-only writable). */
export const SHARED_BINARIES_ROOT = '/var/lib/descarga-masiva';

export async function reachableBinaries(
  binaries: PostgresBinaries,
  user: ServerUser,
  sharedRoot = SHARED_BINARIES_ROOT,
): Promise<PostgresBinaries> {
  if (userCan(user, '-x', binaries.postgres)) return binaries;
  const target = path.join(sharedRoot, `postgres-${binaries.version}`);
  const copy = binariesIn(target, binaries.version);
  if (userCan(user, '-x', copy.postgres)) return copy;
  await mkdir(sharedRoot, { recursive: true, mode: 0o755 });
  await chmod(sharedRoot, 0o755);
  // Copied aside and renamed, so a half-copied folder is never taken for a complete one.
  const partial = `${target}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await cp(binaries.nativeDir, partial, { recursive: true, verbatimSymlinks: true });
  await chmod(partial, 0o755);
  await rm(target, { recursive: true, force: true });
  await rename(partial, target);
  if (!userCan(user, '-x', copy.postgres)) {
    throw new ConfigError(dbErrors.embeddedUnreachable, { params: { path: copy.postgres } });
  }
  return copy;
}

/**
 * The cluster lives in DATA_DIR/pg. When DATA_DIR itself is what keeps the postgres user out (a
 * 0700 folder), DATA_DIR joins the postgres group with search permission only: that user can then
 * enter it without listing it, and nobody else gains anything. A blocking folder above DATA_DIR is
 * not ours to change.
 */
export async function ensureDataDirReachable(dataDir: string, user: ServerUser): Promise<void> {
  if (userCan(user, '-x', dataDir)) return;
  const parent = path.dirname(dataDir);
  if (!userCan(user, '-x', parent)) {
    throw new ConfigError(dbErrors.embeddedUnreachable, { params: { path: parent } });
  }
  const { mode } = await stat(dataDir);
  await chown(dataDir, process.getuid?.() ?? 0, user.gid);
  await chmod(dataDir, (mode & 0o7777) | 0o010);
  if (!userCan(user, '-x', dataDir)) {
    throw new ConfigError(dbErrors.embeddedUnreachable, { params: { path: dataDir } });
  }
}
