import type { DataSource } from 'typeorm';
import { Paquete, SatRequest, Solicitud } from '../../db';
import { AppError, SatError, ValidationError, solicitudesErrors } from '../../errors';
import { satCodeInfo } from '../../sat';
import type { JobQueue } from '../ports/job-queue';
import type { PackageStore } from '../ports/package-store';
import type { SatCredential, SatGateway } from '../ports/sat-gateway';
import { bisect, timeRange } from '../periods/time-range';
import type { FielVault } from '../secrets';
import { backoffDelaySeconds } from '../solicitudes/backoff';
import type { FiltrosSolicitud } from '../solicitudes/domain';
import { SOLICITAR_JOB } from '../solicitudes/registration-service';
import { recordProgress } from './progress-recorder';
import type { RfcCallSlots } from './rfc-call-slots';

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
}

/** SAT answers that end a request for good: re-sending the same request would get the same answer. */
const REJECTED = new Set(['300', '301', '302', '303', '304', '305', '5001', '5002', '5005', '5012']);

function filtrosOf(solicitud: Solicitud): FiltrosSolicitud {
  const stored = solicitud.filtros;
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  return {
    rfcContrapartes: Array.isArray(stored.rfcContrapartes) ? stored.rfcContrapartes : [],
    ...(text(stored.tipoComprobante)
      ? { tipoComprobante: text(stored.tipoComprobante) as FiltrosSolicitud['tipoComprobante'] }
      : {}),
    ...(text(stored.estadoComprobante)
      ? { estadoComprobante: text(stored.estadoComprobante) as FiltrosSolicitud['estadoComprobante'] }
      : {}),
    ...(text(stored.rfcACuentaTerceros) ? { rfcACuentaTerceros: text(stored.rfcACuentaTerceros) } : {}),
    ...(text(stored.complemento) ? { complemento: text(stored.complemento) } : {}),
    ...(text(stored.uuid) ? { uuid: text(stored.uuid) } : {}),
  };
}

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

  constructor(
    private readonly dataSource: DataSource,
    private readonly sat: SatGateway,
    private readonly store: PackageStore,
    private readonly vault: FielVault,
    private readonly jobs: JobQueue,
    private readonly options: PipelineOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
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
    await recordProgress(this.dataSource, solicitud.id);
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
    return this.withRfcSlot(solicitud, () => this.sendRequest(request, solicitud));
  }

  private async sendRequest(request: SatRequest, solicitud: Solicitud): Promise<void> {
    const repository = this.dataSource.getRepository(SatRequest);
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
      await recordProgress(this.dataSource, solicitud.id);
      await this.jobs.enqueue(VERIFICAR_JOB, request.id, nextCheckAt);
      return;
    }
    if (satCodeInfo(outcome.codEstatus).retry) throw tryLater(outcome.codEstatus, outcome.mensaje);
    const estado =
      outcome.codEstatus === '5004' ? 'SinDatos' : REJECTED.has(outcome.codEstatus) ? 'Rechazada' : 'Error';
    await repository.update({ id: request.id }, { ...answer, estado, finishedAt: now, nextCheckAt: null });
    await recordProgress(this.dataSource, solicitud.id);
  }

  /** Asks SAT how a request is going; returns when to ask again while it is still running. */
  async verificar(satRequestId: string): Promise<Date | void> {
    const loaded = await this.load(satRequestId);
    if (!loaded || !['Solicitada', 'EnProceso'].includes(loaded.request.estado)) return;
    const { request, solicitud } = loaded;
    return this.withRfcSlot(solicitud, () => this.checkRequest(request, solicitud));
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
      await recordProgress(this.dataSource, solicitud.id);
      return;
    }
    if (outcome.estadoSolicitud === 1 || outcome.estadoSolicitud === 2) {
      const since = (request.requestedAt ?? now).getTime();
      if (now.getTime() - since > this.options.verifyHorizonHours * 3_600_000) {
        await repository.update(
          { id: request.id },
          { ...seen, estado: 'Vencida', finishedAt: now, nextCheckAt: null },
        );
        await recordProgress(this.dataSource, solicitud.id);
        return;
      }
      const delay = backoffDelaySeconds(request.verifyAttempts, {
        initialDelaySeconds: this.options.verifyInitialDelaySeconds,
        maxDelaySeconds: this.options.verifyMaxDelaySeconds,
        jitter: 0.3,
      });
      const nextCheckAt = new Date(now.getTime() + delay * 1000);
      await repository.update({ id: request.id }, { ...seen, estado: 'EnProceso', nextCheckAt });
      await recordProgress(this.dataSource, solicitud.id);
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
    await recordProgress(this.dataSource, solicitud.id);
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
    return this.withRfcSlot(solicitud, () => this.downloadPackage(paquete, solicitud));
  }

  private async downloadPackage(paquete: Paquete, solicitud: Solicitud): Promise<void> {
    const repository = this.dataSource.getRepository(Paquete);
    await repository.update({ id: paquete.id }, { estado: 'Descargando' });
    await repository.increment({ id: paquete.id }, 'satDownloadCount', 1);
    const outcome = await this.unlessPermanent(
      async () =>
        this.sat.download(await this.credentialFor(solicitud), solicitud.tipoDocumento, paquete.idPaquete),
      async (failure) => {
        await repository.update({ id: paquete.id }, { estado: 'Error', ...failure });
        await recordProgress(this.dataSource, solicitud.id);
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
      await recordProgress(this.dataSource, solicitud.id);
      return;
    }
    const year = (solicitud.fechaInicial ?? solicitud.createdAt).getUTCFullYear();
    const key = `tenants/${solicitud.tenantId}/${solicitud.rfc}/${year}/${solicitud.id}/${paquete.idPaquete}.zip`;
    const stored = await this.store.put(key, outcome.paquete, { contentType: 'application/zip' });
    this.options.onPackageStored?.(stored.size);
    await repository.update(
      { id: paquete.id },
      {
        estado: 'Almacenado',
        objectKey: key,
        tamano: stored.size,
        sha256: stored.sha256,
        storedAt: this.clock(),
      },
    );
    await recordProgress(this.dataSource, solicitud.id);
    await this.jobs.enqueue(INDEXAR_JOB, paquete.id);
  }
}
