import type { DataSource } from 'typeorm';
import { Paquete, SatRequest, Solicitud } from '../../db';
import { AppError, SatError, ValidationError, satErrors, solicitudesErrors } from '../../errors';
import { satCodeInfo } from '../../sat';
import { packageObjectKey } from '../../storage';
import { PackageCustody } from '../custody';
import type { JobQueue } from '../ports/job-queue';
import type { PackageStore } from '../ports/package-store';
import type { SolicitudEventSink } from '../ports/solicitud-events';
import type { SatCredential, SatGateway } from '../ports/sat-gateway';
import { bisect, timeRange } from '../periods/time-range';
import type { FielVault } from '../secrets';
import { backoffDelaySeconds } from '../solicitudes/backoff';
import { SOLICITAR_JOB } from '../solicitudes/registration-service';
import { recordProgress } from './progress-recorder';
import type { RfcCallSlots } from './rfc-call-slots';
import { SAT_CAPS, type SatCaps } from '../planning';
import { PeriodSizer } from './period-sizer';
import { QuotaGuard } from './quota-guard';
import { filtrosOf } from './stored-filters';

export const VERIFICAR_JOB = 'verificar';
export const DESCARGAR_JOB = 'descargar';
export const INDEXAR_JOB = 'indexar';

export interface PipelineOptions {
  readonly verifyInitialDelaySeconds: number;
  readonly verifyMaxDelaySeconds: number;
  /** SAT may take days; past this a request still unfinished is given up as Vencida. */
  readonly verifyHorizonHours: number;
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

/** Runs `work` with the SAT calls it makes attributed to a solicitud (and one of its SAT requests). */
export type SatCallScoper = <T>(
  target: { readonly tenantId: string; readonly solicitudId: string; readonly satRequestId?: string },
  work: () => Promise<T>,
) => Promise<T>;

/** SAT serves each package at most this many times (then 5008). */
const SAT_DOWNLOADS_PER_PACKAGE = 2;

/** Verification failures that discard the stored copy: the package must be downloaded again. */
const CUSTODY_FAILURES = new Set([satErrors.packageCorrupt.code, satErrors.packageStoredMismatch.code]);

/** SAT answers that end a request for good: re-sending the same request would get the same answer. */
const REJECTED = new Set(['300', '301', '302', '303', '304', '305', '5001', '5002', '5005', '5012']);

function tryLater(codEstatus: string, mensaje: string): SatError {
  return new SatError(solicitudesErrors.satTryLater, { params: { satCode: codEstatus, mensaje } });
}

/**
 * The SAT cycle of a solicitud, one idempotent step per job: solicitar -> verificar (polling) ->
 * descargar (one job per package). Each step reads the state it needs from the database, acts only if
 * that state still calls for it, persists the outcome, and only then schedules the next step.
 */
export class SolicitudPipeline {
  private readonly clock: () => Date;
  private readonly custody: PackageCustody;
  private readonly quota: QuotaGuard;
  private readonly sizer: PeriodSizer;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sat: SatGateway,
    private readonly store: PackageStore,
    private readonly vault: FielVault,
    private readonly jobs: JobQueue,
    private readonly options: PipelineOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.custody = options.custody ?? new PackageCustody(dataSource, store);
    this.quota = new QuotaGuard(dataSource, {
      recheckSeconds: options.verifyInitialDelaySeconds,
      clock: this.clock,
    });
    this.sizer = new PeriodSizer(dataSource, {
      caps: options.caps ?? SAT_CAPS,
      recheckInitialSeconds: options.verifyInitialDelaySeconds,
      recheckMaxSeconds: options.verifyMaxDelaySeconds,
      horizonHours: options.verifyHorizonHours,
      clock: this.clock,
    });
  }

  /** A SAT step, attributed to its solicitud for the raw trail when the pipeline was given a scoper. */
  private scoped<T>(solicitud: Solicitud, satRequestId: string, work: () => Promise<T>): Promise<T> {
    const scope = this.options.scopeSatCalls;
    return scope
      ? scope({ tenantId: solicitud.tenantId, solicitudId: solicitud.id, satRequestId }, work)
      : work();
  }

  private async credentialFor(solicitud: Solicitud): Promise<SatCredential> {
    const fiel = await this.vault.load(solicitud.tenantId, solicitud.rfc);
    if (!fiel)
      throw new ValidationError(solicitudesErrors.contribuyenteWithoutFiel, {
        params: { rfc: solicitud.rfc },
      });
    return {
      rfc: fiel.rfc,
      certificate: fiel.certificate,
      privateKey: fiel.privateKey,
      password: fiel.password,
    };
  }

