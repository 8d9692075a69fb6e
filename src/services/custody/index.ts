export { PackageCustody, type PackageCustodyOptions } from './package-custody';
export { PackageVerifier, type RecordedPackage, type Verification } from './package-verifier';
export { ExpiryWatch, type ExpiryWatchOptions } from './expiry-watch';
export type { PackageAtRisk, PackageCustodySink, AfterAlertCommit } from '../ports/custody-events';
