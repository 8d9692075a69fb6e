import { ESTADOS_FINALES, type EstadoSolicitud } from './domain';

const NEXT: Readonly<Record<EstadoSolicitud, readonly EstadoSolicitud[]>> = {
  Registrada: ['EnProceso', 'Rechazada', 'Error', 'SinDatos'],
  EnProceso: ['EnProceso', 'Descargando', 'SinDatos', 'Rechazada', 'Error', 'Vencida'],
  Descargando: ['Descargando', 'Completada', 'Error', 'Vencida'],
  Completada: [],
  SinDatos: [],
  Rechazada: [],
  Error: [],
  Vencida: [],
};

export function isFinal(estado: EstadoSolicitud): boolean {
  return ESTADOS_FINALES.has(estado);
}

/** Whether a solicitud in `from` may move to `to`; a final state never changes again. */
export function canTransition(from: EstadoSolicitud, to: EstadoSolicitud): boolean {
  return NEXT[from].includes(to);
}
