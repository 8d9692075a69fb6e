import { InternalError, dbErrors } from '../../errors';

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Why the PGlite import failed, naming the directory it read. */
export function importFailure(dataDir: string, reason: string, cause?: unknown): InternalError {
  return new InternalError(dbErrors.importFailed, { params: { dataDir, reason }, cause });
}
