import { SatRequest, type Solicitud } from '../../db';
import type { SatQueryOutcome } from '../ports/sat-gateway';
import { backoffDelaySeconds } from '../solicitudes/backoff';
import { SOLICITAR_JOB } from '../solicitudes/registration-service';
import type { StepKit } from './pipeline-context';
import { splitPart } from './part-children';
import type { PeriodSizer } from './period-sizer';
import type { QuotaGuard, Reservation } from './quota-guard';
import { nextSatDay } from './sat-day';
import { filtrosOf } from './stored-filters';

export const VERIFICAR_JOB = 'verificar';

export interface SolicitarOptions {
  readonly verifyInitialDelaySeconds: number;
  readonly verifyMaxDelaySeconds: number;
  readonly minimumSplitSeconds: number;
}

/**
 * Sends one SAT request (SolicitaDescarga) and applies what the decision table makes of the answer.
 * SAT's IdSolicitud is kept before anything else happens; an answer that never arrived leaves the part
 * "Incierta" (SAT may have accepted it), never Rechazada.
 */
export class SolicitarStep {
  constructor(
    private readonly kit: StepKit,
    private readonly sizer: PeriodSizer,
    private readonly quota: QuotaGuard,
    private readonly options: SolicitarOptions,
  ) {}

  async run(satRequestId: string): Promise<Date | void> {
    const loaded = await this.kit.loadRequest(satRequestId);
    if (!loaded || !['Pendiente', 'Incierta'].includes(loaded.request.estado)) return;
    const { request, solicitud } = loaded;
    if (!request.dimensionada) {
      // An XML period is measured before it is spent (see PeriodSizer); no SAT call happens here.
      const sized = await this.kit.unlessPermanent(
        () => this.sizer.size(request, solicitud),
        (failure) => this.kit.endRequest(request, 'Error', failure),
      );
      if (!sized) return;
      if (sized.kind === 'wait') return sized.until;
      if (sized.kind === 'split') {
        await this.kit.progress(solicitud.id);
        for (const child of sized.children) await this.kit.deps.jobs.enqueue(SOLICITAR_JOB, child);
        return;
      }
    }
    return this.kit.withRfcSlot(solicitud, () =>
      this.kit.scoped(solicitud, request.id, () => this.send(request, solicitud)),
    );
  }

  private async send(request: SatRequest, solicitud: Solicitud): Promise<Date | void> {
    const credential = await this.kit.unlessPermanent(
      () => this.kit.credentialFor(solicitud),
      (failure) => this.kit.endRequest(request, 'Error', failure),
    );
    if (!credential) return;
    const reservation = await this.quota.reserve(request, solicitud);
    if (reservation.kind === 'wait') return reservation.until;
    if (reservation.kind === 'refused') {
      await this.kit.endRequest(request, 'Rechazada', {
        codigo: reservation.codigo,
        mensaje: reservation.mensaje,
      });
      return;
    }
    await this.kit.dataSource.getRepository(SatRequest).increment({ id: request.id }, 'attempts', 1);
    let decided;
    try {
      decided = await this.kit.unlessPermanent(
        () =>
          this.kit.decideCall(
            'solicitar',
            { credential, tipoDocumento: solicitud.tipoDocumento },
            () =>
              this.kit.deps.sat.query(credential, {
                tipoDocumento: solicitud.tipoDocumento,
                contexto: solicitud.contexto,
                tipoSolicitud: solicitud.tipoSolicitud,
                periodo: reservation.periodo,
                filtros: filtrosOf(solicitud),
              }),
            (answer) => ({
              step: 'solicitar',
              answer: {
                codEstatus: answer.codEstatus,
                idSolicitud: answer.idSolicitud,
                httpStatus: answer.httpStatus ?? 200,
              },
            }),
            { pastHorizon: false, reissues: request.reemisiones },
          ),
        async (failure) => {
          // Refused by our own checks before it left: SAT never saw it.
          await this.quota.settle(request, reservation, false);
          await this.kit.endRequest(request, 'Error', failure);
        },
      );
    } catch (error) {
      await this.quota.settle(request, reservation, false);
      throw error;
    }
    if (!decided) return;
    return this.apply(request, reservation, decided);
  }

