import { AppError } from '../../errors';

/** Which packages a reindex run covers: a tenant, an RFC, both, or neither (everything stored). */
export interface ReindexScope {
  readonly tenantId?: string | undefined;
  /** Upper case (see `normalizedRfc`). */
  readonly rfc?: string | undefined;
}

/** An RFC as the index stores it (upper case, no blanks); a blank option means no RFC filter. */
export function normalizedRfc(text: string | undefined): string | undefined {
  const rfc = text?.trim().toUpperCase();
  return rfc ? rfc : undefined;
}

/**
 * The scope in words, for messages (`tenant` is the slug the operator typed; the id means nothing to
 * them).
 */
export function scopeLabel(scope: {
  readonly tenant?: string | undefined;
  readonly rfc?: string | undefined;
}): string {
  const parts = [
    scope.tenant === undefined ? 'every tenant' : `tenant ${scope.tenant}`,
    scope.rfc === undefined ? 'every RFC' : `RFC ${scope.rfc}`,
  ];
  return parts.join(', ');
}

/**
 * The name two runs over the same scope share, and no other scope does: runs of one scope take turns
 * (one advisory lock per name), runs of different scopes do not wait for each other.
 */
export function scopeLockName(scope: ReindexScope): string {
  return `descarga-masiva:reindex:${scope.tenantId ?? '*'}:${scope.rfc ?? '*'}`;
}

/** Why a package was not re-indexed, in one line: the stable code and English message when there is one. */
export function failureReason(error: unknown): string {
  if (error instanceof AppError) return `${error.code} ${error.messageEn}`;
  return error instanceof Error ? error.message : String(error);
}
