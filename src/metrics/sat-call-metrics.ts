import type { Metrics } from './metrics';

/** One SAT call as the transport reports it (structurally the SAT client's TransportObserver event). */
export interface SatCallObservation {
  readonly soapAction: string;
  /** HTTP status; absent when no answer came. */
  readonly status: number | undefined;
  readonly ms: number;
}

/** SAT's operation by its SOAPAction, as the metrics label it. */
function satOperation(soapAction: string): string {
  if (soapAction.endsWith('/Autentica')) return 'autenticacion';
  if (soapAction.includes('/SolicitaDescarga')) return 'solicitud';
  if (soapAction.endsWith('/VerificaSolicitudDescarga')) return 'verificacion';
  if (soapAction.endsWith('/Descargar')) return 'descarga';
  return 'otra';
}

/**
 * SAT calls as the transport sees them: every latency, and the calls that got no SAT code at all (no
 * answer: `network`; an HTTP error: `http_<status>`). Signed calls answered by SAT are counted by
 * their CodEstatus where the client reads it; a token from Autentica counts as `token`.
 */
export function satCallObserver(metrics: Metrics): { after(event: SatCallObservation): void } {
  return {
    after: ({ soapAction, status, ms }) => {
      const operation = satOperation(soapAction);
      metrics.satLatency.observe({ operation }, ms / 1000);
      if (status === undefined) metrics.satCalls.inc({ operation, code: 'network' });
      else if (status !== 200) metrics.satCalls.inc({ operation, code: `http_${status}` });
      else if (operation === 'autenticacion') metrics.satCalls.inc({ operation, code: 'token' });
    },
  };
}
