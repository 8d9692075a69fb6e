import { Paquete, SatRequest, type Solicitud } from '../../db';
import type { SatVerifyOutcome } from '../ports/sat-gateway';
import { backoffDelaySeconds } from '../solicitudes/backoff';
import type { StepKit } from './pipeline-context';
import { reissuePart, splitPart } from './part-children';
import type { QuotaGuard } from './quota-guard';
import { nextSatDay } from './sat-day';

export const DESCARGAR_JOB = 'descargar';

export interface VerificarOptions {
  readonly verifyInitialDelaySeconds: number;
  readonly verifyMaxDelaySeconds: number;
  /** SAT may take days; past this a request still unfinished is asked again as a new one. */
  readonly verifyHorizonHours: number;
  readonly minimumSplitSeconds: number;
}

/** SAT keeps a package 72 hours after it is generated. */
const PACKAGE_LIFETIME_MS = 72 * 3_600_000;

/** Asks SAT how a request is going (VerificaSolicitudDescarga) and applies the decision table. */
export class VerificarStep {
  constructor(
    private readonly kit: StepKit,
    private readonly quota: QuotaGuard,
    private readonly options: VerificarOptions,
  ) {}

  /** Returns when to ask again while the request is still running. */
  async run(satRequestId: string): Promise<Date | void> {
    const loaded = await this.kit.loadRequest(satRequestId);
    if (!loaded || !['Solicitada', 'EnProceso'].includes(loaded.request.estado)) return;
    const { request, solicitud } = loaded;
    return this.kit.withRfcSlot(solicitud, () =>
      this.kit.scoped(solicitud, request.id, () => this.check(request, solicitud)),
    );
  }

  private async check(request: SatRequest, solicitud: Solicitud): Promise<Date | void> {
    const now = this.kit.now();
    const since = (request.requestedAt ?? now).getTime();
    const pastHorizon = now.getTime() - since > this.options.verifyHorizonHours * 3_600_000;
    const decided = await this.kit.unlessPermanent(
      async () => {
        const credential = await this.kit.credentialFor(solicitud);
        return this.kit.decideCall(
          'verificar',
          { credential, tipoDocumento: solicitud.tipoDocumento },
          () => this.kit.deps.sat.verify(credential, solicitud.tipoDocumento, request.idSolicitudSat ?? ''),
          (answer) => ({
            step: 'verificar',
            answer: {
              codEstatus: answer.codEstatus,
              estadoSolicitud: answer.estadoSolicitud,
              codigoEstadoSolicitud: answer.codigoEstadoSolicitud,
            },
          }),
          { pastHorizon, reissues: request.reemisiones },
        );
      },
      (failure) => this.kit.endRequest(request, 'Error', failure),
    );
    if (!decided) return;
    const { decision, result: answer, error } = decided;
    const seen: Partial<SatRequest> = answer
      ? {
          codEstatus: answer.codEstatus,
          mensaje: answer.mensaje,
          estadoSolicitud: answer.estadoSolicitud,
          codigoEstadoSolicitud: answer.codigoEstadoSolicitud ?? null,
          numeroCfdis: answer.numeroCfdis,
          lastCheckedAt: now,
          verifyAttempts: request.verifyAttempts + 1,
        }
      : {};
    const repository = this.kit.dataSource.getRepository(SatRequest);
    switch (decision.kind) {
      case 'poll': {
        const delay = backoffDelaySeconds(request.verifyAttempts, {
          initialDelaySeconds: this.options.verifyInitialDelaySeconds,
          maxDelaySeconds: this.options.verifyMaxDelaySeconds,
          jitter: 0.3,
        });
        const nextCheckAt = new Date(now.getTime() + delay * 1000);
        await repository.update({ id: request.id }, { ...seen, estado: 'EnProceso', nextCheckAt });
        await this.kit.progress(solicitud.id);
        return nextCheckAt;
      }
      case 'download':
        await this.terminada(request, solicitud, seen, answer?.paquetes ?? []);
        await this.kit.progress(solicitud.id);
        return;
      case 'no-data':
        await repository.update(
          { id: request.id },
          { ...seen, estado: 'SinDatos', finishedAt: now, nextCheckAt: null },
        );
        await this.kit.progress(solicitud.id);
        return;
      case 'split':
        await splitPart(this.kit, request, seen, this.options.minimumSplitSeconds);
        return;
      case 'spent':
        // SAT counted these criteria out: the new request is sent one second wider.
        if (request.criteriaKey) await this.quota.markSpent(request.criteriaKey);
        await reissuePart(this.kit, request, seen);
        return;
      case 'reissue':
        await reissuePart(this.kit, request, seen);
        return;
      case 'next-sat-day': {
        const nextCheckAt = nextSatDay(now, Math.random());
        await repository.update(
          { id: request.id },
          {
            ...seen,
            nextCheckAt,
            mensaje: `Límite diario del SAT (${answer?.codEstatus ?? ''}); se verifica de nuevo el siguiente día del SAT.`,
          },
        );
        return nextCheckAt;
      }
      case 'retry':
        if (answer) await repository.update({ id: request.id }, seen);
        throw this.kit.retryError(decision, error, answer);
      case 'fail':
        await this.kit.endRequest(
          request,
          decision.estado === 'Vencido' ? 'Vencida' : decision.estado,
          this.kit.failureRecord(decision, error, answer, answer?.estadoSolicitud),
          seen,
        );
        return;
      default:
        throw new Error(`decision ${decision.kind} does not apply to VerificaSolicitudDescarga`);
    }
  }

  private async terminada(
    request: SatRequest,
    solicitud: Solicitud,
    seen: Partial<SatRequest>,
    paquetes: SatVerifyOutcome['paquetes'],
  ): Promise<void> {
    const now = this.kit.now();
    const created = await this.kit.dataSource.transaction(async (manager) => {
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
                satExpiresAt: new Date(now.getTime() + PACKAGE_LIFETIME_MS),
              }),
            )),
        );
      }
      return rows;
    });
    for (const paquete of created) {
      if (paquete.estado === 'Pendiente') await this.kit.deps.jobs.enqueue(DESCARGAR_JOB, paquete.id);
    }
  }
}
