import { generalErrors } from './catalogue/general';
import type { ErrorDefinition, ErrorKind } from './definition';

export type ErrorParams = Readonly<Record<string, string | number | boolean | undefined>>;

export interface AppErrorOptions {
  readonly params?: ErrorParams;
  readonly cause?: unknown;
}

function fill(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/**
 * The root of every error that crosses a module boundary. Carries a stable code and the message in
 * both languages; `message` (what stack traces and logs show) is the English one.
 */
export class AppError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly transient: boolean;
  readonly messageEs: string;
  readonly messageEn: string;
  readonly params: ErrorParams;

  constructor(definition: ErrorDefinition, options: AppErrorOptions = {}) {
    const params = options.params ?? {};
    const messageEn = fill(definition.en, params);
    super(messageEn, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = definition.code;
    this.kind = definition.kind;
    this.transient = definition.transient ?? false;
    this.messageEs = fill(definition.es, params);
    this.messageEn = messageEn;
    this.params = params;
  }
}

export class ValidationError extends AppError {
  /** The request field at fault, when there is one (SOAP Faults name it). */
  get field(): string | undefined {
    const field = this.params.field;
    return typeof field === 'string' ? field : undefined;
  }
}

/** A client's value for `field` that is present but unusable; `reason` says what would be accepted. */
export function invalidField(field: string, reason: string): ValidationError {
  return new ValidationError(generalErrors.fieldInvalid, { params: { field, reason } });
}

export class AuthenticationError extends AppError {}
export class AuthorizationError extends AppError {}
export class NotFoundError extends AppError {}
export class ConflictError extends AppError {}
export class RateLimitError extends AppError {}
export class PayloadTooLargeError extends AppError {}
export class ConfigError extends AppError {}
export class StorageError extends AppError {}
export class InternalError extends AppError {}

/** The four calls of SAT's service, as the SAT client names them. */
export type SatOperationName = 'autenticacion' | 'solicitud' | 'verificacion' | 'descarga';

/**
 * What went wrong in one SAT call when SAT gave no business answer, as plain data for the pipeline's
 * decision table (`src/services/pipeline/sat-decisions/`).
 */
export type SatFailure =
  /**
   * No answer. `delivered: 'no'`: the request never left (connection refused, DNS, connect timeout);
   * `'unknown'`: it may have reached SAT (timeout after sending, connection reset, answer cut short).
   */
  | { readonly kind: 'transport'; readonly delivered: 'no' | 'unknown' }
  /** An HTTP status other than 200 carrying neither a SAT answer nor a SOAP Fault. */
  | { readonly kind: 'http'; readonly status: number }
  /**
   * A SOAP Fault. `security`: InvalidSecurity / FailedAuthentication (the e.firma on Autentica, the
   * token on a signed call); `action`: ActionNotSupported / ContractFilter (an outdated client).
   */
  | { readonly kind: 'fault'; readonly fault: 'security' | 'action' | 'other'; readonly status: number }
  /** HTTP 200 whose body is no readable SAT answer (malformed XML, no result, an empty package). */
  | { readonly kind: 'garbled'; readonly status: number };

export interface SatErrorOptions extends AppErrorOptions {
  readonly failure?: SatFailure;
  readonly operation?: SatOperationName;
}

/** Errors raised while talking to SAT (or the simulator). `transient` says whether a retry may help. */
export class SatError extends AppError {
  /** What failed, when a SAT call did (absent for errors about packages already received). */
  readonly failure: SatFailure | undefined;
  /** Which call failed, when known. */
  readonly operation: SatOperationName | undefined;

  constructor(definition: ErrorDefinition, options: SatErrorOptions = {}) {
    super(definition, options);
    this.failure = options.failure;
    this.operation = options.operation;
  }

  /** SAT's own status code (CodEstatus, HTTP status or Fault code), when SAT gave one. */
  get satCode(): string | undefined {
    const code = this.params.satCode;
    return code === undefined ? undefined : String(code);
  }
}

/** Wraps anything thrown that is not an AppError, so boundaries only ever see AppErrors. */
export function toAppError(error: unknown, fallback: ErrorDefinition): AppError {
  if (error instanceof AppError) return error;
  return new InternalError(fallback, { cause: error });
}
