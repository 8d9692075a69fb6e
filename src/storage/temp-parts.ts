import { createHash, randomBytes } from 'node:crypto';
import { readFile, readdir, readlink, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { type PartWriter, judgePart, partFileName } from './stale-parts';

export interface SweepReport {
  /** Names of the parts deleted. */
  readonly removed: readonly string[];
  /** Parts left in place (their writer may still be running). */
  readonly kept: number;
  /** Parts that could not be deleted, with the system's error code. */
  readonly failed: readonly { readonly name: string; readonly code: string }[];
}

let writer: Promise<PartWriter> | undefined;

/**
 * On Linux a PID is only meaningful within its PID namespace and boot, so both name the space; two
 * containers sharing a volume get different spaces and never judge each other's PIDs. Elsewhere there
 * are no PID namespaces and the host name is enough. When Linux hides either, the space is random:
 * this process's parts are then judged by age alone by everyone else, which is safe.
 */
async function processSpace(): Promise<string> {
  const tag = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);
  if (process.platform !== 'linux') return tag(`${process.platform}:${hostname()}`);
  try {
    const [bootId, namespace] = await Promise.all([
      readFile('/proc/sys/kernel/random/boot_id', 'utf8'),
      readlink('/proc/self/ns/pid'),
    ]);
    return tag(`linux:${bootId.trim()}:${namespace}`);
  } catch {
    return randomBytes(6).toString('hex');
  }
}

/** This process, as its part names record it. */
export function currentPartWriter(): Promise<PartWriter> {
  writer ??= processSpace().then((space) => ({
    space,
    pid: process.pid,
    instance: randomBytes(4).toString('hex'),
  }));
  return writer;
}

export async function newPartName(): Promise<string> {
  return partFileName(await currentPartWriter(), randomBytes(12).toString('hex'));
}

/** The system error code; read without `instanceof`, which fails for errors of another realm. */
function codeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : 'unknown';
}

/** Signal 0 only asks whether the PID exists; EPERM means it exists under another user. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) !== 'ESRCH';
  }
}

/** Deletes the parts in `directory` whose writer is surely gone (see stale-parts.ts). */
export async function sweepStaleParts(directory: string, staleAfterMs: number): Promise<SweepReport> {
  const self = await currentPartWriter();
  const removed: string[] = [];
  const failed: { name: string; code: string }[] = [];
  let kept = 0;
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(directory, entry.name);
    try {
      const info = await stat(file);
      const part = { name: entry.name, ageMs: Date.now() - info.mtimeMs };
      const verdict = judgePart(part, self, isProcessAlive, staleAfterMs);
      if (!verdict.remove) {
        if (verdict.reason !== 'not-a-part') kept += 1;
        continue;
      }
      await rm(file, { force: true });
      removed.push(entry.name);
    } catch (error) {
      // Renamed into place or swept by another process meanwhile: nothing left to do.
      if (codeOf(error) !== 'ENOENT') failed.push({ name: entry.name, code: codeOf(error) });
    }
  }
  return { removed, kept, failed };
}
