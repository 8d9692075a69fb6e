import { DECISION_ERROR_CODES, ISSUE_17, MAX_REISSUES, type DecisionRow, type SatDecision } from './decision';
import { DESCARGA_ROWS } from './descarga-rows';
import { FAILURE_ROWS } from './failure-rows';
import { verifyResultOf, type DecisionContext, type SatObservation } from './observation';
import { SOLICITA_ROWS } from './solicita-rows';
import { VERIFICA_ROWS } from './verifica-rows';

/** The table, in order: the first row that matches decides. */
export const DECISION_TABLE: readonly DecisionRow[] = [
  ...FAILURE_ROWS,
  ...SOLICITA_ROWS,
  ...VERIFICA_ROWS,
  ...DESCARGA_ROWS,
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
  const verified = verifyResultOf(observation);
  return {
    kind: 'fail',
    estado: verified?.isRejected() ? 'Rechazada' : verified?.isExpired() ? 'Vencida' : 'Error',
    errorCode: DECISION_ERROR_CODES.reissuesExhausted,
  };
}
