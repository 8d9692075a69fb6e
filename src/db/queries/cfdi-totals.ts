import { CFDI_FIELDS, CFDI_SOURCE } from './cfdi-search';
import type { Queryable } from './ledger';
import { type FilterCondition, compileFilters } from './list-query';

/** Documents and the sum of their amounts (numeric as text, exact) in one month or with one counterpart. */
export interface CfdiMonthTotal {
  /** `yyyy-MM` in Mexico City time; null for documents without a date. */
  readonly month: string | null;
  readonly count: number;
  readonly amount: string;
}

export interface CfdiCounterpartTotal {
  /** The other party: the receiver of what the RFC issued, the issuer of what it received. */
  readonly rfc: string | null;
  readonly nombre: string | null;
  readonly count: number;
  readonly amount: string;
}

function sqlOf(field: string): string {
  const spec = CFDI_FIELDS[field];
  if (!spec) throw new Error(`CFDI_FIELDS has no ${field}`);
  return spec.sql;
}

const FECHA = sqlOf('FechaEmision');
const MONTO = sqlOf('Monto');

/** A tenant's search grouped by month of issue (Mexico City's calendar), oldest first. */
export async function totalCfdiByMonth(
  db: Queryable,
  tenantId: string,
  filters: readonly FilterCondition[] = [],
): Promise<CfdiMonthTotal[]> {
  const filter = compileFilters(CFDI_FIELDS, filters, [tenantId]);
  return db.query<CfdiMonthTotal[]>(
    `SELECT to_char(${FECHA} AT TIME ZONE 'America/Mexico_City', 'YYYY-MM') AS "month",
            count(*)::int AS "count", coalesce(sum(${MONTO}), 0)::text AS "amount"
       FROM ${CFDI_SOURCE}
      WHERE ${filter.where}
      GROUP BY 1
      ORDER BY 1 NULLS LAST`,
    filter.parameters,
  );
}

/** A tenant's search grouped by counterpart, the largest amounts first (then most documents). */
export async function totalCfdiByCounterpart(
  db: Queryable,
  tenantId: string,
  filters: readonly FilterCondition[],
  limit: number,
): Promise<CfdiCounterpartTotal[]> {
  const filter = compileFilters(CFDI_FIELDS, filters, [tenantId]);
  filter.parameters.push(Math.max(1, Math.min(100, Math.trunc(limit))));
  return db.query<CfdiCounterpartTotal[]>(
    `WITH found AS (
       SELECT coalesce(m.rfc, d.rfc) AS rfc, ${sqlOf('RfcEmisor')} AS emisor,
              ${sqlOf('NombreEmisor')} AS nombre_emisor, ${sqlOf('RfcReceptor')} AS receptor,
              ${sqlOf('NombreReceptor')} AS nombre_receptor, ${MONTO} AS monto
         FROM ${CFDI_SOURCE}
        WHERE ${filter.where}
     ), sides AS (
       SELECT CASE WHEN emisor = rfc THEN receptor ELSE emisor END AS rfc,
              CASE WHEN emisor = rfc THEN nombre_receptor ELSE nombre_emisor END AS nombre, monto
         FROM found
     )
     SELECT rfc AS "rfc", max(nombre) AS "nombre", count(*)::int AS "count",
            coalesce(sum(monto), 0)::text AS "amount"
       FROM sides
      GROUP BY rfc
      ORDER BY coalesce(sum(monto), 0) DESC, count(*) DESC, rfc NULLS LAST
      LIMIT $${filter.parameters.length}`,
    filter.parameters,
  );
}
