import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Counts per solicitud state, read from the database each time `/metrics` is scraped. */
export type StateCounter = () => Promise<Readonly<Record<string, number>>>;

/**
 * Every metric of one process, in its own registry (tests start several apps in one process). Names
 * follow Prometheus conventions: `descarga_masiva_` prefix, base units, `_total` for counters.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly soapCalls = new Counter({
    name: 'descarga_masiva_soap_calls_total',
    help: 'SOAP calls by binding operation and outcome (ok, or the fault code).',
    labelNames: ['operation', 'result'] as const,
    registers: [this.registry],
  });

  readonly satCalls = new Counter({
    name: 'descarga_masiva_sat_calls_total',
    help: 'Calls to SAT by operation and SAT status code (or "network" when no answer came).',
    labelNames: ['operation', 'code'] as const,
    registers: [this.registry],
  });

  readonly satLatency = new Histogram({
    name: 'descarga_masiva_sat_call_duration_seconds',
    help: 'Duration of calls to SAT by operation.',
    labelNames: ['operation'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly jobRuns = new Counter({
    name: 'descarga_masiva_job_runs_total',
    help: 'Pipeline job runs by job and result.',
    labelNames: ['job', 'result'] as const,
    registers: [this.registry],
  });

  readonly bytesStored = new Counter({
    name: 'descarga_masiva_package_bytes_stored_total',
    help: 'Bytes of SAT packages written to storage.',
    registers: [this.registry],
  });

  constructor(options: { readonly solicitudStates?: StateCounter } = {}) {
    collectDefaultMetrics({ register: this.registry, prefix: 'descarga_masiva_' });
    const { solicitudStates } = options;
    if (solicitudStates) {
      new Gauge({
        name: 'descarga_masiva_solicitudes',
        help: 'Solicitudes by state (all tenants).',
        labelNames: ['estado'] as const,
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const [estado, count] of Object.entries(await solicitudStates())) this.set({ estado }, count);
        },
      });
    }
  }
}

/**
 * The job queue's depth, read when `/metrics` is scraped. Registered apart from the constructor because
 * the job runner it reads counts its runs in these same metrics: it is built after them.
 */
export function registerQueueDepthGauge(metrics: Metrics, queueDepth: () => Promise<number>): void {
  new Gauge({
    name: 'descarga_masiva_job_queue_depth',
    help: 'Jobs waiting or running.',
    registers: [metrics.registry],
    async collect() {
      this.set(await queueDepth());
    },
  });
}
