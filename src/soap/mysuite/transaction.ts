import type { AuditEntry } from '../../services/audit';
import type { ApiUserService, ContribuyenteDirectory, FielEnrollment } from '../../services/accounts';
import type {
  DownloadLinkService,
  RegistrationService,
  SolicitudQueryService,
} from '../../services/solicitudes';
import type { Logger } from '../../logging';
import type { Params } from './param-values';

export interface MySuiteServices {
  readonly logger: Logger;
  readonly apiUsers: ApiUserService;
  readonly contribuyentes: ContribuyenteDirectory;
  readonly fielEnrollment: FielEnrollment;
  readonly registration: RegistrationService;
  readonly queries: SolicitudQueryService;
  readonly links: DownloadLinkService;
  readonly audit: { record(entry: AuditEntry): Promise<void> };
}

/** One call of a transaction, after the Requestor was authenticated. */
export interface TransactionCall {
  readonly tenantId: string;
  readonly userId: string;
  /** `Entity`, upper-cased; checked to belong to the tenant before the work runs. */
  readonly rfc: string;
  readonly params: Params;
}

/** What a transaction answers: `Response/Data` and the Base64 `ResponseData1`. */
export interface TransactionOutcome {
  readonly data: string;
  readonly responseData1: string;
}

/**
 * A transaction reads and validates `Data1` first (nothing is done for a bad call) and returns the
 * work, which runs only once `Entity` is known to be an RFC of the caller's tenant. What must happen
 * before that check (an inline FIEL that brings a new RFC into the tenant) happens in the first phase.
 */
export type MySuiteTransaction = (
  call: TransactionCall,
  services: MySuiteServices,
) => Promise<() => Promise<TransactionOutcome>>;
