import type { SatFailure, SatOperationName } from '../../errors';

/**
 * What the pipeline does with every answer SAT can give (or fail to give) to each of its three steps.
 * One ordered table, first matching row wins; the steps (solicitar, verificar, descargar) only apply
 * the decision. This module and `src/sat/shared/` are the only places that know SAT's numbers.
 *
 * The table is rendered into docs/decisions.md (`npm run docs:errors`), and a test holds the two equal.
 */

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

/** Our codes for outcomes SAT did not name itself (the catalogue holds their messages). */
export const DECISION_ERROR_CODES = Object.freeze({
  /** SAT refused a token it had just issued. */
  tokenRefusedTwice: 'DM-5007',
  /** The part was asked again MAX_REISSUES times and still did not deliver. */
  reissuesExhausted: 'DM-5008',
  /** Autentica refused the e.firma. */
  authenticationRefused: 'DM-5003',
  /** An HTTP 4xx that no retry or new token can change. */
  httpRefused: 'DM-5004',
  /** SAT no longer knows the operation: the client is outdated. */
  operationNotSupported: 'DM-5005',
  /** A SAT code this table does not know. */
  unknownSatCode: 'DM-5009',
});

/** A part that does not deliver is asked again at most this many times before it is given up. */
export const MAX_REISSUES = 3;

export type FinalEstado = 'Rechazada' | 'Error' | 'Vencida' | 'Vencido';

export type SatDecision =
  /** Solicitar: SAT took the request; keep its IdSolicitud and poll it. */
  | { readonly kind: 'accepted' }
  /** Verificar: still running; ask again later (growing intervals). */
  | { readonly kind: 'poll' }
  /** Verificar: finished with packages; download each. */
  | { readonly kind: 'download' }
  /** Descargar: the package is in the answer; store it. */
  | { readonly kind: 'store' }
  /** No documents match: the part ends SinDatos. */
  | { readonly kind: 'no-data' }
  /** Too many documents for one request: the period is halved. */
  | { readonly kind: 'split' }
  /** The same call again later with backoff; `errorCode` names the reason when it is ours. */
  | { readonly kind: 'retry'; readonly errorCode?: string }
  /** A fresh Autentica, then the same call once more in this run. */
  | { readonly kind: 'reauthenticate' }
  /**
   * Solicitar: SAT may have accepted without our hearing it. Recorded before anything else; then the
   * part is asked again one second wider, never as it was (that could spend SAT's second request on
   * the same criteria blindly, or meet 5005 from the lost one).
   */
  | { readonly kind: 'outcome-unknown' }
  /**
   * Solicitar: SAT will not take these exact criteria again (5002), or holds an identical request we
   * cannot follow (5005 with no IdSolicitud). Asked again over a period one second wider.
   */
  | { readonly kind: 'spent' }
  /** The request will not deliver: the part is asked again as a new request. */
  | { readonly kind: 'reissue' }
  /** SAT's per-day limit: the same call after 00:00 Mexico City of the next day. */
  | { readonly kind: 'next-sat-day' }
  /**
   * The part (or the package) ends. `errorCode` is ours when SAT gave no code of its own; otherwise
   * SAT's CodEstatus and message are what the client sees.
   */
  | { readonly kind: 'fail'; readonly estado: FinalEstado; readonly errorCode?: string };

export interface DecisionRow {
  /** Stable name, quoted in logs and docs. */
  readonly id: string;
  readonly step: SatStep | 'any';
  /** SAT's answer, in words. */
  readonly when: string;
  readonly decision: SatDecision;
  /** Where the behaviour is documented or reported. */
  readonly reference: string;
  readonly matches: (observation: SatObservation, context: DecisionContext) => boolean;
}

const SIGNED_OPERATIONS = new Set<SatOperationName | undefined>(['solicitud', 'verificacion', 'descarga']);
const CERTIFICATE_CODES = new Set(['301', '302', '303', '304', '305']);
const SAT_TRY_LATER = new Set(['404', '5006']);

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

/** SAT's CodEstatus of a step's answer, when SAT answered. */
function code(observation: SatObservation, step: SatStep): string | undefined {
  return answerOf(observation, step)?.codEstatus;
}

function verifica(observation: SatObservation, test: (answer: VerificaAnswer) => boolean): boolean {
  const answer = answerOf(observation, 'verificar');
  return answer !== undefined && answer.codEstatus === '5000' && test(answer);
}

/** A token refusal of a signed call, in any of the ways SAT says it. */
function tokenRefused(observation: SatObservation): boolean {
  if ('answer' in observation) return observation.answer.codEstatus === '300';
  const { failure, operation } = observation;
  if (!SIGNED_OPERATIONS.has(operation)) return false;
  if (failure.kind === 'http') return failure.status === 401 || failure.status === 403;
  return failure.kind === 'fault' && failure.fault === 'security';
}

