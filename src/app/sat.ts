import type { AppConfig } from '../config';
import type { Logger } from '../logging';
import { CustodyMetrics, registerSatHealthGauges, satCallObserver, type Metrics } from '../metrics';
import { NodeSatTransport, type SatTransport } from '../sat';
import type { SatCaps } from '../services/planning';
import { ExpiryWatch, PackageCustody, type PackageCustodySink } from '../services/custody';
import { SatCallRecorder, SatHealth } from '../services/sat-health';
import { ObservedSatTransport } from '../services/sat-observation';
import { SatTrail } from '../services/sat-trail';
import type { Infrastructure } from './infrastructure';
import type { ShutdownOrder } from './lifecycle';

/**
 * Issue 8's SAT health signal, raw SAT trail and package custody, built in one place: every SAT call
 * goes through an observed transport whose events feed the per-minute figures (all processes add up
 * in sat_call_stats) and, for tenants that opted in, the trail.
 */
export interface SatConnection {
  readonly transport: SatTransport;
  readonly recorder: SatCallRecorder;
  readonly trail: SatTrail;
  readonly health: SatHealth;
  readonly expiryWatch: ExpiryWatch;
  readonly custody: PackageCustody;
  /** SAT's caps per request: registration plans periods under them, the pipeline sizes what it could not. */
  readonly caps: SatCaps;
}

export function connectSat(
  config: AppConfig,
  logger: Logger,
  infrastructure: Pick<Infrastructure, 'database' | 'objectStore'>,
  metrics: Metrics,
  shutdown: ShutdownOrder,
  /** Hear of packages near SAT's expiry and not stored (notifications subscribe here). */
  custodySinks: readonly PackageCustodySink[],
): SatConnection {
  const { dataSource } = infrastructure.database;
  const network = new NodeSatTransport({
    connectTimeoutMs: config.sat.connectTimeoutMs,
    idleTimeoutMs: config.sat.idleTimeoutMs,
    totalTimeoutMs: config.sat.totalTimeoutMs,
    observer: satCallObserver(metrics),
  });
  shutdown.add(async () => network.close());

  const recorder = new SatCallRecorder(dataSource, logger);
  const trail = new SatTrail(dataSource, { retentionDays: config.satTrail.retentionDays }, logger);
  const health = new SatHealth(dataSource);
  registerSatHealthGauges(metrics, () => health.snapshot());
  // Each needs the other: the gauge counts what the watch sees, the watch counts its alerts.
  const custodyMetrics: CustodyMetrics = new CustodyMetrics(metrics, () => expiryWatch.countAtRisk());
  const expiryWatch = new ExpiryWatch(dataSource, {
    alertHours: config.custody.expiryAlertHours,
    logger,
    sinks: custodySinks,
    onAlert: () => custodyMetrics.expiryAlerts.inc(),
  });
  const custody = new PackageCustody(dataSource, infrastructure.objectStore, {
    logger,
    onVerificationFailed: (reason) => custodyMetrics.verificationFailures.inc({ reason }),
  });
  shutdown.add(async () => {
    await recorder.flush();
    await trail.flush();
  });
  const transport = new ObservedSatTransport(network, [(event) => recorder.record(event), trail.listener]);
  const caps = {
    maxXmlPerRequest: config.sat.maxXmlPerRequest,
    maxMetadataPerRequest: config.sat.maxMetadataPerRequest,
  };
  return { transport, recorder, trail, health, expiryWatch, custody, caps };
}
