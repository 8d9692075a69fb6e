import type { CfdiSearchRow } from '../../db';
import { toMexicoWallClock } from '../periods/mexico-time';

/** One cell of an export: text, an exact decimal, or a Mexico City wall-clock date-time. */
export type ExportCell =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'number'; readonly value: string }
  | { readonly kind: 'date'; readonly wallClock: string }
  | null;

export interface ExportColumn {
  /** SAT's own column names (as in its metadata files), so the files read the same in any language. */
  readonly header: string;
  /** Spreadsheet column width, in characters. */
  readonly width: number;
  readonly cell: (row: CfdiSearchRow) => ExportCell;
}

const DECIMAL = /^(-?\d+)(?:\.(\d+))?$/;

/** `1234.500000` → `1234.50`: the index keeps six decimals, amounts read with two (or more when used). */
export function decimal(text: string): string | undefined {
  const match = DECIMAL.exec(text.trim());
  if (!match) return undefined;
  const fraction = (match[2] ?? '').replace(/0+$/, '').padEnd(2, '0');
  return `${match[1]}.${fraction}`;
}

function text(value: string | null | undefined): ExportCell {
  return value === null || value === undefined || value === '' ? null : { kind: 'text', text: value };
}

function date(value: Date | null): ExportCell {
  return value ? { kind: 'date', wallClock: toMexicoWallClock(value) } : null;
}

function amount(value: string | null): ExportCell {
  const exact = value === null ? undefined : decimal(value);
  return exact === undefined ? null : { kind: 'number', value: exact };
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
  { header: 'Xml', width: 6, cell: (row) => text(row.paqueteId ? 'Sí' : 'No') },
];
