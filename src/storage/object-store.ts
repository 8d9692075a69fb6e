import type { Readable } from 'node:stream';

export interface PutOptions {
  readonly contentType?: string;
  /** When given, a mismatch fails the put (StorageError) and nothing is left stored. */
  readonly expectedSha256?: string;
  readonly expectedSize?: number;
}

export interface StoredObject {
  readonly key: string;
  readonly size: number;
  /** Hex SHA-256 of the bytes, computed while they streamed in. */
  readonly sha256: string;
}

export interface ObjectInfo {
  readonly size: number;
  readonly lastModified: Date;
}

/** Inclusive byte range, as HTTP Range writes it. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export interface LinkOptions {
  readonly ttlSeconds: number;
  /** The name the browser saves the download as. */
  readonly fileName: string;
}

/**
 * Where packages are kept without time limit: S3/MinIO in production, a local directory in embedded
 * mode. Bytes always travel as streams; nothing here holds a whole object in memory.
 */
export interface ObjectStore {
  /** Creates the bucket or directory when missing. */
  ensureReady(): Promise<void>;
  put(key: string, source: Readable, options?: PutOptions): Promise<StoredObject>;
  stat(key: string): Promise<ObjectInfo | undefined>;
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** A time-limited URL that downloads the object without our credentials. */
  link(key: string, options: LinkOptions): Promise<{ url: string; expiresAt: Date }>;
  delete(key: string): Promise<void>;
  /** Health check: resolves when the store answers. */
  ping(): Promise<void>;
}
