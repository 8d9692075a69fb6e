export {
  SolicitudPipeline,
  VERIFICAR_JOB,
  DESCARGAR_JOB,
  INDEXAR_JOB,
  type PipelineOptions,
} from './solicitud-pipeline';
export { SOLICITAR_JOB } from '../solicitudes/registration-service';
export { recordProgress } from './progress-recorder';
export { findOverdueWork, type SweepSchedule } from './sweeper';
export { SatClientGateway, type SatClientGatewayOptions } from './sat-client-gateway';
export { PackageIndexer, type ReindexedPackage } from './package-indexer';
export { RfcCallSlots, type RfcCallSlotsOptions, type RfcSlotLease } from './rfc-call-slots';
export { QuotaGuard, type QuotaGuardOptions, type Reservation } from './quota-guard';
export { PeriodSizer, type PeriodSizerOptions, type SizingOutcome } from './period-sizer';
