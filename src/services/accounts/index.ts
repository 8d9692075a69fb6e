export { TenantService } from './tenant-service';
export {
  ApiUserService,
  type ApiCredentials,
  type AuthenticatedCaller,
  type CreatedApiUser,
} from './api-user-service';
export { DEMO, ensureDemoTenant, satSerialNumber, type DemoFielFiles } from './demo-tenant';
export { ContribuyenteDirectory, type ContribuyenteSummary } from './contribuyentes';
export { FielEnrollment, type EnrolledFiel } from './fiel-enrollment';
export {
  FielRoster,
  fielExpiry,
  FIEL_EXPIRY_WARNING_DAYS,
  type FielStatus,
  type FielSummary,
} from './fiel-roster';
