/**
 * How a metadata package reaches cfdi_metadata. A package none of whose UUIDs is stored yet (the usual
 * case: a period downloaded for the first time) is COPYed straight into the table while it is read, so
 * the database's work overlaps the reading and nothing is written twice. Otherwise it goes through the
 * staging table and one upsert, which keeps the last line of a repeated UUID and lets a later package's
 * values replace stored ones. Whether stored rows could conflict is only predicted (below); the primary
 * key decides: a direct COPY that meets a stored UUID or a UUID repeated in the package fails on it, is
 * rolled back to its savepoint and the package is read again through the staging path.
 */
export type LoadPath = 'direct' | 'staged';

/** What the package is known to be before its first line is read. */
export interface PackageScope {
  readonly contexto?: 'Emitidos' | 'Recibidos';
  /** The solicitud's period, half-open [from, to); null ends are open (a request by folio has none). */
  readonly from?: Date | null;
  readonly to?: Date | null;
}

/**
 * The stored rows that could share a UUID with the package: this tenant and RFC's rows of the same side
 * (an issued invoice stored from Emitidos has the RFC as issuer, one from Recibidos as receiver; an
 * invoice to oneself is on both sides) dated inside the package's period (a CFDI's FechaEmision is
 * fixed when it is stamped). Served by the (tenant_id, rfc*, fecha_emision) indexes.
 */
export interface ConflictWindow {
  readonly column: 'rfc' | 'rfc_emisor' | 'rfc_receptor';
  readonly from: Date | null;
  readonly to: Date | null;
}

export function conflictWindow(scope: PackageScope): ConflictWindow {
  const column =
    scope.contexto === 'Emitidos' ? 'rfc_emisor' : scope.contexto === 'Recibidos' ? 'rfc_receptor' : 'rfc';
  return { column, from: scope.from ?? null, to: scope.to ?? null };
}

/** The first path to try: direct only when the records can be read again should it fail. */
export function firstPath(options: {
  readonly rereadable: boolean;
  readonly storedRowsInWindow: boolean;
}): LoadPath {
  return options.rereadable && !options.storedRowsInWindow ? 'direct' : 'staged';
}

const UNIQUE_VIOLATION = '23505';

/**
 * Whether a direct COPY failed because a UUID was already there (stored, or earlier in the package):
 * the staging path's upsert handles exactly that. Any other failure is the package's or the server's
 * and is reported as is.
 */
export function retryStaged(error: unknown, primaryKey: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return code === UNIQUE_VIOLATION && constraint === primaryKey;
}
