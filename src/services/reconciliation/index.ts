export {
  RECONCILIATION_CLASSES,
  type ReconciliationClass,
  type ReconciliationContexto,
  type ReconciliationRow,
} from '../../db';
export {
  DEFAULT_PAGE_SIZE,
  DIFFERENCE_CLASSES,
  type ReconciliationCriteria,
} from './reconciliation-criteria';
export {
  ReconciliationService,
  type ReconciliationExport,
  type ReconciliationReport,
  type ReconciliationServiceOptions,
} from './reconciliation-service';
export { StatusRecheck, type StatusRecheckOptions, type StatusRecheckResult } from './status-recheck';
