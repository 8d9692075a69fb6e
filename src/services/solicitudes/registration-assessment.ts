import type { EntityManager } from 'typeorm';
import type { Contribuyente, LedgerKey } from '../../db';
import { solicitudesErrors, type AppError } from '../../errors';
import type { SatCaps, SizingScope } from '../planning';
import type { Contexto, TipoSolicitud } from './domain';
import { filtersFor, type Combinacion } from './fan-out';
import { filtersKey } from './ledger-key';
import {
  estimateCost,
  exhaustedCriteria,
  isPlanningRefusal,
  planLedger,
  planRequests,
  sizedBySibling,
  type CostEstimate,
  type LedgerPlan,
  type PlannedRequest,
} from './registration-plan';
import type { RegistrationRequest } from './registration-request';
import type { RegistrationCaller, RegistrationResult } from './registration-service';

export interface AssessmentContext {
  readonly caller: RegistrationCaller;
  readonly request: RegistrationRequest;
  readonly combinacion: Combinacion;
  /** Every combination of the registration (an XML one may be sized by its metadata sibling). */
  readonly combinaciones: readonly Combinacion[];
  readonly contribuyente: Contribuyente | null;
  readonly now: Date;
  /** Serialise with other registrations of the ledger key (a dry run only reads). */
  readonly lock: boolean;
  readonly settlementWindowHours: number;
  readonly caps: SatCaps;
}

/** What registering one combination would do, worked out before anything is written. */
export type Assessment =
  | { readonly kind: 'answered'; readonly result: RegistrationResult }
  | {
      readonly kind: 'register';
      readonly base: { readonly contexto: Contexto; readonly tipoSolicitud: TipoSolicitud };
      readonly key: LedgerKey;
      readonly filtros: ReturnType<typeof filtersFor>;
      readonly contribuyente: Contribuyente;
      readonly ledger: LedgerPlan | undefined;
      readonly requests: readonly PlannedRequest[];
      readonly cost: CostEstimate;
    };

/**
 * Everything that decides what one combination becomes, read-only: the e.firma, the ledger (what is
 * already requested), the plan of SAT requests (sized from the metadata index when it can be), and
 * SAT's lifetime limit for each planned request. A registration writes what this finds; a dry run
 * only reports it.
 */
export async function assessCombination(
  manager: EntityManager,
  context: AssessmentContext,
): Promise<Assessment> {
  const { caller, request, combinacion, combinaciones, contribuyente, now } = context;
  const base = { contexto: combinacion.contexto, tipoSolicitud: combinacion.tipoSolicitud };
  const answered = (result: Omit<RegistrationResult, 'contexto' | 'tipoSolicitud'>): Assessment => ({
    kind: 'answered',
    result: { ...base, ...result },
  });
  const refused = (error: AppError): Assessment =>
    answered({
      idSolicitud: null,
      estado: 'Rechazada',
      codigo: error.code,
      mensaje: error.messageEs,
      idsSolicitudExistentes: [],
      periodosSolicitados: [],
    });
  if (!contribuyente?.fielCertificate || !contribuyente.fielValidTo || contribuyente.fielValidTo <= now) {
    return answered({
      idSolicitud: null,
      estado: 'Rechazada',
      codigo: solicitudesErrors.contribuyenteWithoutFiel.code,
      mensaje: solicitudesErrors.contribuyenteWithoutFiel.es.replace('{rfc}', request.rfc),
      idsSolicitudExistentes: [],
      periodosSolicitados: [],
    });
  }
  const filtros = filtersFor(combinacion, request.filtros);
  const key: LedgerKey = {
    tenantId: caller.tenantId,
    rfc: request.rfc,
    contexto: combinacion.contexto,
    tipoSolicitud: combinacion.tipoSolicitud,
    tipoDocumento: request.tipoDocumento,
    filtrosKey: filtersKey(filtros),
  };
  const ledger = request.periodo
    ? await planLedger(manager, key, request.periodo, {
        forzar: request.forzar,
        now,
        settlementWindowHours: context.settlementWindowHours,
        lock: context.lock,
      })
    : undefined;
  if (ledger && ledger.toRequest.length === 0) {
    return answered({
      idSolicitud: null,
      estado: 'Duplicada',
      codigo: null,
      mensaje: 'El periodo ya fue solicitado; consulte las solicitudes existentes.',
      idsSolicitudExistentes: ledger.existing,
      periodosSolicitados: [],
    });
  }
  const scope: SizingScope = {
    tenantId: caller.tenantId,
    rfc: request.rfc,
    contexto: combinacion.contexto,
    tipoSolicitud: combinacion.tipoSolicitud,
    tipoDocumento: request.tipoDocumento,
    filtros,
  };
  let requests: PlannedRequest[];
  try {
    requests = await planRequests(manager, scope, ledger?.toRequest, context.caps);
  } catch (error) {
    if (isPlanningRefusal(error)) return refused(error);
    throw error;
  }
  const spent = await exhaustedCriteria(manager, scope, key.filtrosKey, requests);
  if (spent) return refused(spent);
  const cost = await estimateCost(manager, scope, requests, sizedBySibling(combinacion, combinaciones));
  return { kind: 'register', base, key, filtros, contribuyente, ledger, requests, cost };
}
