import type { DataSource } from 'typeorm';
import { SatRequest, Solicitud } from '../../db';
import {
  AppError,
  SatError,
  ValidationError,
  satErrors,
  solicitudesErrors,
  type ErrorDefinition,
} from '../../errors';
import type { JobQueue } from '../ports/job-queue';
import type { PackageStore } from '../ports/package-store';
import type { SolicitudEventSink } from '../ports/solicitud-events';
import type { SatCredential, SatGateway } from '../ports/sat-gateway';
import type { FielVault } from '../secrets';
import type { TipoDocumento } from '../solicitudes/domain';
import { recordProgress } from './progress-recorder';
import type { RfcCallSlots } from './rfc-call-slots';
import {
  DECISION_ERROR_CODES,
  MAX_REISSUES,
  decide,
  decisionRow,
  type DecisionContext,
  type SatDecision,
  type SatObservation,
  type SatStep,
} from './sat-decisions';

/** Runs `work` with the SAT calls it makes attributed to a solicitud (and one of its SAT requests). */
export type SatCallScoper = <T>(
  target: { readonly tenantId: string; readonly solicitudId: string; readonly satRequestId?: string },
  work: () => Promise<T>,
) => Promise<T>;

/** What the three steps share: where state lives, how SAT is reached, how its answers are decided. */
export interface StepDependencies {
  readonly dataSource: DataSource;
  readonly sat: SatGateway;
  readonly store: PackageStore;
  readonly vault: FielVault;
  readonly jobs: JobQueue;
  readonly clock: () => Date;
  readonly rfcSlots: RfcCallSlots | undefined;
  readonly events: SolicitudEventSink | undefined;
  readonly scopeSatCalls: SatCallScoper | undefined;
}

/** One SAT call of a step, decided: the answer (when SAT gave one) or the error that replaced it. */
export interface DecidedCall<T> {
  readonly decision: SatDecision;
  /** The table row that decided, for logs and messages. */
  readonly row: string;
  readonly result: T | undefined;
  readonly error: SatError | undefined;
}

/** What a part or package ends with: the code the client sees and the message beside it. */
export interface FailureRecord {
  readonly codigo: string;
  readonly mensaje: string;
}

const DEFINITIONS_BY_CODE = new Map<string, ErrorDefinition>(
  [
    satErrors.tokenRefusedTwice,
    satErrors.reissuesExhausted,
    satErrors.authenticationRefused,
    satErrors.httpRefused,
    satErrors.operationNotSupported,
    satErrors.unknownSatCode,
  ].map((definition) => [definition.code, definition]),
);

/** Makes sure every code the table names has its message in the catalogue. */
for (const code of Object.values(DECISION_ERROR_CODES)) {
  if (!DEFINITIONS_BY_CODE.has(code)) throw new Error(`decision code ${code} has no catalogue entry`);
}

export class StepKit {
  constructor(readonly deps: StepDependencies) {}

  get dataSource(): DataSource {
    return this.deps.dataSource;
  }

  now(): Date {
    return this.deps.clock();
  }

  async progress(solicitudId: string): Promise<void> {
    await recordProgress(this.deps.dataSource, solicitudId, this.deps.events);
  }

  async loadRequest(
    satRequestId: string,
  ): Promise<{ request: SatRequest; solicitud: Solicitud } | undefined> {
    const request = await this.deps.dataSource.getRepository(SatRequest).findOneBy({ id: satRequestId });
    if (!request) return undefined;
    const solicitud = await this.deps.dataSource
      .getRepository(Solicitud)
      .findOneByOrFail({ id: request.solicitudId });
    return { request, solicitud };
  }

  async credentialFor(solicitud: Solicitud): Promise<SatCredential> {
    const fiel = await this.deps.vault.load(solicitud.tenantId, solicitud.rfc);
    if (!fiel)
      throw new ValidationError(solicitudesErrors.contribuyenteWithoutFiel, {
        params: { rfc: solicitud.rfc },
      });
    return {
      rfc: fiel.rfc,
      certificate: fiel.certificate,
      privateKey: fiel.privateKey,
      password: fiel.password,
    };
  }

  /** A SAT step, attributed to its solicitud for the raw trail when the pipeline was given a scoper. */
  scoped<T>(solicitud: Solicitud, satRequestId: string, work: () => Promise<T>): Promise<T> {
    const scope = this.deps.scopeSatCalls;
    return scope
      ? scope({ tenantId: solicitud.tenantId, solicitudId: solicitud.id, satRequestId }, work)
      : work();
  }

  /**
   * Runs a SAT step inside one of the RFC's call slots; when every slot is busy the step is not run
   * now but asks to be run again in a few seconds (without counting as a failed attempt).
   */
  async withRfcSlot<T>(solicitud: Solicitud, work: () => Promise<T>): Promise<T | Date> {
    const slots = this.deps.rfcSlots;
    if (!slots) return work();
    return slots.run(solicitud.tenantId, solicitud.rfc, work, () => {
      const seconds = 2 + Math.random() * 3;
      return new Date(this.now().getTime() + seconds * 1000);
    });
  }

