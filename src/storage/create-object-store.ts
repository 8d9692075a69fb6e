import { LocalDiskObjectStore, type LocalDiskOptions } from './local-disk-store';
import type { ObjectStore } from './object-store';
import { S3ObjectStore, type S3Options } from './s3-store';

export type ObjectStoreOptions =
  ({ readonly kind: 'local' } & LocalDiskOptions) | ({ readonly kind: 's3' } & S3Options);

/** The store the configuration asks for, ready to use (bucket or directory created). */
export async function createObjectStore(options: ObjectStoreOptions): Promise<ObjectStore> {
  const store = options.kind === 's3' ? new S3ObjectStore(options) : new LocalDiskObjectStore(options);
  await store.ensureReady();
  return store;
}
