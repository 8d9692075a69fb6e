export { createSoapRouter, type SoapBindingOptions } from './infra/soap-server';
export type {
  SoapCallContext,
  SoapCallOutcome,
  SoapInput,
  SoapOperationHandler,
} from './infra/soap-call-context';
export {
  type ApiUserAuthenticator,
  type ApiUserCredentials,
  type AuthenticatedApiUser,
  computePasswordDigest,
  verifyPasswordDigest,
} from './infra/authentication';
export {
  DESCARGA_MASIVA_FAULT_DETAIL,
  DESCARGA_MASIVA_V2_FAULT_DETAIL,
  type FaultDetailElement,
  toSoapFault,
} from './infra/fault-mapper';
export { InMemoryNonceCache, type NonceCache, type NonceCacheLimits } from './infra/nonce-cache';
export { RateLimiter, type RateLimiterOptions } from './infra/rate-limiter';
export { asArray, normaliseRepeated } from './infra/repeated-elements';
export { soapErrors } from './infra/soap-errors';
export type { SoapVersion } from './infra/soap-version';
