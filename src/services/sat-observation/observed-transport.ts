import { pipeline } from 'node:stream';
import { redactText } from '../../logging';
import type { SatHttpRequest, SatHttpResponse, SatTransport } from '../../sat';
import { classifyCall, endpointOf, operationOf, type CallOutcome, type SatEndpoint } from '../sat-health';
import { EnvelopeTap } from './envelope-tap';
import { currentSatCallScope, type SatCallScope } from './sat-call-scope';

/** One SAT call, complete (its answer read to the end, or failed), as the health signal and the trail see it. */
export interface SatExchangeEvent {
  readonly endpoint: SatEndpoint;
  /** SAT's operation name from the SOAPAction (`Autentica`, `SolicitaDescargaEmitidos`, `Descargar`…). */
  readonly operacion: string;
  readonly at: Date;
  /** Time to the answer's headers, or to the failure when none came. */
  readonly ms: number;
  /** Time to the end of the answer (a Descarga streams its package after the headers). */
  readonly totalMs: number;
  readonly status: number | undefined;
  readonly outcome: CallOutcome;
  readonly code: string;
  /** Why no (whole) answer came. */
  readonly error?: string | undefined;
  /** Whose call it was, when made inside a pipeline step. */
  readonly scope: SatCallScope | undefined;
  /** Only when the scope asked for the trail: the envelopes, secrets and package elided. */
  readonly requestEnvelope?: string | undefined;
  readonly responseEnvelope?: string | undefined;
}

export type SatExchangeListener = (event: SatExchangeEvent) => void;

export interface ObservedTransportOptions {
  readonly clock?: () => Date;
}

/**
 * A stored envelope gets the elisions logs get (redactText: WRAP tokens, Autentica's token,
 * passwords, private keys); packages are elided as they stream (EnvelopeTap). Certificates (public)
 * and signatures (the evidence of what was signed) are kept: the trail is there to show SAT, or an
 * auditor, exactly what was asked and answered.
 */
export function redactEnvelope(text: string): string {
  return redactText(text);
}

function operacionOf(soapAction: string): string {
  return soapAction.split('/').pop() || soapAction;
}

/**
 * A SatTransport around another one that reports every call once it is over, to the SAT health signal
 * and (for tenants that opted in) the raw SAT trail. The answer's body passes through a tap that reads
 * SAT's code from the envelope's head without holding the body; backpressure and the caller's
 * `destroy()` reach the real response as before.
 */
export class ObservedSatTransport implements SatTransport {
  private readonly clock: () => Date;

  constructor(
    private readonly inner: SatTransport,
    private readonly listeners: readonly SatExchangeListener[],
    options: ObservedTransportOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  async post(request: SatHttpRequest): Promise<SatHttpResponse> {
    const endpoint = endpointOf(request.url, request.soapAction);
    const operation = operationOf(request.soapAction);
    if (!endpoint || !operation) return this.inner.post(request);
    const scope = currentSatCallScope();
    const capture = scope?.trail === true;
    const at = this.clock();
    const started = performance.now();
    const base = {
      endpoint,
      operacion: operacionOf(request.soapAction),
      at,
      scope,
      // The token travels in a header, never in the body; the body is redacted anyway, as logs are.
      ...(capture ? { requestEnvelope: redactEnvelope(request.body) } : {}),
    };
    let response: SatHttpResponse;
    try {
      response = await this.inner.post(request);
    } catch (error) {
      const ms = performance.now() - started;
      const classified = classifyCall({ operation, status: undefined });
      this.emit({
        ...base,
        ms,
        totalMs: ms,
        status: undefined,
        ...classified,
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
    const ms = performance.now() - started;
    const tap = new EnvelopeTap(capture);
    let broken: Error | undefined;
    response.body.once('error', (error: Error) => {
      broken = error;
    });
    pipeline(response.body, tap, (error) => {
      // The answer broke off (reset, cut short): no answer, as far as SAT's health goes. A caller that
      // stopped reading on its own (error undefined in `broken`) does not make SAT look broken.
      const sniffed = tap.sniffed();
      const classified = broken
        ? classifyCall({ operation, status: undefined })
        : classifyCall({
            operation,
            status: response.status,
            codEstatus: sniffed.codEstatus,
            token: sniffed.token,
            faultCode: sniffed.faultCode,
          });
      this.emit({
        ...base,
        ms,
        totalMs: performance.now() - started,
        status: response.status,
        ...classified,
        ...(broken || error ? { error: (broken ?? error)?.message } : {}),
        ...(capture ? { responseEnvelope: redactEnvelope(tap.text()) } : {}),
      });
    });
    return { status: response.status, body: tap };
  }

  private emit(event: SatExchangeEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not turn into a failed SAT call; listeners log their own trouble.
      }
    }
  }
}
