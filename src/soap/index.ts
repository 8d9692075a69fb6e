export { createSoapRouter, type SoapBindingOptions } from './soap-server';
export type { SoapCallContext, SoapCallOutcome, SoapInput, SoapOperationHandler } from './soap-call-context';
export {
  type ApiUserAuthenticator,
  type ApiUserCredentials,
  type AuthenticatedApiUser,
  computePasswordDigest,
  verifyPasswordDigest,
} from './authentication';
export {
  DESCARGA_MASIVA_FAULT_DETAIL,
  DESCARGA_MASIVA_V2_FAULT_DETAIL,
  type FaultDetailElement,
  toSoapFault,
} from './fault-mapper';
export { InMemoryNonceCache, type NonceCache, type NonceCacheLimits } from './nonce-cache';
export { RateLimiter, type RateLimiterOptions } from './rate-limiter';
export { asArray, normaliseRepeated } from './repeated-elements';
export { soapErrors } from './soap-errors';
export type { SoapVersion } from './soap-version';
