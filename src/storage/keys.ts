import { StorageError, storageErrors } from '../errors';

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/** Refuses keys that could escape a directory or confuse a URL: `..`, leading `/`, odd characters. */
export function assertValidKey(key: string): string {
  if (
    key.length > 512 ||
    !SAFE_KEY.test(key) ||
    key.split('/').some((part) => part === '..' || part === '.')
  ) {
    throw new StorageError(storageErrors.invalidKey, { params: { key: key.slice(0, 100) } });
  }
  return key;
}

/** `tenants/<tenant>/<RFC>/<year>/<solicitud>/<paquete>.zip`: a key that says what the object is. */
export function packageObjectKey(parts: {
  readonly tenantId: string;
  readonly rfc: string;
  readonly year: number;
  readonly solicitudId: string;
  readonly paqueteId: string;
}): string {
  const safe = (text: string): string => text.replace(/[^A-Za-z0-9._-]/g, '_');
  return assertValidKey(
    `tenants/${safe(parts.tenantId)}/${safe(parts.rfc.toUpperCase())}/${parts.year}/${safe(parts.solicitudId)}/${safe(parts.paqueteId)}.zip`,
  );
}
