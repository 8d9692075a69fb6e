import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../../config';
import { LocalDiskObjectStore, S3ObjectStore, type ObjectStore } from '../../storage';

/**
 * The configured package store, for commands that only read from it: nothing is created (no bucket,
 * no folder). Such commands hand out no download links, so the link key is a throwaway.
 */
export function openObjectStoreForReading(config: AppConfig): ObjectStore {
  if (config.storage.kind === 's3') {
    const { endpoint, region, bucket, accessKey, secretKey } = config.storage;
    return new S3ObjectStore({ endpoint, region, bucket, accessKey, secretKey });
  }
  return new LocalDiskObjectStore({
    directory: config.storage.directory,
    baseUrl: () => '',
    linkSecret: randomBytes(32),
  });
}