  /**
   * Makes one SAT call and decides what its answer means. A refused token gets one fresh Autentica
   * and the call is made once more, here. Errors that are not about a SAT call (no e.firma on file, a
   * query SAT's rules forbid) are thrown as they are.
   */
  async decideCall<T>(
    step: SatStep,
    renew: { readonly credential: SatCredential; readonly tipoDocumento: TipoDocumento },
    call: () => Promise<T>,
    observe: (result: T) => SatObservation,
    context: Omit<DecisionContext, 'tokenRenewed'>,
    discard?: (result: T) => void,
  ): Promise<DecidedCall<T>> {
    for (const tokenRenewed of [false, true]) {
      let result: T | undefined;
      let error: SatError | undefined;
      let observation: SatObservation;
      try {
        result = await call();
        observation = observe(result);
      } catch (caught) {
        if (!(caught instanceof SatError) || caught.failure === undefined) throw caught;
        error = caught;
        observation = { step, failure: caught.failure, operation: caught.operation };
      }
      const decisionContext = { ...context, tokenRenewed };
      const decision = decide(observation, decisionContext);
      if (decision.kind === 'reauthenticate' && !tokenRenewed) {
        if (result !== undefined) discard?.(result);
        this.deps.sat.renewToken(renew.credential, renew.tipoDocumento);
        continue;
      }
      return { decision, row: decisionRow(observation, decisionContext).id, result, error };
    }
    throw new Error('unreachable: the second attempt always returns');
  }

  /**
   * The transient error that makes the job retry the same call with backoff: ours when the table
   * named a reason, the call's own when it was transient, else SAT's "try later" with what SAT said.
   */
  retryError(
    decision: Extract<SatDecision, { kind: 'retry' }>,
    error: SatError | undefined,
    answer?: { readonly codEstatus: string; readonly mensaje: string },
  ): AppError {
    if (decision.errorCode === satErrors.tokenRefusedTwice.code)
      return new SatError(satErrors.tokenRefusedTwice, {
        params: { detail: error?.messageEn ?? answer?.mensaje ?? '' },
      });
    if (error?.transient) return error;
    return new SatError(solicitudesErrors.satTryLater, {
      params: {
        satCode: answer?.codEstatus ?? error?.satCode ?? '',
        mensaje: answer?.mensaje ?? error?.messageEs ?? '',
      },
    });
  }

  /** The code and message a failed part or package shows. */
  failureRecord(
    decision: Extract<SatDecision, { kind: 'fail' }>,
    error: SatError | undefined,
    answer?: { readonly codEstatus: string; readonly mensaje: string },
    estadoSat?: number,
  ): FailureRecord {
    if (error && (!decision.errorCode || decision.errorCode === error.code))
      return { codigo: error.code, mensaje: error.messageEs };
    if (!decision.errorCode) return { codigo: answer?.codEstatus ?? '', mensaje: answer?.mensaje ?? '' };
    const definition = DEFINITIONS_BY_CODE.get(decision.errorCode);
    if (!definition) throw new Error(`no catalogue entry for ${decision.errorCode}`);
    const failure = new SatError(definition, {
      params: {
        satCode: answer?.codEstatus ?? error?.satCode ?? '',
        mensaje: answer?.mensaje ?? '',
        detail: error?.messageEs ?? answer?.mensaje ?? '',
        status: error?.params.status,
        veces: MAX_REISSUES,
        estado: estadoSat ?? '',
      },
    });
    return { codigo: failure.code, mensaje: failure.messageEs };
  }

  /**
   * Runs `work`; a permanent failure that is not about a SAT answer (no e.firma on file, a query SAT's
   * rules forbid) is recorded instead of thrown, because retrying would fail the same way.
   */
  async unlessPermanent<T>(
    work: () => Promise<T>,
    record: (failure: FailureRecord) => Promise<void>,
  ): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof AppError) || error.transient) throw error;
      await record({ codigo: error.code, mensaje: error.messageEs });
      return undefined;
    }
  }

  /** Ends a SAT request for good, with what the client must see. */
  async endRequest(
    request: SatRequest,
    estado: SatRequest['estado'],
    failure: FailureRecord,
    seen: Partial<SatRequest> = {},
  ): Promise<void> {
    await this.deps.dataSource.getRepository(SatRequest).update(
      { id: request.id },
      {
        ...seen,
        estado,
        codEstatus: failure.codigo,
        mensaje: failure.mensaje,
        finishedAt: this.now(),
        nextCheckAt: null,
      },
    );
    await this.progress(request.solicitudId);
  }
}
