import type { EntityManager } from 'typeorm';
import {
  findCriteriaUses,
  findLedgerCoverage,
  findLedgerGaps,
  lockLedgerKey,
  type InstantRange,
  type LedgerKey,
} from '../../db';
import { type AppError, ValidationError, solicitudesErrors } from '../../errors';
import { mergeRanges, splitAt, timeRange, type TimeRange } from '../periods/time-range';
import {
  LIFETIME_LIMIT,
  criteriaExhausted,
  criteriaKey,
  isLifetimeLimited,
  sizeFromIndex,
  unsizedGaps,
  type SatCaps,
  type SatCriteria,
  type SizingScope,
} from '../planning';
import type { Combinacion } from './fan-out';

/** One SAT request a registration creates: a sized part, or a whole period still to be sized. */
export interface PlannedRequest {
  /** Absent for a request by Uuid. */
  readonly periodo: TimeRange | undefined;
  /** What the planner expects it to hold; null when unknown. */
  readonly documentos: number | null;
  /** False for an XML period that a metadata request must size before it is sent. */
  readonly dimensionada: boolean;
}

/** What a registration will cost at SAT, as far as it is known now. */
export interface CostEstimate {
  /** SAT requests to send: the parts, plus one metadata request per XML period still to be sized. */
  readonly solicitudesSat: number;
  /** Documents expected, when every part could be sized from the index. */
  readonly documentosEstimados: number | null;
  /** Whether every part is final; false when a metadata request must still size (and may split) some. */
  readonly dimensionado: boolean;
}

export interface LedgerPlan {
  readonly toRequest: TimeRange[];
  readonly toClaim: TimeRange[];
  readonly existing: string[];
}

/** The parts as RegistrarSolicitud lists them (ISO instants, half-open); none for a request by Uuid. */
export function periodos(requests: readonly PlannedRequest[]): { inicio: string; fin: string }[] {
  return requests.flatMap((request) =>
    request.periodo
      ? [{ inicio: request.periodo.start.toISOString(), fin: request.periodo.end.toISOString() }]
      : [],
  );
}

function toInstantRange(range: TimeRange): InstantRange {
  return { start: range.start, end: range.end };
}

function fromInstantRange(range: InstantRange): TimeRange {
  if (!range.start || !range.end) throw new RangeError('unbounded ledger range');
  return timeRange(range.start, range.end);
}

/**
 * What to ask SAT for: the settled part of the period minus what the ledger already covers, plus the
 * unsettled tail (always); `forzar` asks for everything. Only settled gaps are claimed in the ledger.
 * `lock` serialises with other registrations of the key (a dry run reads without it).
 */
export async function planLedger(
  manager: EntityManager,
  key: LedgerKey,
  periodo: TimeRange,
  options: { forzar: boolean; now: Date; settlementWindowHours: number; lock: boolean },
): Promise<LedgerPlan> {
  if (options.lock) await lockLedgerKey(manager, key);
  const settledUntil = new Date(options.now.getTime() - options.settlementWindowHours * 3_600_000);
  const [settled, unsettled] =
    periodo.end.getTime() <= settledUntil.getTime()
      ? [periodo, undefined]
      : periodo.start.getTime() >= settledUntil.getTime()
        ? [undefined, periodo]
        : (splitAt(periodo, settledUntil) as [TimeRange, TimeRange]);
  let gaps: TimeRange[] = [];
  let existing: string[] = [];
  if (settled) {
    const coverage = await findLedgerCoverage(manager, key, toInstantRange(settled));
    existing = [...new Set(coverage.map((item) => item.solicitudId))];
    gaps = (await findLedgerGaps(manager, key, toInstantRange(settled))).map(fromInstantRange);
  }
  const toRequest = options.forzar ? [periodo] : [...gaps, ...(unsettled ? [unsettled] : [])];
  // A gap ending where the unsettled tail begins is one SAT request, not two.
  return { toRequest: mergeRanges(toRequest), toClaim: gaps, existing };
}

