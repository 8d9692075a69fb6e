export {
  type LedgerCoverage,
  type LedgerKey,
  type Queryable,
  claimLedgerPeriods,
  findLedgerCoverage,
  findLedgerGaps,
  lockLedgerKey,
  releaseLedgerPeriods,
} from './ledger';
export {
  type CompiledFilter,
  type FieldCatalogue,
  type FieldSpec,
  type FieldType,
  type FilterCondition,
  type FilterOperator,
  type FilterValue,
  type Page,
  type PageRequest,
  type SortKey,
  MAX_PAGE_SIZE,
  compileFilters,
  compileOrder,
  pageWindow,
  toPage,
} from './list-query';
export { SOLICITUD_DETAIL_SQL, SolicitudDetailReader, type SolicitudRecord } from './solicitud-detail';
export {
  SOLICITUD_FIELDS,
  type SolicitudListQuery,
  type SolicitudListRow,
  type SolicitudListStatements,
  listSolicitudes,
  solicitudListStatements,
  totalFromKeptCounts,
} from './solicitudes-list';
export { foldSolicitudListCounts } from './solicitud-list-counts';
export { CFDI_FIELDS, type CfdiSearchQuery, type CfdiSearchRow, searchCfdi } from './cfdi-search';
export {
  ActiveApiUsers,
  findActiveApiUserByUsername,
  findContribuyente,
  findPaquete,
  findPaquetes,
  findSolicitud,
  findTenantBySlug,
  isUuid,
} from './lookups';
export {
  type CfdiBatchQuery,
  type CfdiBatchRow,
  type CfdiCursor,
  type CfdiEntryLocation,
  MAX_CFDI_BATCH_SIZE,
  countCfdi,
  readCfdiBatch,
} from './cfdi-batches';
export {
  type CfdiCounterpartTotal,
  type CfdiMonthTotal,
  totalCfdiByCounterpart,
  totalCfdiByMonth,
} from './cfdi-totals';
export {
  MAX_RECONCILIATION_BATCH,
  RECONCILIATION_CLASSES,
  type ReconciliationClass,
  type ReconciliationContexto,
  type ReconciliationCursor,
  type ReconciliationRow,
  type ReconciliationScope,
  type ReconciliationSide,
  countReconciliation,
  readReconciliationPage,
  readReconciliationSide,
} from './reconciliation';
export {
  type MetadataBucket,
  type MetadataCoverageScope,
  type MetadataDensityScope,
  countCriteriaUse,
  countMetadataByBucket,
  findCriteriaUses,
  findMetadataGaps,
  findOpenIdenticalRequest,
  lockCriteria,
  uncountCriteriaUse,
  markCriteriaSpentBySat,
  findCriteriaSpentBySat,
} from './quota-planning';
export { type HeldXmlMonth, findHeldXmlMonths } from './held-xml-months';
export { countSolicitudesByEstado } from './solicitud-states';
export { nextSatRequestParte } from './sat-request-parts';
