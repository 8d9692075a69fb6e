import { ESTADOS_FINALES, type EstadoSolicitud } from './domain';

const NEXT: Readonly<Record<EstadoSolicitud, readonly EstadoSolicitud[]>> = {
  Registrada: ['EnProceso', 'Rechazada', 'Error', 'SinDatos'],
  // Straight to Completada when the last part SAT settles had nothing to download and every package
  // of the other parts was already indexed meanwhile (a period split by day, say).
  EnProceso: ['EnProceso', 'Descargando', 'Completada', 'SinDatos', 'Rechazada', 'Error', 'Vencida'],
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
