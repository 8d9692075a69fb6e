import type { SatOperation } from './endpoints';

/**
 * ok: SAT works; degraded: SAT answers, but too many calls fail or it is slow; down: most calls fail;
 * unknown: too few calls lately to say (an idle endpoint is not a broken one).
 */
export type HealthState = 'ok' | 'degraded' | 'down' | 'unknown';

/** Figures of one endpoint over one window, summed across every process (sat_call_stats). */
export interface WindowFigures {
  readonly calls: number;
  /** Calls that failed on SAT's side (transport failures included). */
  readonly failures: number;
  /** Calls that got no answer at all. */
  readonly transportFailures: number;
  /** Successes (ok + answered) over calls; undefined without calls. */
  readonly successRate: number | undefined;
  readonly p50Ms: number | undefined;
  readonly p95Ms: number | undefined;
  readonly maxMs: number;
  /** Calls per label (CodEstatus, `token`, `http_500`, `network`…). */
  readonly codes: Readonly<Record<string, number>>;
}

/**
 * The thresholds, applied to the last five minutes (docs/decisions.md, "SAT health signal"):
 * fewer than MIN_CALLS calls -> unknown; half or more failing -> down; one in ten failing, or the
 * slowest twentieth slower than the operation's limit -> degraded; otherwise ok.
 */
export const HEALTH_RULES = Object.freeze({
  windowMinutes: 5,
  longWindowMinutes: 60,
  minCalls: 3,
  downFailureRate: 0.5,
  degradedFailureRate: 0.1,
  /** p95 time to SAT's answer headers beyond which an endpoint is degraded. */
  slowP95Ms: Object.freeze<Record<SatOperation, number>>({
    autenticacion: 10_000,
    solicitud: 10_000,
    verificacion: 10_000,
    // The package streams after the headers; SAT takes longer to start sending a large one.
    descarga: 30_000,
  }),
});

export function healthState(operation: SatOperation, window: WindowFigures): HealthState {
  if (window.calls < HEALTH_RULES.minCalls) return 'unknown';
  const failureRate = window.failures / window.calls;
  if (failureRate >= HEALTH_RULES.downFailureRate) return 'down';
  if (failureRate >= HEALTH_RULES.degradedFailureRate) return 'degraded';
  if ((window.p95Ms ?? 0) > HEALTH_RULES.slowP95Ms[operation]) return 'degraded';
  return 'ok';
}
