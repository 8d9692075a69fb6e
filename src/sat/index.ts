export { SatClient, type SatClientOptions, type SignedOperation, type QueryAnswer } from './sat-client';
export { Fiel, type FielFiles } from './request-builder/fiel';
export {
  authenticateRequest,
  queryRequest,
  verifyRequest,
  downloadRequest,
  type SignedRequest,
} from './request-builder/envelopes';
export {
  NodeSatTransport,
  type SatTransport,
  type SatHttpRequest,
  type SatHttpResponse,
  type TransportObserver,
} from './web-client/transport';
export {
  endpointsAt,
  productionEndpoints,
  SAT_PATHS,
  SOAP_ACTIONS,
  type SatEndpoints,
  type SatServicio,
} from './shared/endpoints';
export type { SatQueryParameters } from './shared/query-parameters';
export {
  readSmallBody,
  translateAuthenticate,
  translateQuery,
  translateVerify,
  translateDownload,
  type QueryTranslation,
  type VerifyTranslation,
  type DownloadTranslation,
} from './services/translators';
export * from './shared/catalogues';
export {
  satCodeInfo,
  estadoSolicitudName,
  isFinalEstado,
  SAT_ACCEPTED,
  SAT_TOKEN_REFUSED,
  isSatTroubleCode,
  ESTADOS_SOLICITUD,
  satFaultKind,
  type SatFaultKind,
  type SatCodeInfo,
  type EstadoSolicitudSat,
} from './shared/status-codes';
export { validateQuery } from './request-builder/query-validator';
export * from './packages';