/**
 * The SAT requests for `ranges`: each range planned from the metadata index when the index describes
 * it completely (split so every part fits SAT's cap), otherwise sent whole: an XML range is then
 * sized by a metadata request first, a metadata range goes as it is (SAT's 5003 still splits it).
 * Throws DM-9031 when a range cannot be split to fit.
 */
export async function planRequests(
  manager: EntityManager,
  scope: SizingScope,
  ranges: readonly TimeRange[] | undefined,
  caps: SatCaps,
): Promise<PlannedRequest[]> {
  if (!ranges) return [{ periodo: undefined, documentos: null, dimensionada: true }];
  const planned: PlannedRequest[] = [];
  for (const range of ranges) {
    const sizing = await sizeFromIndex(manager, scope, range, caps);
    if (sizing.kind === 'sized') {
      for (const part of sizing.parts)
        planned.push({ periodo: part.periodo, documentos: part.documentos, dimensionada: true });
    } else {
      planned.push({ periodo: range, documentos: null, dimensionada: scope.tipoSolicitud !== 'CFDI' });
    }
  }
  return planned;
}

export function criteriaOf(
  scope: SizingScope,
  filtrosKey: string,
  periodo: TimeRange | undefined,
): SatCriteria {
  return {
    rfc: scope.rfc,
    tipoDocumento: scope.tipoDocumento,
    contexto: scope.contexto,
    tipoSolicitud: scope.tipoSolicitud,
    periodo,
    filtrosKey,
  };
}

/**
 * DM-9030 when SAT already took one of these requests twice and it cannot be asked in another way: a
 * request by Uuid has no period to widen. A spent period is registered: the quota guard asks for it
 * one second wider when it is sent (another request for SAT, holding every document of the first).
 */
export async function exhaustedCriteria(
  manager: EntityManager,
  scope: SizingScope,
  filtrosKey: string,
  requests: readonly PlannedRequest[],
): Promise<AppError | undefined> {
  if (!isLifetimeLimited(scope.tipoSolicitud)) return undefined;
  const fixed = requests
    .filter((request) => request.dimensionada && request.periodo === undefined)
    .map((request) => criteriaOf(scope, filtrosKey, request.periodo));
  const uses = await findCriteriaUses(manager, fixed.map(criteriaKey));
  const spent = fixed.find((criteria) => (uses.get(criteriaKey(criteria)) ?? 0) >= LIFETIME_LIMIT);
  return spent ? criteriaExhausted(spent) : undefined;
}

/**
 * Counts what the requests cost. An XML period still to be sized costs one metadata request too,
 * unless metadata already on its way covers it (`sizedBySibling`: this same registration asks for
 * the metadata of the period).
 */
export async function estimateCost(
  manager: EntityManager,
  scope: SizingScope,
  requests: readonly PlannedRequest[],
  sizedBySibling: boolean,
): Promise<CostEstimate> {
  let sizing = 0;
  for (const request of requests) {
    if (request.dimensionada || !request.periodo || sizedBySibling) continue;
    if ((await unsizedGaps(manager, scope, request.periodo)).length > 0) sizing += 1;
  }
  const known = requests.every((request) => request.documentos !== null);
  return {
    solicitudesSat: requests.length + sizing,
    documentosEstimados: known ? requests.reduce((sum, request) => sum + (request.documentos ?? 0), 0) : null,
    dimensionado: known,
  };
}

/**
 * Whether the metadata combination of this registration (Ambos) describes every document of an XML
 * combination: same contexto and the client's filters, which the XML's only narrow (received XML adds
 * the status Vigente).
 */
export function sizedBySibling(combinacion: Combinacion, combinaciones: readonly Combinacion[]): boolean {
  if (combinacion.tipoSolicitud !== 'CFDI') return false;
  return combinaciones.some(
    (other) => other.contexto === combinacion.contexto && other.tipoSolicitud === 'Metadata',
  );
}

/** A planning failure that belongs in the combination's answer (Rechazada), not in a Fault. */
export function isPlanningRefusal(error: unknown): error is ValidationError {
  return error instanceof ValidationError && error.code === solicitudesErrors.periodTooDense.code;
}
