import { SatRequest, nextSatRequestParte } from '../../db';
import { bisect, timeRange, type TimeRange } from '../periods/time-range';
import { SOLICITAR_JOB } from '../solicitudes/registration-service';
import type { StepKit } from './pipeline-context';

/**
 * Parts that stand in for a SAT request from now on: the request ends as `estado` (its children count
 * for the solicitud instead) and each child is sent to be requested.
 */
async function replaceWith(
  kit: StepKit,
  request: SatRequest,
  estado: 'Dividida' | 'Reemitida',
  seen: Partial<SatRequest>,
  periods: readonly (TimeRange | undefined)[],
  reemisiones: number,
): Promise<void> {
  const now = kit.now();
  const children = await kit.dataSource.transaction(async (manager) => {
    await manager.update(
      SatRequest,
      { id: request.id },
      { ...seen, estado, finishedAt: now, nextCheckAt: null },
    );
    const first = await nextSatRequestParte(manager, request.solicitudId);
    const saved: SatRequest[] = [];
    for (const [index, periodo] of periods.entries()) {
      saved.push(
        await manager.save(
          manager.create(SatRequest, {
            solicitudId: request.solicitudId,
            parentId: request.id,
            parte: first + index,
            periodoInicio: periodo?.start ?? null,
            periodoFin: periodo?.end ?? null,
            estado: 'Pendiente',
            nextCheckAt: now,
            reemisiones,
          }),
        ),
      );
    }
    return saved;
  });
  await kit.progress(request.solicitudId);
  for (const child of children) await kit.deps.jobs.enqueue(SOLICITAR_JOB, child.id);
}

/**
 * SAT found too many documents: the period is halved and each half requested on its own. A period
 * already at the shortest span cannot be halved: the part ends in Error with SAT's answer.
 */
export async function splitPart(
  kit: StepKit,
  request: SatRequest,
  seen: Partial<SatRequest>,
  minimumSplitSeconds: number,
): Promise<void> {
  const halves =
    request.periodoInicio && request.periodoFin
      ? bisect(timeRange(request.periodoInicio, request.periodoFin), minimumSplitSeconds * 1000)
      : undefined;
  if (!halves) {
    const codigo = seen.codigoEstadoSolicitud ?? seen.codEstatus ?? '';
    await kit.endRequest(
      request,
      'Error',
      {
        codigo,
        mensaje: `El SAT halló demasiados documentos (${codigo}) en un periodo que ya no se puede dividir.`,
      },
      seen,
    );
    return;
  }
  await replaceWith(kit, request, 'Dividida', seen, halves, request.reemisiones);
}

/**
 * SAT will not deliver this request (it failed, was rejected, expired or never finished): the same
 * part is asked again as a new request. Its criteria are SAT's to judge: the quota guard sends them
 * as they are if SAT may still take them, one second wider if not.
 */
export async function reissuePart(
  kit: StepKit,
  request: SatRequest,
  seen: Partial<SatRequest>,
): Promise<void> {
  const periodo =
    request.periodoInicio && request.periodoFin
      ? timeRange(request.periodoInicio, request.periodoFin)
      : undefined;
  await replaceWith(kit, request, 'Reemitida', seen, [periodo], request.reemisiones + 1);
}
