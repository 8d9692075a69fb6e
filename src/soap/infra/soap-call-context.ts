import type { AuthenticatedApiUser } from './authentication';
import type { SoapVersion } from './soap-version';

/** What an operation handler knows about the call besides its input. */
export interface SoapCallContext {
  readonly requestId: string;
  readonly version: SoapVersion;
  readonly operation: string;
  /** The API user, on bindings declared with an authenticator; undefined on the others. */
  readonly principal: AuthenticatedApiUser | undefined;
  readonly clientAddress: string | undefined;
}

/** The input element's content as node-soap read it, repeatable elements already arrays. */
export type SoapInput = Record<string, unknown>;

/** One WSDL operation. Whatever it throws becomes a Fault through the fault mapper. */
export type SoapOperationHandler = (input: SoapInput, context: SoapCallContext) => Promise<object> | object;

/** Told once per call (audit, metrics), before the answer is sent. */
export interface SoapCallOutcome {
  readonly requestId: string;
  readonly operation: string | undefined;
  readonly principal: AuthenticatedApiUser | undefined;
  readonly result: 'ok' | 'fault';
  /** The error code for a Fault. */
  readonly code: string | undefined;
  readonly httpStatus: number;
  readonly durationMs: number;
  /** The caller's address as express sees it (honours `trust proxy`). */
  readonly ip: string | undefined;
}
