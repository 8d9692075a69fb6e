import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlive, sleep } from './processes';

/**
 * DATA_DIR/pg.owner names the process (and which of its handles) that stops the server when it
 * closes; see lifecycle.ts for the rules.
 */
export function ownerFileOf(dataDir: string): string {
  return `${path.resolve(dataDir)}.owner`;
}

/** Who owns the server: a process, and which of its handles (tests open several in one process). */
export interface Owner {
  readonly pid: number;
  readonly handle: string;
}

export async function readOwner(dataDir: string): Promise<Owner | undefined> {
  try {
    const { pid, handle } = JSON.parse(await readFile(ownerFileOf(dataDir), 'utf8')) as Partial<Owner>;
    return typeof pid === 'number' && typeof handle === 'string' ? { pid, handle } : undefined;
  } catch {
    return undefined;
  }
}

export function isOtherLiveOwner(owner: Owner | undefined, handle: string): boolean {
  return owner !== undefined && owner.handle !== handle && isAlive(owner.pid);
}

/** Records this handle as the owner; false when another process claimed it at the same moment. */
export async function claimOwnership(dataDir: string, handle: string): Promise<boolean> {
  const file = ownerFileOf(dataDir);
  const temporary = `${file}.${handle}.tmp`;
  await writeFile(temporary, JSON.stringify({ pid: process.pid, handle }), { mode: 0o600 });
  await rename(temporary, file);
  // Two adopters may both write; the last write wins and the other finds out here.
  await sleep(50);
  return (await readOwner(dataDir))?.handle === handle;
}

export async function releaseOwnership(dataDir: string, handle: string): Promise<void> {
  if ((await readOwner(dataDir))?.handle === handle)
    await unlink(ownerFileOf(dataDir)).catch(() => undefined);
}