/** The SolicitaDescarga itself may have reached SAT and been taken: its answer is what was lost. */
function solicitaAnswerLost(observation: SatObservation): boolean {
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

function isFailure(observation: SatObservation, test: (failure: SatFailure) => boolean): boolean {
  const found = failureOf(observation);
  return found !== undefined && test(found.failure);
}

const SAT_SOL = 'SAT, SolicitaDescarga v1.5 (CodEstatus table)';
const SAT_VER = 'SAT, VerificaSolicitudDescarga v1.5';
const SAT_DES = 'SAT, Descarga v1.5';
const ISSUE_17 = 'issue 17 (reports of phpcfdi, nodecfdi, python-cfdiclient, satcfdi users)';

/** The table, in order: the first row that matches decides. */
export const DECISION_TABLE: readonly DecisionRow[] = [
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
  // SolicitaDescarga.
  {
    id: 'solicita-accepted',
    step: 'solicitar',
    when: 'an IdSolicitud with CodEstatus 5000 — or 404 / 5006 / none, or an HTTP status other than 200, that still carries the id',
    decision: { kind: 'accepted' },
    reference: `${SAT_SOL}; ${ISSUE_17} (HTTP 404 carrying the IdSolicitud)`,
    matches: (observation) => {
      const answer = answerOf(observation, 'solicitar');
      // An id with no CodEstatus at all (a bare error page around the result) is still SAT's id.
      return (
        answer?.idSolicitud !== undefined &&
        (answer.codEstatus === '5000' || answer.codEstatus === '' || SAT_TRY_LATER.has(answer.codEstatus))
      );
    },
  },
  {
    id: 'solicita-accepted-without-id',
    step: 'solicitar',
    when: 'CodEstatus 5000 without an IdSolicitud, or 404 / 5006 (uncontrolled or internal error)',
    decision: { kind: 'outcome-unknown' },
    reference: `${SAT_SOL} (404); php-CL 0.4.4 (5006)`,
    matches: (observation) => {
      const status = code(observation, 'solicitar');
      return status === '5000' || (status !== undefined && SAT_TRY_LATER.has(status));
    },
  },
  {
    id: 'solicita-lifetime-spent',
    step: 'solicitar',
    when: 'CodEstatus 5002: the identical request was used up for life',
    decision: { kind: 'spent' },
    reference: `${SAT_SOL}; phpcfdi README "Notas de uso" (one second makes another request); satcfdi#49`,
    matches: (observation) => code(observation, 'solicitar') === '5002',
  },
  {
    id: 'solicita-duplicate',
    step: 'solicitar',
    when: 'CodEstatus 5005: an identical request is active, and we hold no IdSolicitud of it to follow',
    decision: { kind: 'spent' },
    reference: `${SAT_SOL}; ${ISSUE_17}`,
    matches: (observation) => code(observation, 'solicitar') === '5005',
  },
  {
    id: 'solicita-no-data',
    step: 'solicitar',
    when: 'CodEstatus 5004',
    decision: { kind: 'no-data' },
    reference: SAT_SOL,
    matches: (observation) => code(observation, 'solicitar') === '5004',
  },
  {
    id: 'solicita-too-large',
    step: 'solicitar',
    when: 'CodEstatus 5003',
    decision: { kind: 'split' },
    reference: SAT_VER,
    matches: (observation) => code(observation, 'solicitar') === '5003',
  },
  {
    id: 'solicita-daily-limit',
    step: 'solicitar',
    when: 'CodEstatus 5011: the daily limit',
    decision: { kind: 'next-sat-day' },
    reference: `${SAT_VER} (added 2023-11); ${ISSUE_17}`,
    matches: (observation) => code(observation, 'solicitar') === '5011',
  },
  {
    id: 'solicita-refused',
    step: 'solicitar',
    when: 'CodEstatus 301–305 (request or certificate refused), 5001 (third party not authorised), 5012 (cancelled XML)',
    decision: { kind: 'fail', estado: 'Rechazada' },
    reference: `${SAT_SOL}; sat-protocol.md §15 (test FIEL → 305)`,
    matches: (observation) => {
      const status = code(observation, 'solicitar');
      return (
        status !== undefined && (CERTIFICATE_CODES.has(status) || status === '5001' || status === '5012')
      );
    },
  },
  // VerificaSolicitudDescarga.
  {
    id: 'verifica-daily-limit',
    step: 'verificar',
    when: 'CodEstatus 5011: the daily limit per folio',
    decision: { kind: 'next-sat-day' },
    reference: `${SAT_VER} (added 2023-11)`,
    matches: (observation) => code(observation, 'verificar') === '5011',
  },
  {
    id: 'verifica-try-later',
    step: 'verificar',
    when: 'CodEstatus 404 / 5006',
    decision: { kind: 'retry' },
    reference: 'sat-protocol.md §15 (404 Error no controlado)',
    matches: (observation) => SAT_TRY_LATER.has(code(observation, 'verificar') ?? ''),
  },
  {
    id: 'verifica-unknown-id',
    step: 'verificar',
    when: 'CodEstatus 5004: SAT does not know the IdSolicitud',
    decision: { kind: 'reissue' },
    reference: `${SAT_VER}; ${ISSUE_17} (an id kept from an answer SAT did not honour)`,
    matches: (observation) => code(observation, 'verificar') === '5004',
  },
  {
    id: 'verifica-too-large',
    step: 'verificar',
    when: 'CodigoEstadoSolicitud 5003: more documents than one request may hold',
    decision: { kind: 'split' },
    reference: SAT_VER,
    matches: (observation) => verifica(observation, (answer) => answer.codigoEstadoSolicitud === '5003'),
  },
  {
    id: 'verifica-no-data',
    step: 'verificar',
    when: 'CodigoEstadoSolicitud 5004: nothing matches',
    decision: { kind: 'no-data' },
    reference: SAT_VER,
    matches: (observation) => verifica(observation, (answer) => answer.codigoEstadoSolicitud === '5004'),
  },
  {
    id: 'verifica-stuck',
    step: 'verificar',
    when: 'EstadoSolicitud 1 or 2 past the polling horizon (VERIFY_HORIZON_HOURS)',
    decision: { kind: 'reissue' },
    reference: 'sat-protocol.md §10.4 (php#65, php#85, satcfdi#22: stuck for days)',
    matches: (observation, context) =>
      context.pastHorizon &&
      verifica(observation, (answer) => answer.estadoSolicitud === 1 || answer.estadoSolicitud === 2),
  },
  {
    id: 'verifica-running',
    step: 'verificar',
    when: 'EstadoSolicitud 1 (Aceptada) or 2 (EnProceso)',
    decision: { kind: 'poll' },
    reference: SAT_VER,
    matches: (observation) =>
      verifica(observation, (answer) => answer.estadoSolicitud === 1 || answer.estadoSolicitud === 2),
  },
  {
    id: 'verifica-finished',
    step: 'verificar',
    when: 'EstadoSolicitud 3 (Terminada)',
    decision: { kind: 'download' },
    reference: SAT_VER,
    matches: (observation) => verifica(observation, (answer) => answer.estadoSolicitud === 3),
  },
  {
    id: 'verifica-rejected-spent',
    step: 'verificar',
    when: 'EstadoSolicitud 5 (Rechazada) with CodigoEstadoSolicitud 5002 or 5005',
    decision: { kind: 'spent' },
    reference: `sat-protocol.md §9.2; satcfdi#49 (stuck requests end Rechazada and still count); ${ISSUE_17}`,
    matches: (observation) =>
      verifica(
        observation,
        (answer) =>
          answer.estadoSolicitud === 5 &&
          (answer.codigoEstadoSolicitud === '5002' || answer.codigoEstadoSolicitud === '5005'),
      ),
  },
  {
    id: 'verifica-not-delivered',
    step: 'verificar',
    when: 'EstadoSolicitud 4 (Error), 5 (Rechazada, other codes) or 6 (Vencida: packages expired before download)',
    decision: { kind: 'reissue' },
    reference: `${SAT_VER}; php#65, php#85, satcfdi#49`,
    matches: (observation) => verifica(observation, (answer) => [4, 5, 6].includes(answer.estadoSolicitud)),
  },
  {
    id: 'verifica-state-unknown',
    step: 'verificar',
    when: 'CodEstatus 5000 with EstadoSolicitud 0 or one SAT never documented',
    decision: { kind: 'retry' },
    reference: 'sat-protocol.md §15 (satcfdi#13, pycc#25: EstadoSolicitud 0)',
    matches: (observation) => verifica(observation, () => true),
  },
  {
    id: 'verifica-refused',
    step: 'verificar',
    when: 'CodEstatus 301–305',
    decision: { kind: 'fail', estado: 'Error' },
    reference: SAT_VER,
    matches: (observation) => CERTIFICATE_CODES.has(code(observation, 'verificar') ?? ''),
  },
  // Descarga.
  {
    id: 'descarga-package',
    step: 'descargar',
    when: 'CodEstatus 5000 with the package',
    decision: { kind: 'store' },
    reference: SAT_DES,
    matches: (observation) => {
      const answer = answerOf(observation, 'descargar');
      return answer?.codEstatus === '5000' && answer.paquete;
    },
  },
  {
    id: 'descarga-empty',
    step: 'descargar',
    when: 'CodEstatus 5000 without a package, or 404 / 5006',
    decision: { kind: 'retry' },
    reference: `${SAT_DES}; sat-protocol.md §15`,
    matches: (observation) => {
      const status = code(observation, 'descargar');
      return status === '5000' || SAT_TRY_LATER.has(status ?? '');
    },
  },
  {
    id: 'descarga-daily-limit',
    step: 'descargar',
    when: 'CodEstatus 5011',
    decision: { kind: 'next-sat-day' },
    reference: SAT_VER,
    matches: (observation) => code(observation, 'descargar') === '5011',
  },
  {
    id: 'descarga-expired',
    step: 'descargar',
    when: 'CodEstatus 5007: the package is gone (packages live 72 hours)',
    decision: { kind: 'fail', estado: 'Vencido' },
    reference: SAT_DES,
    matches: (observation) => code(observation, 'descargar') === '5007',
  },
  {
    id: 'descarga-refused',
    step: 'descargar',
    when: 'CodEstatus 5004 (no such package), 5008 (downloaded twice already), 301–305',
    decision: { kind: 'fail', estado: 'Error' },
    reference: `${SAT_DES}; php#78 (5008)`,
    matches: (observation) => {
      const status = code(observation, 'descargar') ?? '';
      return status === '5004' || status === '5008' || CERTIFICATE_CODES.has(status);
    },
  },
  // Whatever is left.
  {
    id: 'unknown-code',
    step: 'any',
    when: 'a CodEstatus this table does not know',
    decision: { kind: 'fail', estado: 'Error', errorCode: DECISION_ERROR_CODES.unknownSatCode },
    reference: 'sat-protocol.md §15 (treat unknown codes as typed errors carrying the raw values)',
    matches: () => true,
  },
];

/** Applied after the table: a part asked again this often is given up with what SAT last said. */
export const REISSUE_LIMIT_ROW = {
  id: 'reissues-exhausted',
  when: `any "reissue" once the part was already asked again ${MAX_REISSUES} times`,
  reference: ISSUE_17,
} as const;

/** The row that decides `observation`: the table is total (its last row takes anything). */
export function decisionRow(observation: SatObservation, context: DecisionContext): DecisionRow {
  const row = DECISION_TABLE.find((candidate) => candidate.matches(observation, context));
  if (!row) throw new Error('the decision table has no catch-all row');
  return row;
}

export function decide(observation: SatObservation, context: DecisionContext): SatDecision {
  const { decision } = decisionRow(observation, context);
  if (decision.kind !== 'reissue' || context.reissues < MAX_REISSUES) return decision;
  const estado = answerOf(observation, 'verificar')?.estadoSolicitud;
  return {
    kind: 'fail',
    estado: estado === 5 ? 'Rechazada' : estado === 6 ? 'Vencida' : 'Error',
    errorCode: DECISION_ERROR_CODES.reissuesExhausted,
  };
}

const DECISION_WORDS: Readonly<Record<SatDecision['kind'], string>> = {
  accepted: 'accepted: keep the IdSolicitud, poll it',
  poll: 'poll again later (growing intervals)',
  download: 'download every package',
  store: 'store the package (streamed, verified)',
  'no-data': 'part ends SinDatos',
  split: 'halve the period, ask each half',
  retry: 'retry the same call later (backoff)',
  reauthenticate: 'fresh Autentica, then the same call once',
  'outcome-unknown': 'record "sent, outcome unknown" (Incierta); ask again one second wider, never as it was',
  spent: 'ask again over a period one second wider (DM-9030 only if it cannot widen)',
  reissue: 'ask the part again as a new request',
  'next-sat-day': 'same call after 00:00 Mexico City of the next day (plus jitter)',
  fail: 'part ends',
};

function describeDecision(decision: SatDecision): string {
  const words = DECISION_WORDS[decision.kind];
  if (decision.kind === 'fail') {
    const code = decision.errorCode ? ` with ${decision.errorCode}` : " with SAT's code";
    return `${words} ${decision.estado}${code}`;
  }
  if (decision.kind === 'retry' && decision.errorCode) return `${words}; reason ${decision.errorCode}`;
  return words;
}

/** The table as Markdown, for docs/decisions.md. */
export function renderDecisionTable(): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const lines = [
    '| # | Step | SAT answers | Decision | Reference |',
    '| --- | --- | --- | --- | --- |',
    ...DECISION_TABLE.map(
      (row, index) =>
        `| ${index + 1} \`${row.id}\` | ${row.step} | ${cell(row.when)} | ${cell(describeDecision(row.decision))} | ${cell(row.reference)} |`,
    ),
    `| — \`${REISSUE_LIMIT_ROW.id}\` | verificar | ${cell(REISSUE_LIMIT_ROW.when)} | part ends (Rechazada, Vencida or Error as SAT said) with ${DECISION_ERROR_CODES.reissuesExhausted} | ${REISSUE_LIMIT_ROW.reference} |`,
  ];
  return lines.join('\n');
}
