import type { Readable } from 'node:stream';
import { AppError, SatError, satErrors, type SatOperationName } from '../errors';
import {
  authenticateRequest,
  downloadRequest,
  queryRequest,
  verifyRequest,
  type SignedRequest,
} from './request-builder/envelopes';
import type { Fiel } from './request-builder/fiel';
import { validateQuery } from './request-builder/query-validator';
import type { SatEndpoints } from './shared/endpoints';
import type { SatQueryParameters } from './shared/query-parameters';
import { translateAuthenticate } from './services/authenticate/authenticate-translator';
import type { DownloadTranslation } from './services/download/download-result';
import { translateDownload } from './services/download/download-translator';
import type { QueryTranslation } from './services/query/query-result';
import { translateQuery } from './services/query/query-translator';
import { readSmallBody } from './services/soap-answer';
import type { VerifyTranslation } from './services/verify/verify-result';
import { translateVerify } from './services/verify/verify-translator';
import type { SatHttpRequest, SatHttpResponse, SatTransport } from './web-client/transport';

export interface SatClientOptions {
  readonly fiel: Fiel;
  readonly endpoints: SatEndpoints;
  readonly transport: SatTransport;
  /** Renew the token this long before SAT's expiry (SAT's window is 5 minutes). */
  readonly tokenRenewMarginSeconds?: number;
  readonly clock?: () => Date;
  /** Told SAT's CodEstatus of every signed call's answer (token refusals included), e.g. for metrics. */
  readonly onAnswer?: (operation: SignedOperation, codEstatus: string) => void;
}

export type SignedOperation = Exclude<SatOperationName, 'autenticacion'>;

/** SolicitaDescarga's answer; `httpStatus` is not 200 only for an HTTP error that still named its id. */
export type QueryAnswer = QueryTranslation;

/**
 * The same error, naming the call it came from. Errors that already name one keep it: an Autentica
 * made on behalf of a signed call stays 'autenticacion', which is what failed.
 */
function annotated(error: unknown, operation: SatOperationName): unknown {
  if (!(error instanceof SatError) || error.operation !== undefined) return error;
  const definition = Object.values(satErrors).find((entry) => entry.code === error.code);
  if (!definition) return error;
  const named = new SatError(definition, {
    params: error.params,
    cause: error.cause,
    operation,
    ...(error.failure ? { failure: error.failure } : {}),
  });
  named.stack = error.stack;
  return named;
}

/**
 * One taxpayer's session with one flavour of SAT's service: authenticates with the e.firma when
 * needed (the token is reused until shortly before it expires) and runs the three signed operations,
 * each exactly once per call. Queries are checked against SAT's rules before they are signed.
 *
 * It decides nothing: every answer SAT gives is returned as it is (a token refusal included) and
 * every failure is thrown as a SatError whose `failure` and `operation` say what happened. Whether to
 * authenticate again (`forgetToken()`, then call again) or to retry is the caller's decision.
 */
export class SatClient {
  private token: { value: string; expires: Date } | undefined;
  private readonly clock: () => Date;

  constructor(private readonly options: SatClientOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  get fiel(): Fiel {
    return this.options.fiel;
  }

  /** A transport other than ours may fail in its own way: nothing is then known of the request's fate. */
  private async post(request: SatHttpRequest): Promise<SatHttpResponse> {
    try {
      return await this.options.transport.post(request);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new SatError(satErrors.unreachable, {
        params: { reason: error instanceof Error ? error.message : String(error) },
        cause: error,
        failure: { kind: 'transport', delivered: 'unknown' },
      });
    }
  }

  private async attempt<T>(operation: SatOperationName, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw annotated(error, operation);
    }
  }

  async authenticate(): Promise<string> {
    const margin = (this.options.tokenRenewMarginSeconds ?? 30) * 1000;
    if (this.token && this.token.expires.getTime() - margin > this.clock().getTime()) return this.token.value;
    return this.attempt('autenticacion', async () => {
      const request = authenticateRequest(this.options.fiel, this.clock());
      const response = await this.post({ url: this.options.endpoints.authenticate, ...request });
      const answer = translateAuthenticate(
        await readSmallBody(response.body, response.status),
        response.status,
      );
      this.token = { value: answer.token, expires: answer.expires };
      return answer.token;
    });
  }

  /**
   * Forgets the token, so that the next call authenticates first: what a caller does when SAT refused
   * the token (before calling again), or when it knows SAT restarted.
   */
  forgetToken(): void {
    this.token = undefined;
  }

  /** One signed call with the current token (authenticating first when there is none or it is old). */
  private async signed<T extends { codEstatus: string }>(
    operation: SignedOperation,
    url: string,
    request: SignedRequest,
    translate: (response: { status: number; body: Readable }) => Promise<T>,
  ): Promise<T> {
    const token = await this.authenticate();
    const answer = await this.attempt(operation, async () =>
      translate(await this.post({ url, ...request, token })),
    );
    this.options.onAnswer?.(operation, answer.codEstatus);
    return answer;
  }

  async query(parameters: SatQueryParameters): Promise<QueryAnswer> {
    const checked = validateQuery(parameters, this.options.endpoints.servicio, this.clock());
    return this.signed(
      'solicitud',
      this.options.endpoints.query,
      queryRequest(this.options.fiel, checked),
      async (response) =>
        translateQuery(await readSmallBody(response.body, response.status), response.status),
    );
  }

  async verify(idSolicitud: string): Promise<VerifyTranslation> {
    return this.signed(
      'verificacion',
      this.options.endpoints.verify,
      verifyRequest(this.options.fiel, idSolicitud),
      async (response) =>
        translateVerify(await readSmallBody(response.body, response.status), response.status),
    );
  }

  /** The package streams out of the answer; consume or destroy `paquete`. */
  async download(idPaquete: string): Promise<DownloadTranslation> {
    return this.signed(
      'descarga',
      this.options.endpoints.download,
      downloadRequest(this.options.fiel, idPaquete),
      (response) => translateDownload(response.body, response.status),
    );
  }
}
