import type {
  Contexto,
  ContextoPedido,
  FiltrosSolicitud,
  TipoSolicitud,
  TipoSolicitudPedida,
} from './domain';

export interface Combinacion {
  readonly contexto: Contexto;
  readonly tipoSolicitud: TipoSolicitud;
}

/**
 * `Ambos` asks for both values of a dimension; each combination becomes its own solicitud, because SAT
 * takes exactly one contexto and one tipo per request. Order is stable: Emitidos before Recibidos,
 * Metadata before CFDI (metadata sizes the CFDI requests that follow).
 */
export function fanOut(contexto: ContextoPedido, tipoSolicitud: TipoSolicitudPedida): Combinacion[] {
  const contextos: Contexto[] = contexto === 'Ambos' ? ['Emitidos', 'Recibidos'] : [contexto];
  const tipos: TipoSolicitud[] = tipoSolicitud === 'Ambos' ? ['Metadata', 'CFDI'] : [tipoSolicitud];
  return contextos.flatMap((c) => tipos.map((t) => ({ contexto: c, tipoSolicitud: t })));
}

/**
 * The filters one combination sends to SAT. Received XML can only be of active documents, so without
 * a status filter that combination asks for `Vigente` (SAT answers 301 otherwise); the others keep
 * the client's filters untouched.
 */
export function filtersFor(combinacion: Combinacion, filtros: FiltrosSolicitud): FiltrosSolicitud {
  const receivedXml = combinacion.contexto === 'Recibidos' && combinacion.tipoSolicitud === 'CFDI';
  if (receivedXml && filtros.estadoComprobante === undefined && filtros.uuid === undefined) {
    return { ...filtros, estadoComprobante: 'Vigente' };
  }
  return filtros;
}
