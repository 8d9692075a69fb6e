export type { CfdiSearchRow } from '../../db';
export { CfdiService, type CfdiDocument, type RetrievedCfdi } from './cfdi-service';
export { EFECTOS, ESTATUS, type CfdiSearchCriteria } from './cfdi-criteria';
export { decimalText } from './decimal-text';
export { CfdiTotals, type CfdiCounterpartTotal, type CfdiMonthTotal } from './cfdi-totals';
export {
  CfdiExports,
  DEFAULT_EXPORT_MAX_ROWS,
  type CfdiExport,
  type CfdiExportFormat,
  type CfdiExportOptions,
} from './cfdi-exports';
