import type { DataSource } from 'typeorm';
import type { SatServicio } from '../../sat';
import { SAT_ENDPOINTS, isSatEndpoint, type SatEndpoint, type SatOperation } from './endpoints';
import { HEALTH_RULES, healthState, type HealthState, type WindowFigures } from './health-rules';
import { addHistograms, percentileMs } from './latency-buckets';

export interface EndpointHealth {
  readonly endpoint: SatEndpoint;
  readonly servicio: SatServicio;
  readonly operation: SatOperation;
  /** Judged on `recent` (HEALTH_RULES). */
  readonly state: HealthState;
  /** The last HEALTH_RULES.windowMinutes minutes. */
  readonly recent: WindowFigures;
  /** The last HEALTH_RULES.longWindowMinutes minutes. */
  readonly hour: WindowFigures;
}

export interface SatHealthSnapshot {
  readonly at: Date;
  /** Every endpoint, in SAT_ENDPOINTS order, idle ones included (state `unknown`). */
  readonly endpoints: readonly EndpointHealth[];
}

/** A note for whoever watches a solicitud: SAT, not the request, is in trouble. */
export interface SatNotice {
  readonly endpoint: SatEndpoint;
  readonly servicio: SatServicio;
  readonly operation: SatOperation;
  readonly state: 'degraded' | 'down';
  readonly successRate: number | undefined;
  readonly es: string;
  readonly en: string;
}

export interface SatHealthOptions {
  readonly clock?: () => Date;
  /** A snapshot is reused this long (SOAP answers and pages ask often; SAT's figures move by the minute). */
  readonly cacheMs?: number;
}

interface StatRow {
  endpoint: string;
  bucket: Date;
  calls: number;
  failures: number;
  transport_failures: number;
  max_ms: number;
  codes: Record<string, number> | null;
  latency_buckets: number[] | null;
}

/** The SAT operations a solicitud in each active state is waiting on (token renewals included). */
const WAITING_ON: Readonly<Record<string, readonly SatOperation[]>> = Object.freeze({
  Registrada: ['autenticacion', 'solicitud'],
  EnProceso: ['autenticacion', 'solicitud', 'verificacion'],
  Descargando: ['autenticacion', 'descarga'],
});

const OPERATION_NAMES: Readonly<Record<SatOperation, { es: string; en: string }>> = Object.freeze({
  autenticacion: { es: 'Autenticación', en: 'Authentication' },
  solicitud: { es: 'Solicitud', en: 'Request' },
  verificacion: { es: 'Verificación', en: 'Verification' },
  descarga: { es: 'Descarga', en: 'Download' },
});

const SERVICIO_NAMES: Readonly<Record<SatServicio, string>> = Object.freeze({
  cfdi: 'CFDI',
  retenciones: 'Retenciones',
});

function emptyFigures(): WindowFigures {
  return {
    calls: 0,
    failures: 0,
    transportFailures: 0,
    successRate: undefined,
    p50Ms: undefined,
    p95Ms: undefined,
    maxMs: 0,
    codes: {},
  };
}

function sumRows(rows: readonly StatRow[]): WindowFigures {
  if (rows.length === 0) return emptyFigures();
  let calls = 0;
  let failures = 0;
  let transportFailures = 0;
  let maxMs = 0;
  const codes: Record<string, number> = {};
  const histogram: number[] = [];
  for (const row of rows) {
    calls += row.calls;
    failures += row.failures;
    transportFailures += row.transport_failures;
    maxMs = Math.max(maxMs, row.max_ms);
    for (const [code, count] of Object.entries(row.codes ?? {})) codes[code] = (codes[code] ?? 0) + count;
    addHistograms(histogram, row.latency_buckets ?? []);
  }
  return {
    calls,
    failures,
    transportFailures,
    successRate: calls === 0 ? undefined : (calls - failures) / calls,
    p50Ms: percentileMs(histogram, 0.5, maxMs),
    p95Ms: percentileMs(histogram, 0.95, maxMs),
    maxMs,
    codes,
  };
}

function percent(rate: number | undefined): string {
  return rate === undefined ? '—' : String(Math.round(rate * 100));
}

