import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageError, storageErrors } from '../errors';
import { HashingStream } from './hashing';
import { assertValidKey } from './keys';
import { signLink } from './link-signature';
import { DEFAULT_STALE_PART_AGE_MS } from './stale-parts';
import { newPartName, sweepStaleParts, type SweepReport } from './temp-parts';
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
  /**
   * Age after which a temporary file is deleted whatever process wrote it; keep it above the longest
   * pause of a live write (SAT_IDLE_TIMEOUT_MS). One hour by default.
   */
  readonly stalePartAfterMs?: number;
  /** Hears what each sweep of temporary files did (the service logs it). */
  readonly onSweep?: (report: SweepReport) => void;
}

/**
 * Objects as files under one directory (embedded mode). Writes go to a temporary file that is flushed
 * to disk and then renamed into place, so a reader never sees half an object and a crash leaves none.
 */
export class LocalDiskObjectStore implements ObjectStore {
  private readonly root: string;
  private lastSweepAt?: number;

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

  /**
   * Creates the folders and, on the first call and then at most once per stale age, deletes the
   * temporary files of writes that a crash or kill -9 interrupted (see stale-parts.ts).
   */
  async ensureReady(): Promise<void> {
    await mkdir(path.join(this.root, '.tmp'), { recursive: true });
    const staleAfterMs = this.options.stalePartAfterMs ?? DEFAULT_STALE_PART_AGE_MS;
    if (this.lastSweepAt === undefined || Date.now() - this.lastSweepAt >= staleAfterMs) {
      await this.sweepStaleParts();
    }
  }

  /** Deletes the temporary files whose writer is surely gone. */
  async sweepStaleParts(): Promise<SweepReport> {
    const staleAfterMs = this.options.stalePartAfterMs ?? DEFAULT_STALE_PART_AGE_MS;
    // Taken before the sweep runs, so calls meanwhile do not start another.
    this.lastSweepAt = Date.now();
    let report: SweepReport;
    try {
      report = await sweepStaleParts(path.join(this.root, '.tmp'), staleAfterMs);
    } catch (error) {
      this.lastSweepAt = undefined;
      throw unavailable(error);
    }
    this.options.onSweep?.(report);
    return report;
  }

  async put(key: string, source: Readable, options: PutOptions = {}): Promise<StoredObject> {
    const target = this.pathOf(key);
    await this.ensureReady();
    // The name records the writer, so a sweep can tell a dead writer's part from a live one's.
    const temporary = path.join(this.root, '.tmp', await newPartName());
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

/**
 * Callers see the system's error code (ENOSPC, EACCES, ECONNREFUSED…), never its message: a file
 * system message names absolute paths. The whole error stays in `cause`, for the log.
 */
export function unavailable(error: unknown): StorageError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  const reason =
    typeof code === 'string' && /^[\w.-]{1,40}$/.test(code)
      ? code
      : typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string'
        ? error.name
        : 'unknown';
  return new StorageError(storageErrors.unavailable, { params: { reason }, cause: error });
}
