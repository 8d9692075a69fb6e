import type { CfdiSearchRow } from '../../db';
import { toMexicoWallClock } from '../periods/mexico-time';
import { decimalText } from './decimal-text';

/**
 * One cell of an export: text, an exact decimal (an amount, or a rate such as TipoCambio that a
 * spreadsheet must not round to cents on screen), or a Mexico City wall-clock date-time.
 */
export type ExportCell =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'number'; readonly value: string; readonly rate?: true }
  | { readonly kind: 'date'; readonly wallClock: string }
  | null;

export interface ExportColumn {
  /**
   * Spanish field names as SAT's metadata files and ConsultarCfdi write them, so the files read the
   * same whatever the interface's language and a column maps to its SOAP element by name.
   */
  readonly header: string;
  /** Spreadsheet column width, in characters. */
  readonly width: number;
  readonly cell: (row: CfdiSearchRow) => ExportCell;
}

function text(value: string | null | undefined): ExportCell {
  return value === null || value === undefined || value === '' ? null : { kind: 'text', text: value };
}

function date(value: Date | null): ExportCell {
  return value ? { kind: 'date', wallClock: toMexicoWallClock(value) } : null;
}

/** The xs:decimal value without the column's padding (`7924.660000` → `7924.66`), as SOAP prints it. */
function amount(value: string | null): ExportCell {
  const exact = decimalText(value);
  return exact === undefined || !/^-?\d+(\.\d+)?$/.test(exact) ? null : { kind: 'number', value: exact };
}

function rate(value: string | null): ExportCell {
  const cell = amount(value);
  return cell?.kind === 'number' ? { ...cell, rate: true } : cell;
}

/** The columns of the CSV and XLSX exports, in order. */
export const EXPORT_COLUMNS: readonly ExportColumn[] = [
  { header: 'Uuid', width: 38, cell: (row) => text(row.uuid.toUpperCase()) },
  { header: 'Rfc', width: 15, cell: (row) => text(row.rfc) },
  { header: 'TipoDocumento', width: 13, cell: (row) => text(row.tipoDocumento) },
  { header: 'RfcEmisor', width: 15, cell: (row) => text(row.rfcEmisor) },
  { header: 'NombreEmisor', width: 36, cell: (row) => text(row.nombreEmisor) },
  { header: 'RfcReceptor', width: 15, cell: (row) => text(row.rfcReceptor) },
  { header: 'NombreReceptor', width: 36, cell: (row) => text(row.nombreReceptor) },
  { header: 'RfcPac', width: 15, cell: (row) => text(row.rfcPac) },
  { header: 'FechaEmision', width: 20, cell: (row) => date(row.fechaEmision) },
  { header: 'FechaCertificacionSat', width: 20, cell: (row) => date(row.fechaCertificacion) },
  { header: 'Monto', width: 16, cell: (row) => amount(row.monto) },
  { header: 'Moneda', width: 8, cell: (row) => text(row.moneda) },
  { header: 'EfectoComprobante', width: 10, cell: (row) => text(row.efecto) },
  { header: 'Estatus', width: 11, cell: (row) => text(row.estatus) },
  { header: 'FechaCancelacion', width: 20, cell: (row) => date(row.fechaCancelacion) },
  { header: 'Version', width: 8, cell: (row) => text(row.version) },
  { header: 'Serie', width: 10, cell: (row) => text(row.serie) },
  { header: 'Folio', width: 12, cell: (row) => text(row.folio) },
  { header: 'RfcACuentaTerceros', width: 15, cell: (row) => text(row.rfcACuentaTerceros) },
  { header: 'NombreACuentaTerceros', width: 36, cell: (row) => text(row.nombreACuentaTerceros) },
  { header: 'TipoComprobante', width: 10, cell: (row) => text(row.tipoComprobante) },
  { header: 'Fecha', width: 20, cell: (row) => date(row.fecha) },
  { header: 'FechaTimbrado', width: 20, cell: (row) => date(row.fechaTimbrado) },
  { header: 'SubTotal', width: 16, cell: (row) => amount(row.subTotal) },
  { header: 'Descuento', width: 14, cell: (row) => amount(row.descuento) },
  { header: 'Total', width: 16, cell: (row) => amount(row.total) },
  { header: 'TipoCambio', width: 10, cell: (row) => rate(row.tipoCambio) },
  { header: 'MetodoPago', width: 8, cell: (row) => text(row.metodoPago) },
  { header: 'FormaPago', width: 8, cell: (row) => text(row.formaPago) },
  { header: 'UsoCfdi', width: 8, cell: (row) => text(row.usoCfdi) },
  { header: 'LugarExpedicion', width: 10, cell: (row) => text(row.lugarExpedicion) },
  {
    header: 'Complementos',
    width: 28,
    cell: (row) => text(row.complementos?.length ? row.complementos.join(', ') : null),
  },
  { header: 'Xml', width: 6, cell: (row) => text(row.paqueteId ? 'Sí' : 'No') },
];
