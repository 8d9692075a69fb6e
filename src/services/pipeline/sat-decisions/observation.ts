import type { SatFailure, SatOperationName } from '../../../errors';
import { DownloadResult, QueryResult, SatCode, VerifyResult } from '../../../sat';

export type SatStep = 'solicitar' | 'verificar' | 'descargar';

/** SAT's answer to SolicitaDescarga (HTTP 200, or another status whose body still carried a result). */
export interface SolicitaAnswer {
  readonly codEstatus: string;
  readonly idSolicitud: string | undefined;
  readonly httpStatus: number;
}

export interface VerificaAnswer {
  readonly codEstatus: string;
  readonly estadoSolicitud: number;
  readonly codigoEstadoSolicitud: string | undefined;
}

export interface DescargaAnswer {
  readonly codEstatus: string;
  /** Whether the answer carried the package. */
  readonly paquete: boolean;
}

/** What one SAT call of a step produced: SAT's business answer, or a failure without one. */
export type SatObservation =
  | { readonly step: 'solicitar'; readonly answer: SolicitaAnswer }
  | { readonly step: 'verificar'; readonly answer: VerificaAnswer }
  | { readonly step: 'descargar'; readonly answer: DescargaAnswer }
  | {
      readonly step: SatStep;
      readonly failure: SatFailure;
      /** The call that failed: Autentica can fail inside any step. */
      readonly operation: SatOperationName | undefined;
    };

export interface DecisionContext {
  /** This run already authenticated anew after a refused token. */
  readonly tokenRenewed: boolean;
  /** The request has been running at SAT for longer than the polling horizon (VERIFY_HORIZON_HOURS). */
  readonly pastHorizon: boolean;
  /** How many times this part was already asked again as a new request. */
  readonly reissues: number;
}

const SIGNED_OPERATIONS = new Set<SatOperationName | undefined>(['solicitud', 'verificacion', 'descarga']);

interface AnswersByStep {
  readonly solicitar: SolicitaAnswer;
  readonly verificar: VerificaAnswer;
  readonly descargar: DescargaAnswer;
}

function answerOf<S extends SatStep>(observation: SatObservation, step: S): AnswersByStep[S] | undefined {
  if (observation.step !== step || !('answer' in observation)) return undefined;
  return observation.answer as AnswersByStep[S];
}

function failureOf(
  observation: SatObservation,
): { failure: SatFailure; operation: SatOperationName | undefined } | undefined {
  return 'failure' in observation ? observation : undefined;
}

/** SAT answered the step with a CodEstatus that passes `test`. */
export function answered(
  observation: SatObservation,
  step: SatStep,
  test: (code: SatCode) => boolean,
): boolean {
  const answer = answerOf(observation, step);
  return answer !== undefined && test(new SatCode(answer.codEstatus));
}

export function solicita(observation: SatObservation, test: (result: QueryResult) => boolean): boolean {
  const answer = answerOf(observation, 'solicitar');
  return answer !== undefined && test(new QueryResult(answer));
}

/** Verifica's answer, whatever its CodEstatus. */
export function verifyResultOf(observation: SatObservation): VerifyResult | undefined {
  const answer = answerOf(observation, 'verificar');
  return answer && new VerifyResult(answer);
}

/** A Verifica answer in which SAT spoke about the request (CodEstatus 5000) and that passes `test`. */
export function verifica(observation: SatObservation, test: (result: VerifyResult) => boolean): boolean {
  const result = verifyResultOf(observation);
  return result !== undefined && result.status.isAccepted() && test(result);
}

export function descarga(observation: SatObservation, test: (result: DownloadResult) => boolean): boolean {
  const answer = answerOf(observation, 'descargar');
  return answer !== undefined && test(new DownloadResult(answer));
}

/** A token refusal of a signed call, in any of the ways SAT says it. */
export function tokenRefused(observation: SatObservation): boolean {
  if ('answer' in observation) return new SatCode(observation.answer.codEstatus).isTokenRefused();
  const { failure, operation } = observation;
  if (!SIGNED_OPERATIONS.has(operation)) return false;
  if (failure.kind === 'http') return failure.status === 401 || failure.status === 403;
  return failure.kind === 'fault' && failure.fault === 'security';
}

/** The SolicitaDescarga itself may have reached SAT and been taken: its answer is what was lost. */
export function solicitaAnswerLost(observation: SatObservation): boolean {
  const found = failureOf(observation);
  if (!found || observation.step !== 'solicitar' || found.operation !== 'solicitud') return false;
  const { failure } = found;
  switch (failure.kind) {
    case 'transport':
      return failure.delivered === 'unknown';
    case 'http':
      return failure.status >= 500;
    case 'garbled':
      return true;
    case 'fault':
      return failure.fault === 'other';
  }
}

export function isFailure(observation: SatObservation, test: (failure: SatFailure) => boolean): boolean {
  const found = failureOf(observation);
  return found !== undefined && test(found.failure);
}
