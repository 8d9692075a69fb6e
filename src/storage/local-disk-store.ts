import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageError, storageErrors } from '../errors';
import { HashingStream } from './hashing';
import { assertValidKey } from './keys';
import { signLink } from './link-signature';
import type {
  ByteRange,
  LinkOptions,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  StoredObject,
} from './object-store';

export interface LocalDiskOptions {
  readonly directory: string;
  /** Public base URL of this service (links point at its `/files` route). */
  readonly baseUrl: () => string;
  readonly linkSecret: Buffer;
}

/**
 * Objects as files under one directory (embedded mode). Writes go to a temporary file that is flushed
 * to disk and then renamed into place, so a reader never sees half an object and a crash leaves none.
 */
export class LocalDiskObjectStore implements ObjectStore {
  private readonly root: string;

  constructor(private readonly options: LocalDiskOptions) {
    this.root = path.resolve(options.directory);
  }

  /** The file of `key`; keys are validated, so the path always stays under the root. */
  pathOf(key: string): string {
    const file = path.join(this.root, ...assertValidKey(key).split('/'));
    if (!file.startsWith(this.root + path.sep))
      throw new StorageError(storageErrors.invalidKey, { params: { key } });
    return file;
  }

  async ensureReady(): Promise<void> {
    await mkdir(path.join(this.root, '.tmp'), { recursive: true });
  }

  async put(key: string, source: Readable, options: PutOptions = {}): Promise<StoredObject> {
    const target = this.pathOf(key);
    await this.ensureReady();
    const temporary = path.join(this.root, '.tmp', `${randomBytes(12).toString('hex')}.part`);
    const hashing = new HashingStream();
    try {
      await pipeline(source, hashing, createWriteStream(temporary, { mode: 0o600 }));
      const sha256 = hashing.digest();
      assertExpected(options, hashing.size, sha256);
      const handle = await open(temporary, 'r');
      await handle.sync().finally(() => handle.close());
      await mkdir(path.dirname(target), { recursive: true });
      await rename(temporary, target);
      return { key, size: hashing.size, sha256 };
    } catch (error) {
      await rm(temporary, { force: true });
      throw error instanceof StorageError ? error : unavailable(error);
    }
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const info = await stat(this.pathOf(key));
      return { size: info.size, lastModified: info.mtime };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw unavailable(error);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(key);
    if (!(await this.stat(key))) throw new StorageError(storageErrors.objectMissing, { params: { key } });
    return createReadStream(file, range ? { start: range.start, end: range.end } : {});
  }

  async link(key: string, options: LinkOptions): Promise<{ url: string; expiresAt: Date }> {
    assertValidKey(key);
    const expires = Math.floor(Date.now() / 1000) + options.ttlSeconds;
    const signature = signLink(this.options.linkSecret, key, expires, options.fileName);
    const query = new URLSearchParams({ expires: String(expires), name: options.fileName, sig: signature });
    const encodedKey = key.split('/').map(encodeURIComponent).join('/');
    return {
      url: `${this.options.baseUrl()}/files/${encodedKey}?${query.toString()}`,
      expiresAt: new Date(expires * 1000),
    };
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async ping(): Promise<void> {
    await this.ensureReady();
  }
}

export function assertExpected(options: PutOptions, size: number, sha256: string): void {
  if (options.expectedSize !== undefined && options.expectedSize !== size) {
    throw new StorageError(storageErrors.integrityMismatch, {
      params: { detail: `size ${size}, expected ${options.expectedSize}` },
    });
  }
  if (options.expectedSha256 !== undefined && options.expectedSha256.toLowerCase() !== sha256) {
    throw new StorageError(storageErrors.integrityMismatch, { params: { detail: `sha256 ${sha256}` } });
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}

export function unavailable(error: unknown): StorageError {
  const reason = error instanceof Error ? error.message : String(error);
  return new StorageError(storageErrors.unavailable, { params: { reason }, cause: error });
}
