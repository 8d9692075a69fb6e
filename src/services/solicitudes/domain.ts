/** The vocabulary clients use, with SAT's spelling. */
export const CONTEXTOS = ['Emitidos', 'Recibidos'] as const;
export type Contexto = (typeof CONTEXTOS)[number];

export const TIPOS_SOLICITUD = ['CFDI', 'Metadata'] as const;
export type TipoSolicitud = (typeof TIPOS_SOLICITUD)[number];

export const TIPOS_DOCUMENTO = ['CFDI', 'Retenciones'] as const;
export type TipoDocumento = (typeof TIPOS_DOCUMENTO)[number];

/** What a client may ask for: one of each, or `Ambos` to fan out. */
export type ContextoPedido = Contexto | 'Ambos';
export type TipoSolicitudPedida = TipoSolicitud | 'Ambos';

/**
 * The states a client sees. `EnProceso` carries SAT's own state beside it; the terminal ones never
 * change again.
 */
export const ESTADOS_SOLICITUD = [
  'Registrada',
  'EnProceso',
  'Descargando',
  'Completada',
  'SinDatos',
  'Rechazada',
  'Error',
  'Vencida',
] as const;
export type EstadoSolicitud = (typeof ESTADOS_SOLICITUD)[number];

export const ESTADOS_FINALES: ReadonlySet<EstadoSolicitud> = new Set([
  'Completada',
  'SinDatos',
  'Rechazada',
  'Error',
  'Vencida',
]);

/** SAT's TipoComprobante letters: Ingreso, Egreso, Traslado, Nómina, Pago. */
export const TIPOS_COMPROBANTE = ['I', 'E', 'T', 'N', 'P'] as const;
export type TipoComprobante = (typeof TIPOS_COMPROBANTE)[number];

export const ESTADOS_COMPROBANTE = ['Todos', 'Vigente', 'Cancelado'] as const;
export type EstadoComprobante = (typeof ESTADOS_COMPROBANTE)[number];

/** Optional narrowing SAT accepts; two solicitudes with equal filters cover the same documents. */
export interface FiltrosSolicitud {
  readonly rfcContrapartes: readonly string[];
  readonly tipoComprobante?: TipoComprobante;
  readonly estadoComprobante?: EstadoComprobante;
  readonly rfcACuentaTerceros?: string;
  readonly complemento?: string;
  readonly uuid?: string;
}
