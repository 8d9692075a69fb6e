export type {
  ObjectStore,
  ObjectInfo,
  PutOptions,
  StoredObject,
  ByteRange,
  LinkOptions,
} from './object-store';
export { LocalDiskObjectStore, type LocalDiskOptions } from './local-disk-store';
export { DEFAULT_STALE_PART_AGE_MS } from './stale-parts';
export type { SweepReport } from './temp-parts';
export { S3ObjectStore, type S3Options } from './s3-store';
export { verifyLink } from './link-signature';
export { createObjectStore, type ObjectStoreOptions } from './create-object-store';
export { packageObjectKey, assertValidKey } from './keys';
export { HashingStream } from './hashing';
