import type { CfdiSearchRow } from '../../db';
import type { ExportCell, ExportColumn } from './export-columns';

/** Excel reads a UTF-8 file as UTF-8 only when it starts with the byte order mark. */
const BOM = '\uFEFF';
const NEEDS_QUOTES = /[",\r\n]/;
/** What a spreadsheet would start a formula with (OWASP's list: = + - @, tab, carriage return). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Rows are written in chunks of about this many characters, not one tiny write per row. */
const CHUNK_CHARACTERS = 64 * 1024;

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma or line break, quotes doubled. Text
 * that a spreadsheet would run as a formula gets a leading apostrophe; names come from whoever issued
 * the invoice, so `=HYPERLINK(...)` in one must stay text. Numbers and dates are ours and stay as they are.
 */
export function csvField(cell: ExportCell): string {
  if (cell === null) return '';
  let value = cell.kind === 'text' ? cell.text : cell.kind === 'number' ? cell.value : cell.wallClock;
  if (cell.kind === 'text' && FORMULA_START.test(value)) value = `'${value}`;
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The CSV text in chunks: BOM and header row first, CRLF after every record. */
export async function* csvChunks(
  rows: AsyncIterable<CfdiSearchRow>,
  columns: readonly ExportColumn[],
): AsyncGenerator<string> {
  let chunk =
    BOM + columns.map((column) => csvField({ kind: 'text', text: column.header })).join(',') + '\r\n';
  for await (const row of rows) {
    chunk += columns.map((column) => csvField(column.cell(row))).join(',') + '\r\n';
    if (chunk.length >= CHUNK_CHARACTERS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
