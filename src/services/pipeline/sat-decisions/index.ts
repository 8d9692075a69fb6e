/**
 * What the pipeline does with every answer SAT can give (or fail to give) to each of its three steps.
 * One ordered table, first matching row wins; the steps (solicitar, verificar, descargar) only apply
 * the decision. The rows ask SAT's answers what they mean (`SatCode`, `VerifyResult`, … of src/sat):
 * SAT's numbers stay in src/sat.
 *
 * The table is rendered into docs/decisions.md (`npm run docs:errors`), and a test holds the two equal.
 */
export type {
  SatStep,
  SolicitaAnswer,
  VerificaAnswer,
  DescargaAnswer,
  SatObservation,
  DecisionContext,
} from './observation';
export {
  DECISION_ERROR_CODES,
  MAX_REISSUES,
  type FinalEstado,
  type SatDecision,
  type DecisionRow,
} from './decision';
export { DECISION_TABLE, REISSUE_LIMIT_ROW, decisionRow, decide } from './decision-table';
export { renderDecisionTable } from './render';