  /**
   * Runs a SAT step inside one of the RFC's call slots; when every slot is busy the step is not run
   * now but asks to be run again in a few seconds (without counting as a failed attempt).
   */
  private async withRfcSlot<T>(solicitud: Solicitud, work: () => Promise<T>): Promise<T | Date> {
    const slots = this.options.rfcSlots;
    if (!slots) return work();
    return slots.run(solicitud.tenantId, solicitud.rfc, work, () => {
      const seconds = 2 + Math.random() * 3;
      return new Date(this.clock().getTime() + seconds * 1000);
    });
  }

  /**
   * Runs a SAT step; a permanent failure (no e.firma on file, a query SAT's rules forbid, a refused
   * certificate) is recorded with its code instead of thrown, because retrying would fail the same way
   * and the client must see why the solicitud stopped. Transient failures are thrown for a retry.
   */
  private async unlessPermanent<T>(
    work: () => Promise<T>,
    record: (failure: { codigo: string; mensaje: string }) => Promise<void>,
  ): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof AppError) || error.transient) throw error;
      await record({ codigo: error.code, mensaje: error.messageEs });
      return undefined;
    }
  }

  private async endRequest(
    request: SatRequest,
    solicitud: Solicitud,
    failure: { codigo: string; mensaje: string },
  ): Promise<void> {
    await this.dataSource.getRepository(SatRequest).update(
      { id: request.id },
      {
        estado: 'Error',
        codEstatus: failure.codigo,
        mensaje: failure.mensaje,
        finishedAt: this.clock(),
        nextCheckAt: null,
      },
    );
    await recordProgress(this.dataSource, solicitud.id, this.options.events);
  }

  private async load(
    satRequestId: string,
  ): Promise<{ request: SatRequest; solicitud: Solicitud } | undefined> {
    const request = await this.dataSource.getRepository(SatRequest).findOneBy({ id: satRequestId });
    if (!request) return undefined;
    const solicitud = await this.dataSource
      .getRepository(Solicitud)
      .findOneByOrFail({ id: request.solicitudId });
    return { request, solicitud };
  }

  /** Sends one SAT request; keeps SAT's IdSolicitud before anything else happens. */
  async solicitar(satRequestId: string): Promise<Date | void> {
    const loaded = await this.load(satRequestId);
    if (!loaded || loaded.request.estado !== 'Pendiente') return;
    const { request, solicitud } = loaded;
    if (!request.dimensionada) {
      // An XML period is measured before it is spent (see PeriodSizer); no SAT call happens here.
      const sized = await this.unlessPermanent(
        () => this.sizer.size(request, solicitud),
        (failure) => this.endRequest(request, solicitud, failure),
      );
      if (!sized) return;
      if (sized.kind === 'wait') return sized.until;
      if (sized.kind === 'split') {
        await recordProgress(this.dataSource, solicitud.id, this.options.events);
        for (const child of sized.children) await this.jobs.enqueue(SOLICITAR_JOB, child);
        return;
      }
    }
    return this.withRfcSlot(solicitud, () =>
      this.scoped(solicitud, request.id, () => this.sendRequest(request, solicitud)),
    );
  }

  private async sendRequest(request: SatRequest, solicitud: Solicitud): Promise<Date | void> {
    const repository = this.dataSource.getRepository(SatRequest);
    // Never an identical request while SAT still works on one (5005), never a third XML one (5002).
    const reservation = await this.quota.reserve(request, solicitud);
    if (reservation.kind === 'wait') return reservation.until;
    if (reservation.kind === 'refused') {
      await repository.update(
        { id: request.id },
        {
          estado: 'Rechazada',
          codEstatus: reservation.codigo,
          mensaje: reservation.mensaje,
          finishedAt: this.clock(),
          nextCheckAt: null,
        },
      );
      await recordProgress(this.dataSource, solicitud.id, this.options.events);
      return;
    }
    await repository.increment({ id: request.id }, 'attempts', 1);
    const outcome = await this.unlessPermanent(
      async () =>
        this.sat.query(await this.credentialFor(solicitud), {
          tipoDocumento: solicitud.tipoDocumento,
          contexto: solicitud.contexto,
          tipoSolicitud: solicitud.tipoSolicitud,
          periodo:
            request.periodoInicio && request.periodoFin
              ? timeRange(request.periodoInicio, request.periodoFin)
              : undefined,
          filtros: filtrosOf(solicitud),
        }),
      (failure) => this.endRequest(request, solicitud, failure),
    );
    await this.quota.settle(request, reservation, outcome?.codEstatus);
    if (!outcome) return;
    const now = this.clock();
    const answer = { codEstatus: outcome.codEstatus, mensaje: outcome.mensaje };
    if (outcome.codEstatus === '5000' && outcome.idSolicitud) {
      const nextCheckAt = new Date(now.getTime() + this.options.verifyInitialDelaySeconds * 1000);
      await repository.update(
        { id: request.id },
        {
          ...answer,
          estado: 'Solicitada',
          idSolicitudSat: outcome.idSolicitud,
          requestedAt: now,
          nextCheckAt,
        },
      );
      await recordProgress(this.dataSource, solicitud.id, this.options.events);
      await this.jobs.enqueue(VERIFICAR_JOB, request.id, nextCheckAt);
      return;
    }
    if (satCodeInfo(outcome.codEstatus).retry) throw tryLater(outcome.codEstatus, outcome.mensaje);
    const estado =
      outcome.codEstatus === '5004' ? 'SinDatos' : REJECTED.has(outcome.codEstatus) ? 'Rechazada' : 'Error';
    await repository.update({ id: request.id }, { ...answer, estado, finishedAt: now, nextCheckAt: null });
    await recordProgress(this.dataSource, solicitud.id, this.options.events);
  }

  /** Asks SAT how a request is going; returns when to ask again while it is still running. */
  async verificar(satRequestId: string): Promise<Date | void> {
    const loaded = await this.load(satRequestId);
    if (!loaded || !['Solicitada', 'EnProceso'].includes(loaded.request.estado)) return;
    const { request, solicitud } = loaded;
    return this.withRfcSlot(solicitud, () =>
      this.scoped(solicitud, request.id, () => this.checkRequest(request, solicitud)),
    );
  }

  private async checkRequest(request: SatRequest, solicitud: Solicitud): Promise<Date | void> {
    const repository = this.dataSource.getRepository(SatRequest);
    const outcome = await this.unlessPermanent(
      async () =>
        this.sat.verify(
          await this.credentialFor(solicitud),
          solicitud.tipoDocumento,
          request.idSolicitudSat ?? '',
        ),
      (failure) => this.endRequest(request, solicitud, failure),
    );
    if (!outcome) return;
    const now = this.clock();
    if (satCodeInfo(outcome.codEstatus).retry) throw tryLater(outcome.codEstatus, outcome.mensaje);
    const seen = {
      codEstatus: outcome.codEstatus,
      mensaje: outcome.mensaje,
      estadoSolicitud: outcome.estadoSolicitud,
      codigoEstadoSolicitud: outcome.codigoEstadoSolicitud ?? null,
      numeroCfdis: outcome.numeroCfdis,
      lastCheckedAt: now,
      verifyAttempts: request.verifyAttempts + 1,
    };
    if (outcome.codEstatus !== '5000') {
      await repository.update(
        { id: request.id },
        { ...seen, estado: 'Error', finishedAt: now, nextCheckAt: null },
      );
      await recordProgress(this.dataSource, solicitud.id, this.options.events);
      return;
    }
    if (outcome.estadoSolicitud === 1 || outcome.estadoSolicitud === 2) {
      const since = (request.requestedAt ?? now).getTime();
      if (now.getTime() - since > this.options.verifyHorizonHours * 3_600_000) {
        await repository.update(
          { id: request.id },
          { ...seen, estado: 'Vencida', finishedAt: now, nextCheckAt: null },
        );
        await recordProgress(this.dataSource, solicitud.id, this.options.events);
        return;
      }
      const delay = backoffDelaySeconds(request.verifyAttempts, {
        initialDelaySeconds: this.options.verifyInitialDelaySeconds,
        maxDelaySeconds: this.options.verifyMaxDelaySeconds,
        jitter: 0.3,
      });
      const nextCheckAt = new Date(now.getTime() + delay * 1000);
      await repository.update({ id: request.id }, { ...seen, estado: 'EnProceso', nextCheckAt });
      await recordProgress(this.dataSource, solicitud.id, this.options.events);
      return nextCheckAt;
    }
    if (outcome.codigoEstadoSolicitud === '5003') {
      await this.split(request, seen);
    } else if (outcome.estadoSolicitud === 3 && outcome.codigoEstadoSolicitud !== '5004') {
      await this.terminada(request, solicitud, seen, outcome.paquetes);
    } else {
      const estado =
        outcome.codigoEstadoSolicitud === '5004'
          ? 'SinDatos'
          : outcome.estadoSolicitud === 5
            ? 'Rechazada'
            : outcome.estadoSolicitud === 6
              ? 'Vencida'
              : 'Error';
      await repository.update({ id: request.id }, { ...seen, estado, finishedAt: now, nextCheckAt: null });
    }
    await recordProgress(this.dataSource, solicitud.id, this.options.events);
  }

  private async terminada(
    request: SatRequest,
    solicitud: Solicitud,
    seen: Partial<SatRequest>,
    paquetes: readonly string[],
  ): Promise<void> {
    const now = this.clock();
    const created = await this.dataSource.transaction(async (manager) => {
      await manager.update(
        SatRequest,
        { id: request.id },
        { ...seen, estado: 'Terminada', finishedAt: now, nextCheckAt: null },
      );
      const rows: Paquete[] = [];
      for (const idPaquete of paquetes) {
        const existing = await manager.findOneBy(Paquete, { solicitudId: solicitud.id, idPaquete });
        rows.push(
          existing ??
            (await manager.save(
              manager.create(Paquete, {
                tenantId: solicitud.tenantId,
                solicitudId: solicitud.id,
                satRequestId: request.id,
                idPaquete,
                estado: 'Pendiente',
                // SAT keeps a package 72 hours after it is generated.
                satExpiresAt: new Date(now.getTime() + 72 * 3_600_000),
              }),
            )),
        );
      }
      return rows;
    });
    for (const paquete of created) {
      if (paquete.estado === 'Pendiente') await this.jobs.enqueue(DESCARGAR_JOB, paquete.id);
    }
  }

  /** SAT found too many documents: the period is halved and each half requested on its own. */
  private async split(request: SatRequest, seen: Partial<SatRequest>): Promise<void> {
    const now = this.clock();
    const halves =
      request.periodoInicio && request.periodoFin
        ? bisect(
            timeRange(request.periodoInicio, request.periodoFin),
            (this.options.minimumSplitSeconds ?? 60) * 1000,
          )
        : undefined;
    if (!halves) {
      await this.dataSource
        .getRepository(SatRequest)
        .update({ id: request.id }, { ...seen, estado: 'Error', finishedAt: now, nextCheckAt: null });
      return;
    }
    const children = await this.dataSource.transaction(async (manager) => {
      await manager.update(
        SatRequest,
        { id: request.id },
        { ...seen, estado: 'Dividida', finishedAt: now, nextCheckAt: null },
      );
      const [{ maxParte }] = await manager.query<{ maxParte: number }[]>(
        `SELECT max(parte)::int AS "maxParte" FROM sat_requests WHERE solicitud_id = $1`,
        [request.solicitudId],
      );
      return Promise.all(
        halves.map((half, index) =>
          manager.save(
            manager.create(SatRequest, {
              solicitudId: request.solicitudId,
              parentId: request.id,
              parte: maxParte + index + 1,
              periodoInicio: half.start,
              periodoFin: half.end,
              estado: 'Pendiente',
              nextCheckAt: now,
            }),
          ),
        ),
      );
    });
    for (const child of children) await this.jobs.enqueue(SOLICITAR_JOB, child.id);
  }

  /** Streams one package from SAT straight into storage; size and SHA-256 recorded as it passes. */
  async descargar(paqueteId: string): Promise<Date | void> {
    const paquete = await this.dataSource.getRepository(Paquete).findOneBy({ id: paqueteId });
    if (!paquete || (paquete.estado !== 'Pendiente' && paquete.estado !== 'Descargando')) return;
    const solicitud = await this.dataSource
      .getRepository(Solicitud)
      .findOneByOrFail({ id: paquete.solicitudId });
    return this.withRfcSlot(solicitud, () =>
      this.scoped(solicitud, paquete.satRequestId, () => this.downloadPackage(paquete, solicitud)),
    );
  }

  private async downloadPackage(paquete: Paquete, solicitud: Solicitud): Promise<void> {
    const repository = this.dataSource.getRepository(Paquete);
    // An earlier attempt stored the bytes and died before acknowledging them: verified, they spare
    // SAT's second (and last) download of this package.
    if (paquete.objectKey && paquete.sha256 && paquete.tamano !== null && !paquete.storedAt) {
      const recorded = {
        idPaquete: paquete.idPaquete,
        objectKey: paquete.objectKey,
        size: paquete.tamano,
        sha256: paquete.sha256,
      };
      if (await this.custody.recover(recorded)) {
        await this.acknowledge(paquete, solicitud, recorded, undefined);
        return;
      }
      await repository.update({ id: paquete.id }, { objectKey: null, tamano: null, sha256: null });
    }
    await repository.update({ id: paquete.id }, { estado: 'Descargando' });
    await repository.increment({ id: paquete.id }, 'satDownloadCount', 1);
    const outcome = await this.unlessPermanent(
      async () =>
        this.sat.download(await this.credentialFor(solicitud), solicitud.tipoDocumento, paquete.idPaquete),
      async (failure) => {
        await repository.update({ id: paquete.id }, { estado: 'Error', ...failure });
        await recordProgress(this.dataSource, solicitud.id, this.options.events);
      },
    );
    if (!outcome) return;
    if (outcome.codEstatus !== '5000' || !outcome.paquete) {
      outcome.paquete?.destroy();
      if (satCodeInfo(outcome.codEstatus).retry) throw tryLater(outcome.codEstatus, outcome.mensaje);
      const estado = outcome.codEstatus === '5007' ? 'Vencido' : 'Error';
      await repository.update(
        { id: paquete.id },
        { estado, codigo: outcome.codEstatus, mensaje: outcome.mensaje },
      );
      await recordProgress(this.dataSource, solicitud.id, this.options.events);
      return;
    }
    const key = packageObjectKey({
      tenantId: solicitud.tenantId,
      rfc: solicitud.rfc,
      year: (solicitud.fechaInicial ?? solicitud.createdAt).getUTCFullYear(),
      solicitudId: solicitud.id,
      paqueteId: paquete.idPaquete,
    });
    const stored = await this.store.put(key, outcome.paquete, { contentType: 'application/zip' });
    this.options.onPackageStored?.(stored.size);
    const recorded = {
      idPaquete: paquete.idPaquete,
      objectKey: key,
      size: stored.size,
      sha256: stored.sha256,
    };
    // Written before the check, still unacknowledged (no storedAt): if this run dies now, the next
    // one verifies these bytes instead of downloading again.
    await repository.update(
      { id: paquete.id },
      { objectKey: key, tamano: stored.size, sha256: stored.sha256 },
    );
    let verification;
    try {
      // SAT's last download of a package: a damaged ZIP is still kept (and said so), as nothing better
      // will come; before that, damage means downloading again.
      verification = await this.custody.verifyOrDiscard(recorded, {
        acceptDamagedZip: paquete.satDownloadCount + 1 >= SAT_DOWNLOADS_PER_PACKAGE,
      });
    } catch (error) {
      // Damaged or mis-stored bytes were removed: forget them, so the retry downloads again. Anything
      // else (storage not answering while reading back) keeps them for the retry to verify.
      if (error instanceof SatError && CUSTODY_FAILURES.has(error.code)) {
        await repository.update({ id: paquete.id }, { objectKey: null, tamano: null, sha256: null });
      }
      throw error;
    }
    await this.acknowledge(paquete, solicitud, recorded, verification.zipProblem);
  }

  /**
   * The package is stored and verified: only now is it Almacenado (FechaAlmacenado), recorded under
   * the key of identical content the tenant already has, if any, and sent to be indexed.
   */
  private async acknowledge(
    paquete: Paquete,
    solicitud: Solicitud,
    recorded: { objectKey: string; size: number; sha256: string },
    zipProblem: string | undefined,
  ): Promise<void> {
    const objectKey = await this.custody.deduplicate({
      id: paquete.id,
      tenantId: paquete.tenantId,
      objectKey: recorded.objectKey,
      size: recorded.size,
      sha256: recorded.sha256,
    });
    await this.dataSource.getRepository(Paquete).update(
      { id: paquete.id },
      {
        estado: 'Almacenado',
        objectKey,
        tamano: recorded.size,
        sha256: recorded.sha256,
        storedAt: this.clock(),
        ...(zipProblem ? { mensaje: zipProblem } : {}),
      },
    );
    await recordProgress(this.dataSource, solicitud.id, this.options.events);
    await this.jobs.enqueue(INDEXAR_JOB, paquete.id);
  }
}
