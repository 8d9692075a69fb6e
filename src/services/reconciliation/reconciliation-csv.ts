import type { ReconciliationRow } from '../../db';
import { toMexicoWallClock } from '../periods/mexico-time';

/** Excel takes a file as UTF-8 only when it starts with the byte order mark. */
const BOM = '\uFEFF';
const NEEDS_QUOTES = /[",\r\n]/;
/** What a spreadsheet would start a formula with (OWASP's list: = + - @, tab, carriage return). */
const FORMULA_START = /^[=+\-@\t\r]/;

type Cell = { readonly text: string } | { readonly number: string } | null;

interface Column {
  readonly header: string;
  readonly cell: (row: ReconciliationRow) => Cell;
}

const text = (value: string | null): Cell => (value === null ? null : { text: value });
const wallClock = (value: Date | null): Cell => (value ? { number: toMexicoWallClock(value) } : null);

/** The columns, named as the SOAP contract names them; dates in Mexico City wall clock like SAT's. */
export const RECONCILIATION_COLUMNS: readonly Column[] = [
  { header: 'Clase', cell: (row) => text(row.clase) },
  { header: 'Uuid', cell: (row) => text(row.uuid.toUpperCase()) },
  { header: 'Contexto', cell: (row) => text(row.contexto) },
  { header: 'TipoDocumento', cell: (row) => text(row.tipoDocumento) },
  { header: 'RfcEmisor', cell: (row) => text(row.rfcEmisor) },
  { header: 'NombreEmisor', cell: (row) => text(row.nombreEmisor) },
  { header: 'RfcReceptor', cell: (row) => text(row.rfcReceptor) },
  { header: 'NombreReceptor', cell: (row) => text(row.nombreReceptor) },
  { header: 'FechaEmision', cell: (row) => wallClock(row.fechaEmision) },
  { header: 'Efecto', cell: (row) => text(row.efecto) },
  { header: 'Monto', cell: (row) => (row.monto === null ? null : { number: row.monto }) },
  { header: 'Estatus', cell: (row) => text(row.estatus) },
  { header: 'FechaCancelacion', cell: (row) => wallClock(row.fechaCancelacion) },
  { header: 'IdPaquete', cell: (row) => text(row.idPaquete) },
];

/**
 * One field (RFC 4180): quoted when it holds a quote, comma or line break, quotes doubled. Text a
 * spreadsheet would run as a formula gets a leading apostrophe: names come from whoever issued the
 * invoice, so `=HYPERLINK(...)` in one must stay text. Numbers and dates are ours and stay as they are.
 */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  let value = 'text' in cell ? cell.text : cell.number;
  if ('text' in cell && FORMULA_START.test(value)) value = `'${value}`;
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvHeader(): string {
  return BOM + RECONCILIATION_COLUMNS.map((column) => csvField({ text: column.header })).join(',') + '\r\n';
}

export function csvRecord(row: ReconciliationRow): string {
  return RECONCILIATION_COLUMNS.map((column) => csvField(column.cell(row))).join(',') + '\r\n';
}
