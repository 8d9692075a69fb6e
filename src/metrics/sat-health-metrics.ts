import { Counter, Gauge } from 'prom-client';
import type { Metrics } from './metrics';

/** One endpoint's figures as /metrics shows them (structurally the SAT health service's snapshot). */
export interface SatEndpointFigures {
  readonly endpoint: string;
  readonly state: string;
  readonly recent: SatWindowFigures;
  readonly hour: SatWindowFigures;
}

export interface SatWindowFigures {
  readonly calls: number;
  readonly successRate: number | undefined;
  readonly p50Ms: number | undefined;
  readonly p95Ms: number | undefined;
}

const STATES = ['ok', 'degraded', 'down', 'unknown'] as const;

/**
 * The SAT health signal in /metrics. Unlike the per-process counters, these gauges are read from the
 * database when scraped: they cover every process of the deployment, workers included.
 * `descarga_masiva_sat_endpoint_state{endpoint,state}` is 1 for the endpoint's current state and 0 for
 * the others (alert on `state="down"`).
 */
export function registerSatHealthGauges(
  metrics: Metrics,
  source: () => Promise<{ readonly endpoints: readonly SatEndpointFigures[] }>,
): void {
  const registers = [metrics.registry];
  // The source caches its snapshot for a few seconds, so the four gauges of one scrape share one read.
  const figures = async (): Promise<readonly SatEndpointFigures[]> => (await source()).endpoints;
  const windows = (item: SatEndpointFigures): [string, SatWindowFigures][] => [
    ['5m', item.recent],
    ['60m', item.hour],
  ];
  new Gauge({
    name: 'descarga_masiva_sat_endpoint_state',
    help: 'SAT health per endpoint: 1 for its current state (ok, degraded, down, unknown), 0 otherwise.',
    labelNames: ['endpoint', 'state'] as const,
    registers,
    async collect() {
      this.reset();
      for (const item of await figures())
        for (const state of STATES)
          this.set({ endpoint: item.endpoint, state }, item.state === state ? 1 : 0);
    },
  });
  new Gauge({
    name: 'descarga_masiva_sat_endpoint_success_ratio',
    help: 'Share of SAT calls that did not fail on SAT’s side, per endpoint and window (absent without calls).',
    labelNames: ['endpoint', 'window'] as const,
    registers,
    async collect() {
      this.reset();
      for (const item of await figures())
        for (const [window, data] of windows(item))
          if (data.successRate !== undefined) this.set({ endpoint: item.endpoint, window }, data.successRate);
    },
  });
  new Gauge({
    name: 'descarga_masiva_sat_endpoint_calls',
    help: 'SAT calls per endpoint in the window (every process).',
    labelNames: ['endpoint', 'window'] as const,
    registers,
    async collect() {
      this.reset();
      for (const item of await figures())
        for (const [window, data] of windows(item)) this.set({ endpoint: item.endpoint, window }, data.calls);
    },
  });
  new Gauge({
    name: 'descarga_masiva_sat_endpoint_latency_seconds',
    help: 'Time to SAT’s answer per endpoint and window, at the 0.5 and 0.95 quantiles (bucket bounds).',
    labelNames: ['endpoint', 'window', 'quantile'] as const,
    registers,
    async collect() {
      this.reset();
      for (const item of await figures())
        for (const [window, data] of windows(item)) {
          if (data.p50Ms !== undefined)
            this.set({ endpoint: item.endpoint, window, quantile: '0.5' }, data.p50Ms / 1000);
          if (data.p95Ms !== undefined)
            this.set({ endpoint: item.endpoint, window, quantile: '0.95' }, data.p95Ms / 1000);
        }
    },
  });
}

/** Package custody in /metrics: verification failures (per process) and packages at risk (database). */
export class CustodyMetrics {
  readonly verificationFailures: Counter<'reason'>;
  readonly expiryAlerts: Counter;

  constructor(metrics: Metrics, atRisk: () => Promise<number>) {
    const registers = [metrics.registry];
    this.verificationFailures = new Counter({
      name: 'descarga_masiva_package_verification_failures_total',
      help: 'Downloaded packages not acknowledged because their check failed (sha256: storage kept other bytes; zip: damaged on the way).',
      labelNames: ['reason'] as const,
      registers,
    });
    this.expiryAlerts = new Counter({
      name: 'descarga_masiva_package_expiry_alerts_total',
      help: 'Alerts raised by this process for packages near SAT’s 72-hour expiry and not stored.',
      registers,
    });
    new Gauge({
      name: 'descarga_masiva_packages_at_risk',
      help: 'Packages not stored whose SAT expiry is within PACKAGE_EXPIRY_ALERT_HOURS (every process).',
      registers,
      async collect() {
        this.set(await atRisk());
      },
    });
  }
}
