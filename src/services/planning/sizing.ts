import {
  countMetadataByBucket,
  findMetadataGaps,
  type InstantRange,
  type MetadataCoverageScope,
  type Queryable,
} from '../../db';
import { timeRange, type TimeRange } from '../periods/time-range';
import type { Contexto, FiltrosSolicitud, TipoDocumento, TipoSolicitud } from '../solicitudes/domain';
import { filtersKey } from '../solicitudes/ledger-key';
import { planSplit, type DensitySource, type PlannedPart } from './split-plan';

/** SAT's caps per request; beyond them a request ends Rechazada with 5003 (notes §10.1). */
export interface SatCaps {
  readonly maxXmlPerRequest: number;
  readonly maxMetadataPerRequest: number;
}

export const SAT_CAPS: SatCaps = Object.freeze({
  maxXmlPerRequest: 200_000,
  maxMetadataPerRequest: 1_000_000,
});

export function capFor(caps: SatCaps, tipoSolicitud: TipoSolicitud): number {
  return tipoSolicitud === 'CFDI' ? caps.maxXmlPerRequest : caps.maxMetadataPerRequest;
}

/** The documents one SAT request of this shape returns, whatever its period. */
export interface SizingScope {
  readonly tenantId: string;
  readonly rfc: string;
  readonly contexto: Contexto;
  readonly tipoSolicitud: TipoSolicitud;
  readonly tipoDocumento: TipoDocumento;
  readonly filtros: FiltrosSolicitud;
}

export type RangeSizing =
  { readonly kind: 'sized'; readonly parts: readonly PlannedPart[] } | { readonly kind: 'unknown' };

/**
 * Filter keys of metadata requests that describe every document `filtros` selects: the same filters,
 * or any of them left out (no filter at all included). A subset of the counterparts would not do.
 */
export function coveringMetadataKeys(filtros: FiltrosSolicitud): string[] {
  const constraints: ((target: Record<string, unknown>) => void)[] = [];
  if (filtros.rfcContrapartes.length > 0)
    constraints.push((target) => (target.rfcContrapartes = filtros.rfcContrapartes));
  if (filtros.tipoComprobante)
    constraints.push((target) => (target.tipoComprobante = filtros.tipoComprobante));
  if (filtros.estadoComprobante && filtros.estadoComprobante !== 'Todos')
    constraints.push((target) => (target.estadoComprobante = filtros.estadoComprobante));
  if (filtros.rfcACuentaTerceros)
    constraints.push((target) => (target.rfcACuentaTerceros = filtros.rfcACuentaTerceros));
  if (filtros.complemento) constraints.push((target) => (target.complemento = filtros.complemento));
  const keys = new Set<string>();
  for (let mask = 0; mask < 1 << constraints.length; mask += 1) {
    const subset: Record<string, unknown> = { rfcContrapartes: [] };
    constraints.forEach((apply, bit) => {
      if (mask & (1 << bit)) apply(subset);
    });
    keys.add(filtersKey(subset as unknown as FiltrosSolicitud));
  }
  return [...keys];
}

function coverageScope(scope: SizingScope): MetadataCoverageScope {
  return {
    tenantId: scope.tenantId,
    rfc: scope.rfc,
    contexto: scope.contexto,
    tipoDocumento: scope.tipoDocumento,
    filtrosKeys: coveringMetadataKeys(scope.filtros),
  };
}

/**
 * Counts from `cfdi_metadata`, with the filters a metadata row can answer. A Complemento filter is
 * not among them, and a document indexed as Vigente may have been cancelled since (never the other
 * way round), so counts are upper bounds: a part may come out smaller, never larger.
 */
export function indexDensity(db: Queryable, scope: SizingScope): DensitySource {
  const estado = scope.filtros.estadoComprobante;
  const densityScope = {
    tenantId: scope.tenantId,
    rfc: scope.rfc,
    tipoDocumento: scope.tipoDocumento,
    contexto: scope.contexto,
    rfcContrapartes: scope.filtros.rfcContrapartes,
    ...(scope.filtros.tipoComprobante ? { efecto: scope.filtros.tipoComprobante } : {}),
    ...(estado === 'Vigente' || estado === 'Cancelado' ? { estatus: estado } : {}),
    ...(scope.filtros.rfcACuentaTerceros ? { rfcACuentaTerceros: scope.filtros.rfcACuentaTerceros } : {}),
  };
  const read = async (range: TimeRange, unit: 'hour' | 'minute') =>
    (await countMetadataByBucket(db, densityScope, range, unit)).map((bucket) => ({
      start: bucket.start,
      documentos: bucket.total,
    }));
  return { perHour: (range) => read(range, 'hour'), perMinute: (range) => read(range, 'minute') };
}

function toTimeRanges(ranges: readonly InstantRange[]): TimeRange[] {
  return ranges.flatMap((range) => (range.start && range.end ? [timeRange(range.start, range.end)] : []));
}

/**
 * Plans `range` from our own index when every instant of it is described by metadata already
 * indexed (metadata requests of the scope that finished with data or found none); otherwise the
 * size is unknown and a metadata request has to tell it. Throws DM-9031 when no plan can fit.
 */
export async function sizeFromIndex(
  db: Queryable,
  scope: SizingScope,
  range: TimeRange,
  caps: SatCaps,
): Promise<RangeSizing> {
  const gaps = await findMetadataGaps(db, coverageScope(scope), range, { open: false });
  if (gaps.length > 0) return { kind: 'unknown' };
  const cap = capFor(caps, scope.tipoSolicitud);
  return { kind: 'sized', parts: await planSplit(range, cap, indexDensity(db, scope), scope.tipoSolicitud) };
}

/**
 * The parts of `range` that indexed metadata does not describe yet (metadata still on its way counts
 * as not describing them): where sizeFromIndex cannot size.
 */
export async function unindexedGaps(
  db: Queryable,
  scope: SizingScope,
  range: TimeRange,
): Promise<TimeRange[]> {
  return toTimeRanges(await findMetadataGaps(db, coverageScope(scope), range, { open: false }));
}

/**
 * The parts of `range` that no metadata will describe, counting the metadata requests still on their
 * way: what a sizing request must ask for. Empty: wait for those requests instead.
 */
export async function unsizedGaps(db: Queryable, scope: SizingScope, range: TimeRange): Promise<TimeRange[]> {
  return toTimeRanges(await findMetadataGaps(db, coverageScope(scope), range, { open: true }));
}
