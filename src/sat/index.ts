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
export { readSmallBody } from './services/soap-answer';
export { SatCode } from './services/sat-code';
export {
  translateAuthenticate,
  type AuthenticateTranslation,
} from './services/authenticate/authenticate-translator';
export { translateQuery } from './services/query/query-translator';
export { QueryResult, type QueryTranslation } from './services/query/query-result';
export { translateVerify } from './services/verify/verify-translator';
export { VerifyResult, type VerifyTranslation } from './services/verify/verify-result';
export { translateDownload } from './services/download/download-translator';
export { DownloadResult, type DownloadTranslation } from './services/download/download-result';
export * from './shared/catalogues';
export {
  satCodeInfo,
  estadoSolicitudName,
  isFinalEstado,
  SAT_ACCEPTED,
  SAT_TOKEN_REFUSED,
  isSatTroubleCode,
  SAT_ESTADOS_SOLICITUD,
  satFaultKind,
  type SatFaultKind,
  type SatCodeInfo,
  type EstadoSolicitudSat,
} from './shared/status-codes';
export { validateQuery } from './request-builder/query-validator';
export * from './packages';
