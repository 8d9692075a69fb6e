import { SatCode, satFaultKind } from '../../sat';
import type { SatOperation } from './endpoints';

/**
 * What one SAT call says about SAT, not about the request:
 * - `ok`: SAT did its job (a token, an accepted or finished request, a package);
 * - `answered`: SAT worked and refused or had nothing (301 bad request, 5002 exhausted, 5004 no data,
 *   an e.firma it does not accept): the taxpayer's or the request's problem, not an outage;
 * - `failure`: SAT answered but could not do its job (HTTP 5xx, a SOAP Fault, 404/5006 "try later",
 *   an answer that is not SAT's envelope);
 * - `transport`: no answer at all (refused, reset, timed out, cut short half-way).
 * Only `failure` and `transport` count against an endpoint's health.
 */
export type CallOutcome = 'ok' | 'answered' | 'failure' | 'transport';

export interface ObservedAnswer {
  readonly operation: SatOperation;
  /** HTTP status; undefined when no answer came or it broke off. */
  readonly status: number | undefined;
  /** SAT's CodEstatus, when the answer carried one. */
  readonly codEstatus?: string | undefined;
  /** Autentica's answer carried a token. */
  readonly token?: boolean;
  /** The faultcode of a SOAP Fault, when the answer was one. */
  readonly faultCode?: string | undefined;
}

export interface ClassifiedCall {
  readonly outcome: CallOutcome;
  /** The label the call is counted under: a CodEstatus, `token`, `http_<status>`, `fault`, `network`… */
  readonly code: string;
}

export function classifyCall(answer: ObservedAnswer): ClassifiedCall {
  const { status } = answer;
  if (status === undefined) return { outcome: 'transport', code: 'network' };
  if (answer.faultCode !== undefined) {
    // A refused signature or token is about the e.firma or the clock, and SAT was up to say so.
    if (satFaultKind(answer.faultCode) === 'security')
      return { outcome: 'answered', code: 'InvalidSecurity' };
    return { outcome: 'failure', code: status === 200 ? 'fault' : `http_${status}` };
  }
  if (status !== 200) return { outcome: 'failure', code: `http_${status}` };
  if (answer.operation === 'autenticacion')
    return answer.token ? { outcome: 'ok', code: 'token' } : { outcome: 'failure', code: 'malformed' };
  const code = answer.codEstatus;
  if (!code) return { outcome: 'failure', code: 'malformed' };
  const meaning = new SatCode(code);
  if (meaning.isAccepted()) return { outcome: 'ok', code };
  // A refused token is the pipeline's to renew, not an outage; 404 and 5006 are SAT's "try later".
  if (meaning.isTryLater()) return { outcome: 'failure', code };
  return { outcome: 'answered', code };
}

export function countsAsFailure(outcome: CallOutcome): boolean {
  return outcome === 'failure' || outcome === 'transport';
}
