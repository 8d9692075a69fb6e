import type { Readable } from 'node:stream';

/** Where packages are kept (implemented by src/storage): bytes streamed in, size and hash out. */
export interface PackageStore {
  put(
    key: string,
    source: Readable,
    options?: { readonly contentType?: string },
  ): Promise<{ size: number; sha256: string }>;
  get(key: string, range?: { readonly start: number; readonly end: number }): Promise<Readable>;
  /** Removes an object (a copy that failed verification, a duplicate of stored content). */
  delete(key: string): Promise<void>;
}
