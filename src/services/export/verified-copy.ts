import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageError, storageErrors } from '../../errors';
import { HashingStream } from '../../storage';

export interface Digest {
  readonly size: number;
  /** Lower-case hex. */
  readonly sha256: string;
}

/** Reports the bytes passing through, for a progress bar. */
function counting(onBytes: (count: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}

/** Whether a file exists, without reading it. */
export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/**
 * Size and SHA-256 of a file already in the destination, read as a stream; undefined when there is
 * none. A file of the wrong size is answered without being read.
 */
export async function digestOf(
  file: string,
  expectedSize: number,
  onBytes: (count: number) => void,
): Promise<Digest | undefined> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  if (size !== expectedSize) return { size, sha256: '' };
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    onBytes(chunk.length);
  }
  return { size, sha256: hash.digest('hex') };
}

/**
 * Streams `source` into `<target>.part`, hashing on the way, and renames it to `target` only when
 * size and SHA-256 are the ones expected. Whatever goes wrong, no `.part` is left behind and an
 * existing `target` is untouched. No fsync: a copy torn by a crash fails the hash check on the next
 * run and is copied again, so durability is checked rather than forced.
 */
export async function copyVerified(
  source: Readable,
  target: string,
  expected: Digest & { readonly idPaquete: string },
  onBytes: (count: number) => void,
): Promise<Digest> {
  const part = `${target}.part`;
  const hashing = new HashingStream();
  try {
    await mkdir(path.dirname(target), { recursive: true });
    await pipeline(source, counting(onBytes), hashing, createWriteStream(part, { flags: 'w' }));
    const copied = { size: hashing.size, sha256: hashing.digest() };
    if (copied.size !== expected.size || copied.sha256 !== expected.sha256) {
      const detail =
        copied.size !== expected.size
          ? `${copied.size} bytes, recorded ${expected.size}`
          : `SHA-256 ${copied.sha256}, recorded ${expected.sha256}`;
      throw new StorageError(storageErrors.exportCopyMismatch, {
        params: { idPaquete: expected.idPaquete, detail },
      });
    }
    await rename(part, target);
    return copied;
  } catch (error) {
    source.destroy();
    await rm(part, { force: true });
    throw error;
  }
}
