import { DECISION_ERROR_CODES, ISSUE_17, SAT_SOL, type DecisionRow } from './decision';
import { isFailure, solicitaAnswerLost, tokenRefused } from './observation';

/** Tokens in every step, then the calls that got no answer from SAT. */
export const FAILURE_ROWS: readonly DecisionRow[] = [
  // Tokens, in every step: one fresh Autentica, then one more try.
  {
    id: 'token-refused',
    step: 'any',
    when: 'token refused on a signed call: CodEstatus 300, HTTP 401/403, or an InvalidSecurity fault',
    decision: { kind: 'reauthenticate' },
    reference: `${SAT_SOL} (300); sat-protocol.md §15 (pycc#44, pycc#47); ${ISSUE_17}`,
    matches: (observation, context) => !context.tokenRenewed && tokenRefused(observation),
  },
  {
    id: 'token-refused-again',
    step: 'any',
    when: 'the same refusal right after a fresh Autentica',
    decision: { kind: 'retry', errorCode: DECISION_ERROR_CODES.tokenRefusedTwice },
    reference: ISSUE_17,
    matches: (observation, context) => context.tokenRenewed && tokenRefused(observation),
  },
  // Failures without an answer.
  {
    id: 'not-sent',
    step: 'any',
    when: 'no connection: the request never left (refused, DNS, connect timeout)',
    decision: { kind: 'retry' },
    reference: 'sat-protocol.md §15 (SAT outages)',
    matches: (observation) =>
      isFailure(observation, (failure) => failure.kind === 'transport' && failure.delivered === 'no'),
  },
  {
    id: 'autentica-refused',
    step: 'any',
    when: 'Autentica answers an InvalidSecurity / FailedAuthentication fault',
    decision: {
      kind: 'fail',
      estado: 'Error',
      errorCode: DECISION_ERROR_CODES.authenticationRefused,
    },
    reference: 'sat-protocol.md §15 (pycc#14: clock off; e.firma not valid)',
    matches: (observation) =>
      isFailure(observation, (failure) => failure.kind === 'fault' && failure.fault === 'security'),
  },
  {
    id: 'action-not-supported',
    step: 'any',
    when: 'an ActionNotSupported / ContractFilter fault',
    decision: { kind: 'fail', estado: 'Error', errorCode: DECISION_ERROR_CODES.operationNotSupported },
    reference: 'sat-protocol.md §15 (v1.5 switch: satcfdi#42, pycc#58)',
    matches: (observation) =>
      isFailure(observation, (failure) => failure.kind === 'fault' && failure.fault === 'action'),
  },
  {
    id: 'solicita-answer-lost',
    step: 'solicitar',
    when: 'SolicitaDescarga sent and its answer lost: timeout or reset after sending, HTTP 5xx, a garbled 200, a SOAP fault',
    decision: { kind: 'outcome-unknown' },
    reference: ISSUE_17,
    matches: (observation) => solicitaAnswerLost(observation),
  },
  {
    id: 'http-passing',
    step: 'any',
    when: 'HTTP 408, 429, 5xx (or another non-4xx status) without an answer',
    decision: { kind: 'retry' },
    reference: 'sat-protocol.md §15 (pycc#25, pycc#45, php#47)',
    matches: (observation) =>
      isFailure(
        observation,
        (failure) =>
          failure.kind === 'http' &&
          (failure.status === 408 || failure.status === 429 || failure.status < 400 || failure.status >= 500),
      ),
  },
  {
    id: 'http-refused',
    step: 'any',
    when: 'any other HTTP 4xx without an answer',
    decision: { kind: 'fail', estado: 'Error', errorCode: DECISION_ERROR_CODES.httpRefused },
    reference: ISSUE_17,
    matches: (observation) => isFailure(observation, (failure) => failure.kind === 'http'),
  },
  {
    id: 'no-answer',
    step: 'any',
    when: 'any other failure without an answer (timeout or reset, garbled 200, other fault) on Autentica, Verifica or Descarga',
    decision: { kind: 'retry' },
    reference: 'sat-protocol.md §15 (SAT outages)',
    matches: (observation) => 'failure' in observation,
  },
];
