/** What one SAT Solicitud asks for, already in SAT's vocabulary and formats. */
export interface SatQueryParameters {
  readonly contexto: 'Emitidos' | 'Recibidos';
  readonly tipoSolicitud: 'CFDI' | 'Metadata';
  /** `yyyy-MM-ddTHH:mm:ss`, Mexico City time, inclusive. */
  readonly fechaInicial?: string;
  readonly fechaFinal?: string;
  /** Emitidos: up to 5 receivers; Recibidos: at most one issuer. */
  readonly rfcContrapartes: readonly string[];
  readonly tipoComprobante?: string;
  readonly estadoComprobante?: string;
  readonly rfcACuentaTerceros?: string;
  readonly complemento?: string;
  /** A single document by UUID (SolicitaDescargaFolio); the other fields are then ignored. */
  readonly folio?: string;
}
