import { ConflictError, dbErrors } from '../../errors';
import { type InstantRange, parseTstzrange, toTstzrangeLiteral } from '../entities/tstzrange';

/** Anything that runs SQL: a DataSource, or the EntityManager of a transaction. */
export interface Queryable {
  query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T>;
}

/** The ledger's key: periods are compared only between requests that ask SAT for the same thing. */
export interface LedgerKey {
  readonly tenantId: string;
  readonly rfc: string;
  readonly contexto: string;
  readonly tipoSolicitud: string;
  readonly tipoDocumento: string;
  /** `filtersKey(filtros)`: SHA-256 hex of the canonical filters. */
  readonly filtrosKey: string;
}

/** A part of the asked range already requested, and the solicitud that requested it. */
export interface LedgerCoverage {
  readonly periodo: InstantRange;
  readonly solicitudId: string;
}

const KEY_CONDITION = `tenant_id = $1 AND rfc = $2 AND contexto = $3 AND tipo_solicitud = $4
  AND tipo_documento = $5 AND filtros_key = $6 AND released_at IS NULL`;

function keyParameters(key: LedgerKey): unknown[] {
  return [key.tenantId, key.rfc, key.contexto, key.tipoSolicitud, key.tipoDocumento, key.filtrosKey];
}

/**
 * Serialises registrations of one ledger key until the surrounding transaction ends (advisory lock on
 * a hash of the key), so "read coverage, then claim the gaps" cannot interleave with another
 * registration. Call first inside the transaction.
 */
export async function lockLedgerKey(transaction: Queryable, key: LedgerKey): Promise<void> {
  await transaction.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
    ['ledger', ...keyParameters(key)].join('|'),
  ]);
}

/**
 * Active ledger periods that overlap `range`, clipped to it, in time order: what is already covered
 * and by which solicitud.
 */
export async function findLedgerCoverage(
  db: Queryable,
  key: LedgerKey,
  range: InstantRange,
): Promise<LedgerCoverage[]> {
  const rows = await db.query<{ periodo: string; solicitud_id: string }[]>(
    `SELECT (periodo * $7::tstzrange)::text AS periodo, solicitud_id
       FROM ledger_periodos
      WHERE ${KEY_CONDITION} AND periodo && $7::tstzrange
      ORDER BY lower(periodo) NULLS FIRST, id`,
    [...keyParameters(key), toTstzrangeLiteral(range)],
  );
  return rows.map((row) => ({ periodo: parseTstzrange(row.periodo), solicitudId: row.solicitud_id }));
}

/** The parts of `range` no active ledger period covers, in time order (multirange difference). */
export async function findLedgerGaps(
  db: Queryable,
  key: LedgerKey,
  range: InstantRange,
): Promise<InstantRange[]> {
  const rows = await db.query<{ gap: string }[]>(
    `SELECT unnest(
        tstzmultirange($7::tstzrange)
        - coalesce(range_agg(periodo) FILTER (WHERE periodo && $7::tstzrange), '{}'::tstzmultirange)
      )::text AS gap
       FROM ledger_periodos
      WHERE ${KEY_CONDITION}`,
    [...keyParameters(key), toTstzrangeLiteral(range)],
  );
  return rows.map((row) => parseTstzrange(row.gap));
}

/** Whether an error is Postgres' exclusion-constraint violation on the ledger. */
function isLedgerOverlap(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const record = error as { code?: unknown; constraint?: unknown; driverError?: unknown };
  if (record.code === '23P01') return true;
  return record.driverError !== undefined && isLedgerOverlap(record.driverError);
}

/**
 * Records `ranges` as requested by `solicitudId`. An overlap with an active period of the same key
 * (a concurrent registration won) becomes a transient ConflictError (DM-8004): recompute and retry.
 */
export async function claimLedgerPeriods(
  db: Queryable,
  key: LedgerKey,
  ranges: readonly InstantRange[],
  solicitudId: string,
): Promise<void> {
  if (ranges.length === 0) return;
  try {
    await db.query(
      `INSERT INTO ledger_periodos
         (tenant_id, rfc, contexto, tipo_solicitud, tipo_documento, filtros_key, periodo, solicitud_id)
       SELECT $1, $2, $3, $4, $5, $6, periodo::tstzrange, $8
         FROM unnest($7::text[]) AS periodo`,
      [...keyParameters(key), ranges.map(toTstzrangeLiteral), solicitudId],
    );
  } catch (error) {
    if (isLedgerOverlap(error)) throw new ConflictError(dbErrors.ledgerOverlap, { cause: error });
    throw error;
  }
}

/**
 * Frees the periods of a solicitud that ended without data being obtained (Rechazada, Error, Vencida)
 * so they can be requested again; the rows stay as history. Returns how many were released.
 */
export async function releaseLedgerPeriods(db: Queryable, solicitudId: string): Promise<number> {
  const result = await db.query<[unknown[], number]>(
    `UPDATE ledger_periodos SET released_at = now() WHERE solicitud_id = $1 AND released_at IS NULL`,
    [solicitudId],
  );
  return result[1];
}
