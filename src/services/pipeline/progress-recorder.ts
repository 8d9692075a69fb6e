import type { DataSource } from 'typeorm';
import { Paquete, SatRequest, Solicitud, SolicitudEstado, releaseLedgerPeriods } from '../../db';
import { aggregateEstado, isLivePart } from '../solicitudes/progress';
import type { AfterCommit, SolicitudEventSink } from '../ports/solicitud-events';
import { canTransition, isFinal } from '../solicitudes/state-machine';

/**
 * Recomputes a solicitud's visible state from its SAT requests and packages after every step, records
 * the change in its history, and frees its ledger periods when it ended without data being obtained
 * (so the period can be requested again). Runs under a row lock: parallel steps of one solicitud
 * (several packages downloading at once) serialise here. This is the one place a solicitud's estado
 * changes, so `events` (webhooks) hears of every change here, inside the same transaction.
 */
export async function recordProgress(
  dataSource: DataSource,
  solicitudId: string,
  events?: SolicitudEventSink,
): Promise<Solicitud> {
  const recorded = await dataSource.transaction(async (manager) => {
    let afterCommit: AfterCommit | void = undefined;
    const solicitud = await manager
      .getRepository(Solicitud)
      .createQueryBuilder('s')
      .setLock('pessimistic_write')
      .where('s.id = :id', { id: solicitudId })
      .getOneOrFail();
    const requests = await manager
      .getRepository(SatRequest)
      .find({ where: { solicitudId }, order: { parte: 'ASC' } });
    const paquetes = await manager.getRepository(Paquete).findBy({ solicitudId });
    const estado = aggregateEstado(requests, paquetes);
    const parts = requests.filter(isLivePart);
    const last = [...parts].sort((a, b) => (b.updatedAt?.getTime() ?? 0) - (a.updatedAt?.getTime() ?? 0))[0];
    const counted = parts.filter((part) => part.numeroCfdis !== null);

    solicitud.numeroCfdis =
      counted.length > 0 ? counted.reduce((sum, part) => sum + (part.numeroCfdis ?? 0), 0) : null;
    solicitud.paquetesTotal = paquetes.length;
    solicitud.paquetesAlmacenados = paquetes.filter(
      (p) => p.estado === 'Almacenado' || p.estado === 'Indexado',
    ).length;
    if (last) {
      solicitud.estadoSat =
        last.estadoSolicitud === null ? solicitud.estadoSat : String(last.estadoSolicitud);
      solicitud.satCodEstatus = last.codEstatus ?? solicitud.satCodEstatus;
      solicitud.satMensaje = last.mensaje ?? solicitud.satMensaje;
    }
    const anterior = solicitud.estado;
    const changed = estado !== solicitud.estado && canTransition(solicitud.estado, estado);
    if (changed) {
      solicitud.estado = estado;
      if (estado !== 'Registrada' && !solicitud.startedAt) solicitud.startedAt = new Date();
      if (isFinal(estado)) solicitud.finishedAt = new Date();
      const failed = parts.find(
        (part) => part.estado === 'Rechazada' || part.estado === 'Error' || part.estado === 'Vencida',
      );
      if (failed) {
        solicitud.codigo = failed.codEstatus;
        solicitud.mensaje = failed.mensaje;
      }
    }
    await manager.save(solicitud);
    if (changed) {
      const history = await manager.save(
        manager.create(SolicitudEstado, {
          solicitudId,
          estado,
          estadoSat: solicitud.estadoSat,
          codigo: solicitud.codigo ?? solicitud.satCodEstatus,
          mensaje: solicitud.mensaje ?? solicitud.satMensaje,
        }),
      );
      if (estado === 'Rechazada' || estado === 'Error' || estado === 'Vencida') {
        await releaseLedgerPeriods(manager, solicitudId);
      }
      afterCommit = await events?.estadoCambiado(manager, {
        solicitud,
        anterior,
        at: history.at ?? new Date(),
      });
    }
    return { solicitud, afterCommit };
  });
  if (recorded.afterCommit) await recorded.afterCommit();
  return recorded.solicitud;
}
