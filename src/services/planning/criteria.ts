import { createHash } from 'node:crypto';
import { ConflictError, solicitudesErrors } from '../../errors';
import { toMexicoWallClock } from '../periods/mexico-time';
import type { TimeRange } from '../periods/time-range';
import type { Contexto, TipoDocumento, TipoSolicitud } from '../solicitudes/domain';

/**
 * Everything SAT compares when it decides that two requests are "the same" (5002, 5005): who asks,
 * which service, issued or received, XML or metadata, the exact period and every filter. Tenants are
 * not part of it: SAT counts per RFC, whoever holds its e.firma.
 */
export interface SatCriteria {
  readonly rfc: string;
  readonly tipoDocumento: TipoDocumento;
  readonly contexto: Contexto;
  readonly tipoSolicitud: TipoSolicitud;
  /** Half-open; absent for a request by Uuid (the Uuid is among the filters). */
  readonly periodo: TimeRange | undefined;
  /** `filtersKey` of the canonical filters (equal filters, equal keys). */
  readonly filtrosKey: string;
}

/**
 * SAT accepts an identical XML request twice in a lifetime and answers 5002 to the third (notes
 * §10.2); metadata requests are not limited, so they are counted but never refused.
 */
export const LIFETIME_LIMIT = 2;

export function isLifetimeLimited(tipoSolicitud: TipoSolicitud): boolean {
  return tipoSolicitud === 'CFDI';
}

/** The criteria as a plain record: what `sat_criteria_usage.criterios` shows an operator. */
export function criteriaRecord(criteria: SatCriteria): Record<string, string | null> {
  return {
    rfc: criteria.rfc,
    tipoDocumento: criteria.tipoDocumento,
    contexto: criteria.contexto,
    tipoSolicitud: criteria.tipoSolicitud,
    inicio: criteria.periodo?.start.toISOString() ?? null,
    fin: criteria.periodo?.end.toISOString() ?? null,
    filtrosKey: criteria.filtrosKey,
  };
}

/** SHA-256 (hex) of the criteria: the key of `sat_criteria_usage` and `sat_requests.criteria_key`. */
export function criteriaKey(criteria: SatCriteria): string {
  return createHash('sha256')
    .update(JSON.stringify(Object.values(criteriaRecord(criteria))))
    .digest('hex');
}

/** How a person reads the criteria: "CFDI Emitidos de RFC, del … al …" in SAT's inclusive terms. */
export function describeCriteria(criteria: SatCriteria): string {
  const what = `${criteria.tipoSolicitud} ${criteria.contexto} ${criteria.rfc}`;
  if (!criteria.periodo) return `${what}, Uuid`;
  const last = new Date(criteria.periodo.end.getTime() - 1000);
  return `${what}, ${toMexicoWallClock(criteria.periodo.start)} – ${toMexicoWallClock(last)}`;
}

/** DM-9030: a third identical XML request, refused here so that SAT never answers 5002. */
export function criteriaExhausted(criteria: SatCriteria): ConflictError {
  return new ConflictError(solicitudesErrors.criteriaExhausted, {
    params: { criterio: describeCriteria(criteria) },
  });
}
