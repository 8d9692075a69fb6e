import type { Paquete, SatRequest } from '../../db';
import type { EstadoSolicitud } from './domain';

/** What the aggregation needs of one SAT request (a solicitud has one, or several after a split). */
export type SatRequestProgress = Pick<SatRequest, 'estado'>;

export type PaqueteProgress = Pick<Paquete, 'estado'>;

/** Parents whose children stand for them: split in parts, or asked again as a new request. */
const REPLACED = new Set<SatRequestProgress['estado']>(['Dividida', 'Reemitida']);

/** Whether a SAT request still counts for the solicitud, or was replaced by its children. */
export function isLivePart(request: SatRequestProgress): boolean {
  return !REPLACED.has(request.estado);
}

const SAT_FINAL = new Set<SatRequestProgress['estado']>([
  'Terminada',
  'Dividida',
  'Reemitida',
  'SinDatos',
  'Rechazada',
  'Error',
  'Vencida',
]);

/**
 * The state a client sees, derived from the parts: while any SAT request is open the solicitud is
 * EnProceso (Registrada before any was sent); once all are settled it is Descargando until every
 * package is stored and indexed. A failed part fails the whole (the first failure's kind wins, as the
 * client cannot use a partial period without knowing it is partial); parts split in two count through
 * their children ("Dividida" and "Reemitida" rows are ignored).
 */
export function aggregateEstado(
  requests: readonly SatRequestProgress[],
  paquetes: readonly PaqueteProgress[],
): EstadoSolicitud {
  const parts = requests.filter(isLivePart);
  if (parts.length === 0) return 'Registrada';
  for (const failure of ['Rechazada', 'Error', 'Vencida'] as const) {
    if (parts.some((part) => part.estado === failure)) return failure;
  }
  if (paquetes.some((paquete) => paquete.estado === 'Error')) return 'Error';
  if (paquetes.some((paquete) => paquete.estado === 'Vencido')) return 'Vencida';
  if (parts.some((part) => !SAT_FINAL.has(part.estado))) {
    return parts.every((part) => part.estado === 'Pendiente') ? 'Registrada' : 'EnProceso';
  }
  if (parts.every((part) => part.estado === 'SinDatos')) return 'SinDatos';
  if (paquetes.some((paquete) => paquete.estado !== 'Indexado')) return 'Descargando';
  return 'Completada';
}
