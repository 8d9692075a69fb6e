export * from './domain';
export { fanOut, filtersFor, type Combinacion } from './fan-out';
export {
  parseRegistrationRequest,
  type RegistrationInput,
  type RegistrationRequest,
} from './registration-request';
export {
  RegistrationService,
  SOLICITAR_JOB,
  type EstadoRegistro,
  type RegistrationCaller,
  type RegistrationResult,
  type RegistrationServiceOptions,
} from './registration-service';
export {
  SolicitudQueryService,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type SolicitudDetail,
  type SolicitudState,
  type SolicitudListCriteria,
} from './solicitud-query-service';
export { aggregateEstado, isLivePart } from './progress';
export {
  DownloadLinkService,
  MIN_TTL as MIN_LINK_TTL_SECONDS,
  MAX_TTL as MAX_LINK_TTL_SECONDS,
  type DownloadLink,
} from './download-links';
export { ListCountUpkeep } from './list-count-upkeep';
