import type { Readable } from 'node:stream';
import { SatError, satErrors } from '../errors';
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
import {
  readSmallBody,
  translateAuthenticate,
  translateDownload,
  translateQuery,
  translateVerify,
  type DownloadTranslation,
  type VerifyTranslation,
} from './services/translators';
import type { SatTransport } from './web-client/transport';

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

export type SignedOperation = 'solicitud' | 'verificacion' | 'descarga';

export interface QueryAnswer {
  readonly codEstatus: string;
  readonly mensaje: string;
  readonly idSolicitud: string | undefined;
}

/** SAT's "Usuario No Válido": what an expired or unknown token gets on the signed operations. */
const TOKEN_REFUSED = '300';

function refusedToken(answer: { codEstatus: string }): boolean {
  return answer.codEstatus === TOKEN_REFUSED;
}

function isAuthenticationFault(error: unknown): boolean {
  return error instanceof SatError && error.code === satErrors.authenticationRefused.code;
}

/**
 * One taxpayer's session with one flavour of SAT's service: authenticates with the e.firma when
 * needed (the token is reused until shortly before it expires, and renewed once if SAT refuses it) and
 * runs the three signed operations. Queries are checked against SAT's rules before they are signed.
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

  async authenticate(): Promise<string> {
    const margin = (this.options.tokenRenewMarginSeconds ?? 30) * 1000;
    if (this.token && this.token.expires.getTime() - margin > this.clock().getTime()) return this.token.value;
    const request = authenticateRequest(this.options.fiel, this.clock());
    const response = await this.options.transport.post({
      url: this.options.endpoints.authenticate,
      ...request,
    });
    const answer = translateAuthenticate(await readSmallBody(response.body), response.status);
    this.token = { value: answer.token, expires: answer.expires };
    return answer.token;
  }

  /** Forgets the token, e.g. when the caller knows SAT restarted; the next call authenticates. */
  forgetToken(): void {
    this.token = undefined;
  }

  /**
   * Runs a signed call with the current token; when SAT refuses the token (its clock and ours differ,
   * or it was revoked early) the token is renewed and the call repeated, once.
   */
  private async withToken<T extends { codEstatus: string }>(
    operation: SignedOperation,
    url: string,
    request: SignedRequest,
    translate: (response: { status: number; body: Readable }) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.authenticate();
      try {
        const answer = await translate(await this.options.transport.post({ url, ...request, token }));
        this.options.onAnswer?.(operation, answer.codEstatus);
        if (attempt > 1 || !refusedToken(answer)) return answer;
        (answer as { paquete?: Readable }).paquete?.destroy();
      } catch (error) {
        if (attempt > 1 || !isAuthenticationFault(error)) throw error;
      }
      this.token = undefined;
    }
  }

  async query(parameters: SatQueryParameters): Promise<QueryAnswer> {
    const checked = validateQuery(parameters, this.options.endpoints.servicio, this.clock());
    return this.withToken(
      'solicitud',
      this.options.endpoints.query,
      queryRequest(this.options.fiel, checked),
      async (response) => translateQuery(await readSmallBody(response.body), response.status),
    );
  }

  async verify(idSolicitud: string): Promise<VerifyTranslation> {
    return this.withToken(
      'verificacion',
      this.options.endpoints.verify,
      verifyRequest(this.options.fiel, idSolicitud),
      async (response) => translateVerify(await readSmallBody(response.body), response.status),
    );
  }

  /** The package streams out of the answer; consume or destroy `paquete`. */
  async download(idPaquete: string): Promise<DownloadTranslation> {
    return this.withToken(
      'descarga',
      this.options.endpoints.download,
      downloadRequest(this.options.fiel, idPaquete),
      (response) => translateDownload(response.body, response.status),
    );
  }
}
