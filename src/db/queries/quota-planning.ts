import { type InstantRange, parseTstzrange, toTstzrangeLiteral } from '../entities/tstzrange';
import type { Queryable } from './ledger';

/**
 * The documents of one download as the metadata index can select them: whose side the RFC is on, and
 * the filters a metadata row can answer (a Complemento filter cannot be: rows do not say).
 */
export interface MetadataDensityScope {
  readonly tenantId: string;
  readonly rfc: string;
  readonly tipoDocumento: string;
  readonly contexto: 'Emitidos' | 'Recibidos';
  /** The other party: receivers when Emitidos, issuers when Recibidos. Empty: anyone. */
  readonly rfcContrapartes: readonly string[];
  readonly efecto?: string;
  readonly estatus?: 'Vigente' | 'Cancelado';
  readonly rfcACuentaTerceros?: string;
}

export interface MetadataBucket {
  /** Start of the hour or minute (aligned on UTC, which Mexico City's whole-hour offsets share). */
  readonly start: Date;
  readonly total: number;
}

/**
 * Metadata rows per hour or minute of `range`, in time order; empty buckets are left out. Served by
 * the (tenant_id, rfc, fecha_emision) index: a year of a busy RFC is one range scan.
 */
export async function countMetadataByBucket(
  db: Queryable,
  scope: MetadataDensityScope,
  range: { readonly start: Date; readonly end: Date },
  unit: 'hour' | 'minute',
): Promise<MetadataBucket[]> {
  const own = scope.contexto === 'Emitidos' ? 'rfc_emisor' : 'rfc_receptor';
  const other = scope.contexto === 'Emitidos' ? 'rfc_receptor' : 'rfc_emisor';
  const parameters: unknown[] = [
    `1 ${unit}`,
    scope.tenantId,
    scope.rfc,
    scope.tipoDocumento,
    range.start,
    range.end,
  ];
  const conditions: string[] = [];
  const bind = (sql: (placeholder: string) => string, value: unknown): void => {
    parameters.push(value);
    conditions.push(sql(`$${parameters.length}`));
  };
  if (scope.rfcContrapartes.length > 0) bind((p) => `${other} = ANY(${p}::text[])`, scope.rfcContrapartes);
  if (scope.efecto) bind((p) => `efecto = ${p}`, scope.efecto);
  if (scope.estatus) bind((p) => `estatus = ${p}`, scope.estatus);
  if (scope.rfcACuentaTerceros) bind((p) => `rfc_a_cuenta_terceros = ${p}`, scope.rfcACuentaTerceros);
  const rows = await db.query<{ bucket: Date | string; total: number }[]>(
    `SELECT date_bin($1::interval, fecha_emision, timestamptz '2000-01-01T00:00:00Z') AS bucket,
            count(*)::int AS total
       FROM cfdi_metadata
      WHERE tenant_id = $2 AND rfc = $3 AND tipo_documento = $4
        AND fecha_emision >= $5 AND fecha_emision < $6 AND ${own} = $3
        ${conditions.map((condition) => `AND ${condition}`).join(' ')}
      GROUP BY 1
      ORDER BY 1`,
    parameters,
  );
  return rows.map((row) => ({ start: new Date(row.bucket), total: row.total }));
}

/** Metadata solicitudes whose documents include the ones being sized. */
export interface MetadataCoverageScope {
  readonly tenantId: string;
  readonly rfc: string;
  readonly contexto: string;
  readonly tipoDocumento: string;
  /** `filtros_key` values of filters that select a superset of the documents being sized. */
  readonly filtrosKeys: readonly string[];
}

/**
 * The parts of `range` no metadata request of the scope covers, in time order. `open: false` counts
 * only requests whose rows are all indexed (part and solicitud finished with data or with none);
 * `open: true` also counts requests still on their way (not failed), i.e. metadata that will come.
 */
