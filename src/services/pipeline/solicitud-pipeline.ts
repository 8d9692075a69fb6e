import type { DataSource } from 'typeorm';
import { PackageCustody } from '../custody';
import type { JobQueue } from '../ports/job-queue';
import type { PackageStore } from '../ports/package-store';
import type { SolicitudEventSink } from '../ports/solicitud-events';
import type { SatGateway } from '../ports/sat-gateway';
import type { FielVault } from '../secrets';
import { SAT_CAPS, type SatCaps } from '../planning';
import { DescargarStep } from './descargar-step';
import { StepKit, type SatCallScoper } from './pipeline-context';
import { DEFAULT_SIZING_MAX_WAIT_SECONDS, PeriodSizer } from './period-sizer';
import { QuotaGuard } from './quota-guard';
import type { RfcCallSlots } from './rfc-call-slots';
import { SolicitarStep } from './solicitar-step';
import { VerificarStep } from './verificar-step';

export { VERIFICAR_JOB } from './solicitar-step';
export { DESCARGAR_JOB } from './verificar-step';
export { INDEXAR_JOB } from './descargar-step';
export type { SatCallScoper } from './pipeline-context';

export interface PipelineOptions {
  readonly verifyInitialDelaySeconds: number;
  readonly verifyMaxDelaySeconds: number;
  /** SAT may take days; past this a request still unfinished is asked again as a new one. */
  readonly verifyHorizonHours: number;
  /** SIZING_MAX_WAIT: how long an XML period waits for its sizing metadata before it is asked by day. */
  readonly sizingMaxWaitSeconds?: number;
  /** A period that SAT finds too large is halved down to this span, no further. */
  readonly minimumSplitSeconds?: number;
  readonly clock?: () => Date;
  /** Caps SAT calls at once per RFC across workers; unlimited when absent. */
  readonly rfcSlots?: RfcCallSlots;
  /** Told the size of every package once it is durably stored, e.g. for metrics. */
  readonly onPackageStored?: (bytes: number) => void;
  /** Hears of every change of a solicitud's estado (webhooks). */
  readonly events?: SolicitudEventSink;
  /**
   * Runs each SAT step with its calls attributed to the solicitud (the raw SAT trail, SatTrail.scoped);
   * steps run unattributed when absent.
   */
  readonly scopeSatCalls?: SatCallScoper;
  /** Verifies packages before they are acknowledged; one over the pipeline's store when absent. */
  readonly custody?: PackageCustody;
  /** SAT's caps per request: XML periods are sized and split to fit them before being sent. */
  readonly caps?: SatCaps;
}

/**
 * The SAT cycle of a solicitud, one idempotent step per job: solicitar -> verificar (polling) ->
 * descargar (one job per package). Each step reads the state it needs from the database, asks SAT,
 * lets the decision table (`sat-decisions/`) say what SAT's answer means, persists the outcome, and
 * only then schedules the next step.
 */
export class SolicitudPipeline {
  private readonly solicitarStep: SolicitarStep;
  private readonly verificarStep: VerificarStep;
  private readonly descargarStep: DescargarStep;

  constructor(
    dataSource: DataSource,
    sat: SatGateway,
    store: PackageStore,
    vault: FielVault,
    jobs: JobQueue,
    options: PipelineOptions,
  ) {
    const clock = options.clock ?? (() => new Date());
    const kit = new StepKit({
      dataSource,
      sat,
      store,
      vault,
      jobs,
      clock,
      rfcSlots: options.rfcSlots,
      events: options.events,
      scopeSatCalls: options.scopeSatCalls,
    });
    const quota = new QuotaGuard(dataSource, { recheckSeconds: options.verifyInitialDelaySeconds, clock });
    const sizer = new PeriodSizer(dataSource, {
      caps: options.caps ?? SAT_CAPS,
      recheckInitialSeconds: options.verifyInitialDelaySeconds,
      recheckMaxSeconds: options.verifyMaxDelaySeconds,
      maxWaitSeconds: options.sizingMaxWaitSeconds ?? DEFAULT_SIZING_MAX_WAIT_SECONDS,
      clock,
    });
    const minimumSplitSeconds = options.minimumSplitSeconds ?? 60;
    this.solicitarStep = new SolicitarStep(kit, sizer, quota, {
      verifyInitialDelaySeconds: options.verifyInitialDelaySeconds,
      verifyMaxDelaySeconds: options.verifyMaxDelaySeconds,
      minimumSplitSeconds,
    });
    this.verificarStep = new VerificarStep(kit, quota, {
      verifyInitialDelaySeconds: options.verifyInitialDelaySeconds,
      verifyMaxDelaySeconds: options.verifyMaxDelaySeconds,
      verifyHorizonHours: options.verifyHorizonHours,
      minimumSplitSeconds,
    });
    this.descargarStep = new DescargarStep(kit, options.custody ?? new PackageCustody(dataSource, store), {
      ...(options.onPackageStored ? { onPackageStored: options.onPackageStored } : {}),
    });
  }

  /** Sends one SAT request; keeps SAT's IdSolicitud before anything else happens. */
  solicitar(satRequestId: string): Promise<Date | void> {
    return this.solicitarStep.run(satRequestId);
  }

  /** Asks SAT how a request is going; returns when to ask again while it is still running. */
  verificar(satRequestId: string): Promise<Date | void> {
    return this.verificarStep.run(satRequestId);
  }

  /** Streams one package from SAT straight into storage; size and SHA-256 recorded as it passes. */
  descargar(paqueteId: string): Promise<Date | void> {
    return this.descargarStep.run(paqueteId);
  }
}
