export {
  PagosService,
  type PagoCfdi,
  type PagoConsultado,
  type PagosDeDocumento,
  type PagosPage,
  type ParcialidadDocumento,
} from './pagos-service';
export type { PagosSearchCriteria } from './pagos-criteria';
export type { DocumentoPagado, PagoHeader, SaldoDocumento } from './pagos-queries';
export { pagoRows, type PagoDocumentoRow, type PagoRow, type PagoRows } from './pago-rows';
export { replacePagos, type PagoCfdiKey } from './pagos-writer';
