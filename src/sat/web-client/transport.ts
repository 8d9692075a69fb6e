import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { SatError, satErrors } from '../../errors';
import { redactText } from '../../logging';

export interface SatHttpRequest {
  readonly url: string;
  readonly soapAction: string;
  readonly body: string;
  readonly token?: string;
}

export interface SatHttpResponse {
  readonly status: number;
  readonly body: Readable;
}

/** Told before and after each call, e.g. for logs and metrics; never given the token or the package. */
export interface TransportObserver {
  before?(request: { url: string; soapAction: string; body: string }): void;
  after?(event: {
    url: string;
    soapAction: string;
    status: number | undefined;
    ms: number;
    error?: string;
  }): void;
}

/** How SAT is reached; tests inject faults here (truncated bodies, resets) the simulator cannot make. */
export interface SatTransport {
  post(request: SatHttpRequest): Promise<SatHttpResponse>;
}

export interface NodeTransportOptions {
  readonly connectTimeoutMs: number;
  /** No byte for this long, in either direction, aborts the call. */
  readonly idleTimeoutMs: number;
  /** The whole call, body included (downloads can be large). */
  readonly totalTimeoutMs: number;
  readonly observer?: TransportObserver;
}

/**
 * No answer came. Whether SAT may have received the request is what matters to the caller (a
 * SolicitaDescarga that may have been accepted must not be sent blindly again): before the connection
 * was made nothing left this machine; once it was, the request may have reached SAT.
 */
function unreachable(reason: string, delivered: 'no' | 'unknown', cause?: unknown): SatError {
  return new SatError(satErrors.unreachable, {
    params: { reason },
    cause,
    failure: { kind: 'transport', delivered },
  });
}

/** SAT may compress its answers (its own examples show gzip); the caller always reads plain XML. */
function decoded(response: http.IncomingMessage): Readable {
  const encoding = String(response.headers['content-encoding'] ?? '').toLowerCase();
  if (encoding !== 'gzip' && encoding !== 'deflate') return response;
  const inflate = encoding === 'gzip' ? zlib.createGunzip() : zlib.createInflate();
  response.on('error', (error) => inflate.destroy(error));
  response.on('aborted', () => inflate.destroy(new Error('aborted')));
  return response.pipe(inflate);
}

/** node's http(s) with keep-alive and three timeouts; the response body is handed over as a stream. */
export class NodeSatTransport implements SatTransport {
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 16 }),
  };

  constructor(private readonly options: NodeTransportOptions) {}

  post(request: SatHttpRequest): Promise<SatHttpResponse> {
    const url = new URL(request.url);
    const secure = url.protocol === 'https:';
    const started = Date.now();
    const observer = this.options.observer;
    observer?.before?.({ url: request.url, soapAction: request.soapAction, body: redactText(request.body) });
    const headers: Record<string, string> = {
      'Content-Type': 'text/xml; charset=utf-8',
      Accept: 'text/xml',
      'Accept-Encoding': 'gzip, deflate',
      SOAPAction: `"${request.soapAction}"`,
      'Content-Length': String(Buffer.byteLength(request.body)),
    };
    if (request.token) headers.Authorization = `WRAP access_token="${request.token}"`;
    return new Promise((resolve, reject) => {
      // Set once the connection (TLS included) is up, or at once on a reused keep-alive socket: from
      // then on the request may be on its way to SAT, and a failure leaves its fate unknown.
      let connected = false;
      const lost = (reason: string, cause?: unknown): SatError =>
        unreachable(reason, connected ? 'unknown' : 'no', cause);
      const call = (secure ? https : http).request(url, {
        method: 'POST',
        headers,
        agent: secure ? this.agents.https : this.agents.http,
        timeout: this.options.idleTimeoutMs,
      });
      const total = setTimeout(
        () => call.destroy(lost(`no answer within ${this.options.totalTimeoutMs} ms`)),
        this.options.totalTimeoutMs,
      );
      total.unref();
      const connect = setTimeout(
        () => call.destroy(lost(`no connection within ${this.options.connectTimeoutMs} ms`)),
        this.options.connectTimeoutMs,
      );
      connect.unref();
      const established = (): void => {
        connected = true;
        clearTimeout(connect);
      };
      call.once('socket', (socket) => {
        if (!socket.connecting) established();
        else socket.once(secure ? 'secureConnect' : 'connect', established);
      });
      call.on('timeout', () => call.destroy(lost(`idle for ${this.options.idleTimeoutMs} ms`)));
      call.once('error', (error) => {
        clearTimeout(total);
        clearTimeout(connect);
        observer?.after?.({
          url: request.url,
          soapAction: request.soapAction,
          status: undefined,
          ms: Date.now() - started,
          error: error.message,
        });
        reject(error instanceof SatError ? error : lost(error.message, error));
      });
      call.once('response', (response) => {
        observer?.after?.({
          url: request.url,
          soapAction: request.soapAction,
          status: response.statusCode,
          ms: Date.now() - started,
        });
        response.once('end', () => clearTimeout(total));
        response.once('close', () => clearTimeout(total));
        resolve({ status: response.statusCode ?? 0, body: decoded(response) });
      });
      call.end(request.body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