export async function findMetadataGaps(
  db: Queryable,
  scope: MetadataCoverageScope,
  range: InstantRange,
  options: { readonly open: boolean },
): Promise<InstantRange[]> {
  const state = options.open
    ? `s.estado NOT IN ('Rechazada', 'Error', 'Vencida')
       AND r.estado NOT IN ('Dividida', 'Reemitida', 'Rechazada', 'Error', 'Vencida')`
    : `s.estado IN ('Completada', 'SinDatos') AND r.estado IN ('Terminada', 'SinDatos')`;
  const rows = await db.query<{ gap: string }[]>(
    `SELECT unnest(
        tstzmultirange($6::tstzrange)
        - coalesce(range_agg(tstzrange(r.periodo_inicio, r.periodo_fin)), '{}'::tstzmultirange)
      )::text AS gap
       FROM sat_requests r
       JOIN solicitudes s ON s.id = r.solicitud_id
      WHERE s.tenant_id = $1 AND s.rfc = $2 AND s.contexto = $3 AND s.tipo_documento = $4
        AND s.tipo_solicitud = 'Metadata' AND s.filtros_key = ANY($5::text[])
        AND r.periodo_inicio IS NOT NULL
        AND tstzrange(r.periodo_inicio, r.periodo_fin) && $6::tstzrange
        AND ${state}`,
    [
      scope.tenantId,
      scope.rfc,
      scope.contexto,
      scope.tipoDocumento,
      scope.filtrosKeys,
      toTstzrangeLiteral(range),
    ],
  );
  return rows.map((row) => parseTstzrange(row.gap));
}

/**
 * Serialises the sends of one identical criteria until the surrounding transaction ends, so "is one
 * open? how many were sent?" and the count itself cannot interleave between workers.
 */
export async function lockCriteria(transaction: Queryable, criteriaKey: string): Promise<void> {
  await transaction.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
    `criteria|${criteriaKey}`,
  ]);
}

/** How many times each criteria was sent (and may have been accepted); absent keys were never sent. */
export async function findCriteriaUses(
  db: Queryable,
  criteriaKeys: readonly string[],
): Promise<Map<string, number>> {
  if (criteriaKeys.length === 0) return new Map();
  const rows = await db.query<{ criteria_key: string; veces: number }[]>(
    `SELECT criteria_key, veces FROM sat_criteria_usage WHERE criteria_key = ANY($1::text[])`,
    [criteriaKeys],
  );
  return new Map(rows.map((row) => [row.criteria_key, row.veces]));
}

/** Counts one more send of the criteria; returns the new count. */
export async function countCriteriaUse(
  db: Queryable,
  criteriaKey: string,
  rfc: string,
  criterios: Record<string, unknown>,
): Promise<number> {
  const rows = await db.query<{ veces: number }[]>(
    `INSERT INTO sat_criteria_usage (criteria_key, rfc, veces, criterios)
     VALUES ($1, $2, 1, $3::jsonb)
     ON CONFLICT (criteria_key) DO UPDATE
       SET veces = sat_criteria_usage.veces + 1, last_requested_at = now()
     RETURNING veces`,
    [criteriaKey, rfc, JSON.stringify(criterios)],
  );
  return rows[0]?.veces ?? 0;
}

/** SAT itself said the criteria are spent (5002, or an identical request active we cannot follow). */
export async function markCriteriaSpentBySat(db: Queryable, criteriaKey: string, at: Date): Promise<void> {
  await db.query(
    `UPDATE sat_criteria_usage SET agotado_sat_at = coalesce(agotado_sat_at, $2) WHERE criteria_key = $1`,
    [criteriaKey, at],
  );
}

export async function findCriteriaSpentBySat(db: Queryable, criteriaKey: string): Promise<boolean> {
  const rows = await db.query<{ spent: boolean }[]>(
    `SELECT agotado_sat_at IS NOT NULL AS spent FROM sat_criteria_usage WHERE criteria_key = $1`,
    [criteriaKey],
  );
  return rows[0]?.spent ?? false;
}

/** Takes back one count: SAT refused that send outright, so it did not count at SAT either. */
export async function uncountCriteriaUse(db: Queryable, criteriaKey: string): Promise<void> {
  await db.query(`UPDATE sat_criteria_usage SET veces = greatest(veces - 1, 0) WHERE criteria_key = $1`, [
    criteriaKey,
  ]);
}

/**
 * Another SAT request with the same criteria that SAT may still be working on (sent, or being sent,
 * and not finished), or undefined.
 */
export async function findOpenIdenticalRequest(
  db: Queryable,
  criteriaKey: string,
  exceptSatRequestId: string,
): Promise<string | undefined> {
  const rows = await db.query<{ id: string }[]>(
    `SELECT id FROM sat_requests
      WHERE criteria_key = $1 AND id <> $2 AND finished_at IS NULL
      LIMIT 1`,
    [criteriaKey, exceptSatRequestId],
  );
  return rows[0]?.id;
}
