import { ISSUE_17, SAT_SOL, SAT_VER, type DecisionRow } from './decision';
import { answered, solicita } from './observation';

/** SolicitaDescarga's answers. */
export const SOLICITA_ROWS: readonly DecisionRow[] = [
  {
    id: 'solicita-accepted',
    step: 'solicitar',
    when: 'an IdSolicitud with CodEstatus 5000 — or 404 / 5006 / none, or an HTTP status other than 200, that still carries the id',
    decision: { kind: 'accepted' },
    reference: `${SAT_SOL}; ${ISSUE_17} (HTTP 404 carrying the IdSolicitud)`,
    matches: (observation) =>
      solicita(
        observation,
        // An id with no CodEstatus at all (a bare error page around the result) is still SAT's id.
        (result) =>
          result.hasIdSolicitud() &&
          (result.status.isAccepted() || result.status.isMissing() || result.status.isTryLater()),
      ),
  },
  {
    id: 'solicita-accepted-without-id',
    step: 'solicitar',
    when: 'CodEstatus 5000 without an IdSolicitud, or 404 / 5006 (uncontrolled or internal error)',
    decision: { kind: 'outcome-unknown' },
    reference: `${SAT_SOL} (404); php-CL 0.4.4 (5006)`,
    matches: (observation) =>
      answered(observation, 'solicitar', (code) => code.isAccepted() || code.isTryLater()),
  },
  {
    id: 'solicita-lifetime-spent',
    step: 'solicitar',
    when: 'CodEstatus 5002: the identical request was used up for life',
    decision: { kind: 'spent' },
    reference: `${SAT_SOL}; phpcfdi README "Notas de uso" (one second makes another request); satcfdi#49`,
    matches: (observation) => answered(observation, 'solicitar', (code) => code.isLifetimeSpent()),
  },
  {
    id: 'solicita-duplicate',
    step: 'solicitar',
    when: 'CodEstatus 5005: an identical request is active, and we hold no IdSolicitud of it to follow',
    decision: { kind: 'spent' },
    reference: `${SAT_SOL}; ${ISSUE_17}`,
    matches: (observation) => answered(observation, 'solicitar', (code) => code.isDuplicate()),
  },
  {
    id: 'solicita-no-data',
    step: 'solicitar',
    when: 'CodEstatus 5004',
    decision: { kind: 'no-data' },
    reference: SAT_SOL,
    matches: (observation) => answered(observation, 'solicitar', (code) => code.isNotFound()),
  },
  {
    id: 'solicita-too-large',
    step: 'solicitar',
    when: 'CodEstatus 5003',
    decision: { kind: 'split' },
    reference: SAT_VER,
    matches: (observation) => answered(observation, 'solicitar', (code) => code.isTooLarge()),
  },
  {
    id: 'solicita-daily-limit',
    step: 'solicitar',
    when: 'CodEstatus 5011: the daily limit',
    decision: { kind: 'next-sat-day' },
    reference: `${SAT_VER} (added 2023-11); ${ISSUE_17}`,
    matches: (observation) => answered(observation, 'solicitar', (code) => code.isDailyLimit()),
  },
  {
    id: 'solicita-refused',
    step: 'solicitar',
    when: 'CodEstatus 301–305 (request or certificate refused), 5001 (third party not authorised), 5012 (cancelled XML)',
    decision: { kind: 'fail', estado: 'Rechazada' },
    reference: `${SAT_SOL}; sat-protocol.md §15 (test FIEL → 305)`,
    matches: (observation) =>
      answered(
        observation,
        'solicitar',
        (code) => code.isCertificateRefused() || code.isThirdPartyNotAuthorised() || code.isCancelledXml(),
      ),
  },
];
