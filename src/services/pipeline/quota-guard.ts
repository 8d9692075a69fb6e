import type { DataSource } from 'typeorm';
import {
  SatRequest,
  countCriteriaUse,
  findCriteriaUses,
  findOpenIdenticalRequest,
  lockCriteria,
  uncountCriteriaUse,
  type Solicitud,
} from '../../db';
import { timeRange } from '../periods/time-range';
import {
  LIFETIME_LIMIT,
  criteriaExhausted,
  criteriaKey,
  criteriaRecord,
  isLifetimeLimited,
  type SatCriteria,
} from '../planning';

/** What may happen to a SAT request about to be sent. */
export type Reservation =
  /** Send it. `fresh`: this attempt took the count (an earlier attempt with no answer already had). */
  | { readonly kind: 'send'; readonly key: string; readonly fresh: boolean }
  /** An identical request is still open at SAT (5005): look again then. */
  | { readonly kind: 'wait'; readonly until: Date }
  /** SAT took it twice already (5002 for good): never sent. */
  | { readonly kind: 'refused'; readonly codigo: string; readonly mensaje: string };

export interface QuotaGuardOptions {
  /** How long to wait before looking again at an identical request SAT is still working on. */
  readonly recheckSeconds: number;
  readonly clock: () => Date;
}

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
 * Keeps SAT's per-criteria rules from ever being broken by us: no request is sent while an identical
 * one is open (SAT would answer 5005), and no XML request is sent a third time (5002, for life). The
 * count is taken in the same transaction as the check, under a lock on the criteria, before the call;
 * it is given back only when SAT answered with a refusal, i.e. when SAT did not count it either. An
 * attempt that got no answer keeps it (SAT may have accepted), and its retries reuse it.
 */
export class QuotaGuard {
  constructor(
    private readonly dataSource: DataSource,
    private readonly options: QuotaGuardOptions,
  ) {}

  async reserve(request: SatRequest, solicitud: Solicitud): Promise<Reservation> {
    const criteria = criteriaOfRequest(request, solicitud);
    const key = criteriaKey(criteria);
    if (request.criteriaKey === key) return { kind: 'send', key, fresh: false };
    return this.dataSource.transaction(async (manager) => {
      await lockCriteria(manager, key);
      if (await findOpenIdenticalRequest(manager, key, request.id)) {
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
      const used = (await findCriteriaUses(manager, [key])).get(key) ?? 0;
      if (isLifetimeLimited(criteria.tipoSolicitud) && used >= LIFETIME_LIMIT) {
        const error = criteriaExhausted(criteria);
        return { kind: 'refused', codigo: error.code, mensaje: error.messageEs };
      }
      await countCriteriaUse(manager, key, criteria.rfc, criteriaRecord(criteria));
      await manager.update(SatRequest, { id: request.id }, { criteriaKey: key });
      return { kind: 'send', key, fresh: true };
    });
  }

  /**
   * After SAT answered `codEstatus` (undefined: the request never left, e.g. refused by our own
   * checks): anything but an acceptance means SAT did not count this attempt, so neither do we.
   */
  async settle(request: SatRequest, reservation: Reservation, codEstatus: string | undefined): Promise<void> {
    if (reservation.kind !== 'send' || !reservation.fresh || codEstatus === '5000') return;
    await this.dataSource.transaction(async (manager) => {
      await lockCriteria(manager, reservation.key);
      await uncountCriteriaUse(manager, reservation.key);
      await manager.update(SatRequest, { id: request.id }, { criteriaKey: null });
    });
  }
}
