import type { DataSource, EntityManager } from 'typeorm';
import {
  SatRequest,
  countCriteriaUse,
  findCriteriaUses,
  findOpenIdenticalRequest,
  lockCriteria,
  markCriteriaSpentBySat,
  findCriteriaSpentBySat,
  uncountCriteriaUse,
  type Solicitud,
} from '../../db';
import { timeRange, type TimeRange } from '../periods/time-range';
import {
  LIFETIME_LIMIT,
  criteriaExhausted,
  criteriaKey,
  criteriaRecord,
  isLifetimeLimited,
  satHistoryFloor,
  widenByOneSecond,
  type SatCriteria,
} from '../planning';

/** What may happen to a SAT request about to be sent. */
export type Reservation =
  /** Send it, over `periodo` (wider than the part's own when `widenedSeconds` > 0); the count is taken. */
  | {
      readonly kind: 'send';
      readonly key: string;
      readonly periodo: TimeRange | undefined;
      readonly widenedSeconds: number;
    }
  /** An identical request of ours is still open at SAT (5005): look again then. */
  | { readonly kind: 'wait'; readonly until: Date }
  /** Spent for SAT, and the period can move neither way (or is a Uuid): never sent. */
  | { readonly kind: 'refused'; readonly codigo: string; readonly mensaje: string };

export interface QuotaGuardOptions {
  /** How long to wait before looking again at an identical request SAT is still working on. */
  readonly recheckSeconds: number;
  readonly clock: () => Date;
}

/** A widened period that is spent too is widened again, up to this many seconds in all. */
const MAX_WIDENED_SECONDS = 60;

export function criteriaOfRequest(request: SatRequest, solicitud: Solicitud): SatCriteria {
  return {
    rfc: solicitud.rfc,
    tipoDocumento: solicitud.tipoDocumento,
    contexto: solicitud.contexto,
    tipoSolicitud: solicitud.tipoSolicitud,
    periodo:
      request.periodoInicio && request.periodoFin
        ? timeRange(request.periodoInicio, request.periodoFin)
        : undefined,
    filtrosKey: solicitud.filtrosKey,
  };
}

/**
 * Keeps SAT's per-criteria rules from blocking a solicitud. No request is sent while an identical one
 * of ours is open (SAT would answer 5005). Criteria SAT will not take again — an XML request already
 * sent twice (5002 for life), criteria SAT itself declared spent (5002, or an identical request active
 * that we could not follow), or criteria this part already sent without hearing back — are not sent:
 * the period is widened by a second, which SAT counts as another request holding every document of
 * the first. Every send is counted before it leaves, in
 * the same transaction as the check, under a lock on the criteria; the count is given back only when
 * SAT's answer shows it did not count the send either.
 */
export class QuotaGuard {
  constructor(
    private readonly dataSource: DataSource,
    private readonly options: QuotaGuardOptions,
  ) {}

  async reserve(request: SatRequest, solicitud: Solicitud): Promise<Reservation> {
    const original = criteriaOfRequest(request, solicitud);
    // An earlier send of this part still holds its count: its answer was lost, so SAT may have taken
    // it. Sending those criteria again could spend SAT's second request on them blindly: never.
    const mayBeTaken = request.criteriaKey;
    return this.dataSource.transaction(async (manager) => {
      let criteria = original;
      for (let widened = 0; ; widened += 1) {
        const key = criteriaKey(criteria);
        await lockCriteria(manager, key);
        if (key !== mayBeTaken && (await findOpenIdenticalRequest(manager, key, request.id)))
          return this.wait(manager, request);
        if (key !== mayBeTaken && !(await this.spent(manager, criteria, key))) {
          await countCriteriaUse(manager, key, criteria.rfc, criteriaRecord(criteria));
          await manager.update(
            SatRequest,
            { id: request.id },
            {
              criteriaKey: key,
              ...(widened > 0 && criteria.periodo
                ? {
                    periodoInicio: criteria.periodo.start,
                    periodoFin: criteria.periodo.end,
                    mensaje: `Periodo ampliado ${widened} s: el SAT ya no acepta la solicitud idéntica, o pudo haberla tomado sin que llegara su respuesta.`,
                  }
                : {}),
            },
          );
          return { kind: 'send', key, periodo: criteria.periodo, widenedSeconds: widened };
        }
        const now = this.options.clock();
        const wider =
          criteria.periodo && widened < MAX_WIDENED_SECONDS
            ? widenByOneSecond(criteria.periodo, satHistoryFloor(now), now)
            : ({ kind: 'stuck' } as const);
        if (wider.kind === 'stuck') {
          const error = criteriaExhausted(original);
          return { kind: 'refused', codigo: error.code, mensaje: error.messageEs };
        }
        criteria = { ...criteria, periodo: wider.periodo };
      }
    });
  }

  /**
   * After SAT's answer to a send: `counted` says whether SAT took it (or may have: an answer lost on
   * the way). When it did not, the count is given back and the part holds none.
   */
  async settle(request: SatRequest, reservation: Reservation, counted: boolean): Promise<void> {
    if (reservation.kind !== 'send' || counted) return;
    await this.dataSource.transaction(async (manager) => {
      await lockCriteria(manager, reservation.key);
      await uncountCriteriaUse(manager, reservation.key);
      await manager.update(SatRequest, { id: request.id }, { criteriaKey: null });
    });
  }

  /** SAT said these exact criteria are spent: they are never sent again (a wider period is). */
  async markSpent(key: string): Promise<void> {
    await markCriteriaSpentBySat(this.dataSource.manager, key, this.options.clock());
  }

  private async spent(manager: EntityManager, criteria: SatCriteria, key: string): Promise<boolean> {
    if (await findCriteriaSpentBySat(manager, key)) return true;
    if (!isLifetimeLimited(criteria.tipoSolicitud)) return false;
    return ((await findCriteriaUses(manager, [key])).get(key) ?? 0) >= LIFETIME_LIMIT;
  }

  private async wait(manager: EntityManager, request: SatRequest): Promise<Reservation> {
    const until = new Date(this.options.clock().getTime() + this.options.recheckSeconds * 1000);
    await manager.update(
      SatRequest,
      { id: request.id },
      {
        nextCheckAt: until,
        mensaje: 'En espera: el SAT aún atiende una solicitud idéntica (se evita su código 5005).',
      },
    );
    return { kind: 'wait', until };
  }
}