function noticeOf(health: EndpointHealth): SatNotice {
  const state = health.state === 'down' ? 'down' : 'degraded';
  const name = OPERATION_NAMES[health.operation];
  const servicio = SERVICIO_NAMES[health.servicio];
  const rate = percent(health.recent.successRate);
  const minutes = HEALTH_RULES.windowMinutes;
  return {
    endpoint: health.endpoint,
    servicio: health.servicio,
    operation: health.operation,
    state,
    successRate: health.recent.successRate,
    es:
      `Aviso: el servicio de ${name.es} del SAT (${servicio}) está ${state === 'down' ? 'caído' : 'con fallas o lento'}: ` +
      `${rate} % de llamadas exitosas en los últimos ${minutes} minutos. La solicitud se reintenta sola; ` +
      `no es un problema de la solicitud.`,
    en:
      `Notice: SAT's ${name.en} service (${servicio}) is ${state === 'down' ? 'down' : 'failing or slow'}: ` +
      `${rate}% of calls succeeded in the last ${minutes} minutes. The request is retried automatically; ` +
      `it is not a problem with the request.`,
  };
}

function floorToMinute(date: Date): number {
  return Math.floor(date.getTime() / 60_000) * 60_000;
}

/**
 * The SAT health signal: per endpoint, success rate, failures and latency over the last 5 and 60
 * minutes, summed from sat_call_stats (so it is the whole deployment's, whichever process made the
 * calls), and a state by HEALTH_RULES. Read by /metrics, the web's SAT status page and SOAP answers.
 */
export class SatHealth {
  private readonly clock: () => Date;
  private readonly cacheMs: number;
  private cached: { until: number; snapshot: Promise<SatHealthSnapshot> } | undefined;

  constructor(
    private readonly dataSource: DataSource,
    options: SatHealthOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.cacheMs = options.cacheMs ?? 5_000;
  }

  async snapshot(): Promise<SatHealthSnapshot> {
    const now = this.clock();
    if (this.cached && this.cached.until > now.getTime()) return this.cached.snapshot;
    const snapshot = this.read(now);
    this.cached = { until: now.getTime() + this.cacheMs, snapshot };
    // A failed read is not kept: the next caller asks the database again.
    snapshot.catch(() => {
      if (this.cached?.snapshot === snapshot) this.cached = undefined;
    });
    return snapshot;
  }

  private async read(now: Date): Promise<SatHealthSnapshot> {
    const minute = floorToMinute(now);
    const hourStart = new Date(minute - (HEALTH_RULES.longWindowMinutes - 1) * 60_000);
    const recentStart = minute - (HEALTH_RULES.windowMinutes - 1) * 60_000;
    const rows = await this.dataSource.query<StatRow[]>(
      `SELECT endpoint, bucket, calls, failures, transport_failures, max_ms, codes, latency_buckets
         FROM sat_call_stats
        WHERE bucket >= $1 AND bucket <= $2`,
      [hourStart.toISOString(), new Date(minute).toISOString()],
    );
    const byEndpoint = new Map<SatEndpoint, StatRow[]>();
    for (const row of rows) {
      if (!isSatEndpoint(row.endpoint)) continue;
      const list = byEndpoint.get(row.endpoint) ?? [];
      list.push(row);
      byEndpoint.set(row.endpoint, list);
    }
    const endpoints = SAT_ENDPOINTS.map((endpoint): EndpointHealth => {
      const [servicio, operation] = endpoint.split('.') as [SatServicio, SatOperation];
      const all = byEndpoint.get(endpoint) ?? [];
      const recent = sumRows(all.filter((row) => new Date(row.bucket).getTime() >= recentStart));
      return {
        endpoint,
        servicio,
        operation,
        state: healthState(operation, recent),
        recent,
        hour: sumRows(all),
      };
    });
    return { at: now, endpoints };
  }

  /**
   * The note for a solicitud of `tipoDocumento` in `estado`: the worst of the SAT endpoints it is
   * waiting on, when that one is degraded or down; nothing for finished solicitudes or a healthy SAT.
   */
  async noticeFor(tipoDocumento: string, estado: string): Promise<SatNotice | undefined> {
    const operations = WAITING_ON[estado];
    if (!operations) return undefined;
    const servicio: SatServicio = tipoDocumento === 'Retenciones' ? 'retenciones' : 'cfdi';
    const { endpoints } = await this.snapshot();
    const troubled = endpoints.filter(
      (item) =>
        item.servicio === servicio &&
        operations.includes(item.operation) &&
        (item.state === 'down' || item.state === 'degraded'),
    );
    const worst = troubled.find((item) => item.state === 'down') ?? troubled[0];
    return worst ? noticeOf(worst) : undefined;
  }
}
