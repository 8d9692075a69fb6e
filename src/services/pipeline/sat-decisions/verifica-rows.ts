import { ISSUE_17, SAT_VER, type DecisionRow } from './decision';
import { answered, verifica } from './observation';

/** VerificaSolicitudDescarga's answers. */
export const VERIFICA_ROWS: readonly DecisionRow[] = [
  {
    id: 'verifica-daily-limit',
    step: 'verificar',
    when: 'CodEstatus 5011: the daily limit per folio',
    decision: { kind: 'next-sat-day' },
    reference: `${SAT_VER} (added 2023-11)`,
    matches: (observation) => answered(observation, 'verificar', (code) => code.isDailyLimit()),
  },
  {
    id: 'verifica-try-later',
    step: 'verificar',
    when: 'CodEstatus 404 / 5006',
    decision: { kind: 'retry' },
    reference: 'sat-protocol.md §15 (404 Error no controlado)',
    matches: (observation) => answered(observation, 'verificar', (code) => code.isTryLater()),
  },
  {
    id: 'verifica-unknown-id',
    step: 'verificar',
    when: 'CodEstatus 5004: SAT does not know the IdSolicitud',
    decision: { kind: 'reissue' },
    reference: `${SAT_VER}; ${ISSUE_17} (an id kept from an answer SAT did not honour)`,
    matches: (observation) => answered(observation, 'verificar', (code) => code.isNotFound()),
  },
  {
    id: 'verifica-too-large',
    step: 'verificar',
    when: 'CodigoEstadoSolicitud 5003: more documents than one request may hold',
    decision: { kind: 'split' },
    reference: SAT_VER,
    matches: (observation) => verifica(observation, (result) => result.codigoEstado.isTooLarge()),
  },
  {
    id: 'verifica-no-data',
    step: 'verificar',
    when: 'CodigoEstadoSolicitud 5004: nothing matches',
    decision: { kind: 'no-data' },
    reference: SAT_VER,
    matches: (observation) => verifica(observation, (result) => result.codigoEstado.isNotFound()),
  },
  {
    id: 'verifica-stuck',
    step: 'verificar',
    when: 'EstadoSolicitud 1 or 2 past the polling horizon (VERIFY_HORIZON_HOURS)',
    decision: { kind: 'reissue' },
    reference: 'sat-protocol.md §10.4 (php#65, php#85, satcfdi#22: stuck for days)',
    matches: (observation, context) =>
      context.pastHorizon && verifica(observation, (result) => result.isRunning()),
  },
  {
    id: 'verifica-running',
    step: 'verificar',
    when: 'EstadoSolicitud 1 (Aceptada) or 2 (EnProceso)',
    decision: { kind: 'poll' },
    reference: SAT_VER,
    matches: (observation) => verifica(observation, (result) => result.isRunning()),
  },
  {
    id: 'verifica-finished',
    step: 'verificar',
    when: 'EstadoSolicitud 3 (Terminada)',
    decision: { kind: 'download' },
    reference: SAT_VER,
    matches: (observation) => verifica(observation, (result) => result.isFinished()),
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
        (result) =>
          result.isRejected() && (result.codigoEstado.isLifetimeSpent() || result.codigoEstado.isDuplicate()),
      ),
  },
  {
    id: 'verifica-not-delivered',
    step: 'verificar',
    when: 'EstadoSolicitud 4 (Error), 5 (Rechazada, other codes) or 6 (Vencida: packages expired before download)',
    decision: { kind: 'reissue' },
    reference: `${SAT_VER}; php#65, php#85, satcfdi#49`,
    matches: (observation) =>
      verifica(observation, (result) => result.isFailed() || result.isRejected() || result.isExpired()),
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
    matches: (observation) => answered(observation, 'verificar', (code) => code.isCertificateRefused()),
  },
];