  private async apply(
    request: SatRequest,
    reservation: Extract<Reservation, { kind: 'send' }>,
    decided: Awaited<ReturnType<StepKit['decideCall']>> & { result: SatQueryOutcome | undefined },
  ): Promise<Date | void> {
    const { decision, result: answer, error } = decided;
    const repository = this.kit.dataSource.getRepository(SatRequest);
    const now = this.kit.now();
    const seen = answer ? { codEstatus: answer.codEstatus, mensaje: answer.mensaje } : {};
    const counted = decision.kind === 'accepted' || decision.kind === 'outcome-unknown';
    await this.quota.settle(request, reservation, counted);
    switch (decision.kind) {
      case 'accepted': {
        const nextCheckAt = new Date(now.getTime() + this.options.verifyInitialDelaySeconds * 1000);
        await repository.update(
          { id: request.id },
          {
            ...seen,
            estado: 'Solicitada',
            idSolicitudSat: answer?.idSolicitud ?? null,
            requestedAt: now,
            nextCheckAt,
          },
        );
        await this.kit.progress(request.solicitudId);
        await this.kit.deps.jobs.enqueue(VERIFICAR_JOB, request.id, nextCheckAt);
        return;
      }
      case 'outcome-unknown': {
        const delay = backoffDelaySeconds(request.attempts, {
          initialDelaySeconds: this.options.verifyInitialDelaySeconds,
          maxDelaySeconds: this.options.verifyMaxDelaySeconds,
          jitter: 0.3,
        });
        const nextCheckAt = new Date(now.getTime() + delay * 1000);
        const why = answer ? `${answer.codEstatus} ${answer.mensaje}`.trim() : (error?.messageEs ?? '');
        await repository.update(
          { id: request.id },
          {
            ...seen,
            estado: 'Incierta',
            nextCheckAt,
            mensaje: `Enviada al SAT sin respuesta legible (${why}); puede haberla aceptado: se pide de nuevo un segundo más amplia.`,
          },
        );
        await this.kit.progress(request.solicitudId);
        return nextCheckAt;
      }
      case 'spent': {
        // SAT will not take these criteria again: the guard asks for a period one second wider.
        await this.quota.markSpent(reservation.key);
        await repository.update(
          { id: request.id },
          { ...seen, estado: 'Pendiente', nextCheckAt: now, criteriaKey: null },
        );
        return now;
      }
      case 'next-sat-day': {
        const nextCheckAt = nextSatDay(now, Math.random());
        await repository.update(
          { id: request.id },
          {
            ...seen,
            estado: 'Pendiente',
            nextCheckAt,
            mensaje: `Límite diario del SAT (${answer?.codEstatus ?? ''}); se pide de nuevo el siguiente día del SAT.`,
          },
        );
        return nextCheckAt;
      }
      case 'no-data':
        await this.kit.endRequest(request, 'SinDatos', {
          codigo: answer?.codEstatus ?? '',
          mensaje: answer?.mensaje ?? '',
        });
        return;
      case 'split':
        await splitPart(this.kit, request, seen, this.options.minimumSplitSeconds);
        return;
      case 'retry':
        throw this.kit.retryError(decision, error, answer);
      case 'fail':
        await this.kit.endRequest(request, decision.estado === 'Vencido' ? 'Error' : decision.estado, {
          ...this.kit.failureRecord(decision, error, answer),
        });
        return;
      default:
        // poll, download, store, reissue, reauthenticate: not answers a SolicitaDescarga can have.
        throw new Error(`decision ${decision.kind} does not apply to SolicitaDescarga`);
    }
  }
}
