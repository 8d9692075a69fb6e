import type { Readable } from 'node:stream';
import { Client } from 'minio';
import { StorageError, storageErrors } from '../errors';
import { HashingStream } from './hashing';
import { assertValidKey } from './keys';
import { assertExpected, unavailable } from './local-disk-store';
import type {
  ByteRange,
  LinkOptions,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  StoredObject,
} from './object-store';

export interface S3Options {
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  readonly accessKey: string;
  readonly secretKey: string;
  /** Bytes per uploaded part (S3's minimum is 5 MiB except for the last part). */
  readonly partSize?: number;
}

const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

/**
 * Reads a stream in parts of exactly `size` bytes (the last one shorter), copied into one buffer that
 * every part reuses: each part must be consumed (uploaded) before the next is asked for. A new buffer
 * per part left tens of 8 MB buffers for the collector to find, and peaked near 250 MB on a 500 MB
 * package.
 */
async function* parts(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  const part = Buffer.allocUnsafe(size);
  let filled = 0;
  let yielded = false;
  for await (const chunk of source) {
    let rest = chunk;
    while (filled + rest.length >= size) {
      const take = size - filled;
      rest.copy(part, filled, 0, take);
      yielded = true;
      yield part;
      filled = 0;
      rest = rest.subarray(take);
    }
    rest.copy(part, filled);
    filled += rest.length;
  }
  if (filled > 0 || !yielded) yield part.subarray(0, filled);
}

function isMissing(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return code === 'NotFound' || code === 'NoSuchKey';
}

/**
 * S3/MinIO through the `minio` client, driving the multipart upload ourselves: minio's own putObject
 * first lists incomplete uploads (which some S3 servers do not implement) and cannot hash as it goes.
 * Any failure aborts the upload, so no partial object or orphaned parts stay behind.
 */
export class S3ObjectStore implements ObjectStore {
  private readonly client: Client;
  private readonly partSize: number;

  constructor(private readonly options: S3Options) {
    const url = new URL(options.endpoint);
    this.client = new Client({
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
      useSSL: url.protocol === 'https:',
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region,
      pathStyle: true,
    });
    this.partSize = Math.max(options.partSize ?? DEFAULT_PART_SIZE, 5 * 1024 * 1024);
  }

  async ensureReady(): Promise<void> {
    try {
      if (!(await this.client.bucketExists(this.options.bucket))) {
        await this.client.makeBucket(this.options.bucket, this.options.region);
      }
    } catch (error) {
      throw unavailable(error);
    }
  }

  async put(key: string, source: Readable, options: PutOptions = {}): Promise<StoredObject> {
    assertValidKey(key);
    const { bucket } = this.options;
    const headers = { 'Content-Type': options.contentType ?? 'application/octet-stream' };
    let uploadId: string;
    try {
      uploadId = await this.client.initiateNewMultipartUpload(bucket, key, headers);
    } catch (error) {
      source.destroy();
      throw unavailable(error);
    }
    const hashing = new HashingStream();
    source.on('error', (error) => hashing.destroy(error));
    source.pipe(hashing);
    try {
      const etags: { part: number; etag: string }[] = [];
      let partNumber = 0;
      for await (const part of parts(hashing, this.partSize)) {
        partNumber += 1;
        const uploaded = await this.client.uploadPart(
          { bucketName: bucket, objectName: key, uploadID: uploadId, partNumber, headers: {} },
          part,
        );
        etags.push({ part: partNumber, etag: uploaded.etag });
      }
      const sha256 = hashing.digest();
      assertExpected(options, hashing.size, sha256);
      await this.client.completeMultipartUpload(bucket, key, uploadId, etags);
      return { key, size: hashing.size, sha256 };
    } catch (error) {
      source.destroy();
      await this.client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
      throw error instanceof StorageError ? error : unavailable(error);
    }
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const info = await this.client.statObject(this.options.bucket, assertValidKey(key));
      return { size: info.size, lastModified: info.lastModified };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw unavailable(error);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    try {
      return range
        ? await this.client.getPartialObject(
            this.options.bucket,
            assertValidKey(key),
            range.start,
            range.end - range.start + 1,
          )
        : await this.client.getObject(this.options.bucket, assertValidKey(key));
    } catch (error) {
      if (isMissing(error)) throw new StorageError(storageErrors.objectMissing, { params: { key } });
      throw unavailable(error);
    }
  }

  async link(key: string, options: LinkOptions): Promise<{ url: string; expiresAt: Date }> {
    const requestDate = new Date();
    const url = await this.client.presignedGetObject(
      this.options.bucket,
      assertValidKey(key),
      options.ttlSeconds,
      {
        'response-content-disposition': `attachment; filename="${options.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
        'response-content-type': 'application/zip',
      },
      requestDate,
    );
    return { url, expiresAt: new Date(requestDate.getTime() + options.ttlSeconds * 1000) };
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.removeObject(this.options.bucket, assertValidKey(key));
    } catch (error) {
      throw unavailable(error);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.client.bucketExists(this.options.bucket);
    } catch (error) {
      throw unavailable(error);
    }
  }
}
