import { type PassThrough, Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { CfdiSearchRow } from '../../db';
import type { ExportCell, ExportColumn } from './export-columns';

/**
 * A one-sheet XLSX workbook written as it goes: the few fixed SpreadsheetML parts, then the sheet,
 * streamed row by row into a ZIP (yazl) — inline strings (no shared-string table to hold), numbers as
 * numbers, dates as date-formatted serials. Nothing grows with the number of rows but the ZIP's central
 * directory, which has six entries.
 */

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const OFFICE_RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const CHUNK_CHARACTERS = 64 * 1024;

/** Styles by index in cellXfs: 1 date-time, 2 amount, 3 bold header. */
const STYLE = { date: 1, amount: 2, header: 3 } as const;

const FIXED_PARTS: readonly (readonly [string, string])[] = [
  [
    '[Content_Types].xml',
    `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
      `<Default Extension="xml" ContentType="application/xml"/>` +
      `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
      `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
      `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
      `</Types>`,
  ],
  [
    '_rels/.rels',
    `<Relationships xmlns="${RELATIONSHIPS}">` +
      `<Relationship Id="rId1" Type="${OFFICE_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>` +
      `</Relationships>`,
  ],
  [
    'xl/workbook.xml',
    `<workbook xmlns="${MAIN}" xmlns:r="${OFFICE_RELATIONSHIPS}">` +
      `<sheets><sheet name="CFDI" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  ],
  [
    'xl/_rels/workbook.xml.rels',
    `<Relationships xmlns="${RELATIONSHIPS}">` +
      `<Relationship Id="rId1" Type="${OFFICE_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>` +
      `<Relationship Id="rId2" Type="${OFFICE_RELATIONSHIPS}/styles" Target="styles.xml"/>` +
      `</Relationships>`,
  ],
  [
    'xl/styles.xml',
    `<styleSheet xmlns="${MAIN}">` +
      `<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/>` +
      `<numFmt numFmtId="165" formatCode="#,##0.00"/></numFmts>` +
      `<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>` +
      `<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>` +
      `<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
      `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
      `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
      `<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
      `<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
      `<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
      `<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>` +
      `<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
      `</styleSheet>`,
  ],
];

/** Characters XML 1.0 cannot carry at all; dropped rather than producing a file Excel refuses. */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(text: string): string {
  return text
    .replace(NOT_XML, '')
    .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** A, B, … Z, AA, AB, … */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** Days since 1899-12-30 (Excel's serial date), from a wall-clock `yyyy-MM-ddTHH:mm:ss`. */
export function excelSerial(wallClock: string): number {
  const [y, mo, d, h, mi, s] = wallClock.split(/[-T:]/).map(Number) as number[];
  const utc = Date.UTC(y ?? 1900, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
  return utc / 86_400_000 + 25_569;
}

function cellXml(reference: string, cell: ExportCell): string {
  if (cell === null) return '';
  // A rate keeps the general format: `#,##0.00` would show 17.1234 as 17.12.
  if (cell.kind === 'number')
    return cell.rate
      ? `<c r="${reference}"><v>${cell.value}</v></c>`
      : `<c r="${reference}" s="${STYLE.amount}"><v>${cell.value}</v></c>`;
  if (cell.kind === 'date')
    return `<c r="${reference}" s="${STYLE.date}"><v>${excelSerial(cell.wallClock)}</v></c>`;
  return inlineString(reference, cell.text);
}

function inlineString(reference: string, text: string, style?: number): string {
  const preserve = /^\s|\s$/.test(text) ? ' xml:space="preserve"' : '';
  const styled = style === undefined ? '' : ` s="${style}"`;
  return `<c r="${reference}" t="inlineStr"${styled}><is><t${preserve}>${xmlText(text)}</t></is></c>`;
}

async function* sheetChunks(
  rows: AsyncIterable<CfdiSearchRow>,
  columns: readonly ExportColumn[],
): AsyncGenerator<string> {
  const names = columns.map((_column, index) => columnName(index));
  const widths = columns
    .map(
      (column, index) =>
        `<col min="${index + 1}" max="${index + 1}" width="${column.width}" customWidth="1"/>`,
    )
    .join('');
  let chunk =
    `${DECLARATION}<worksheet xmlns="${MAIN}">` +
    `<sheetViews><sheetView workbookViewId="0">` +
    `<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>` +
    `<sheetFormatPr defaultRowHeight="15"/><cols>${widths}</cols><sheetData>` +
    `<row r="1">${columns.map((column, index) => inlineString(`${names[index]}1`, column.header, STYLE.header)).join('')}</row>`;
  let rowNumber = 1;
  for await (const row of rows) {
    rowNumber += 1;
    chunk += `<row r="${rowNumber}">${columns.map((column, index) => cellXml(`${names[index]}${rowNumber}`, column.cell(row))).join('')}</row>`;
    if (chunk.length >= CHUNK_CHARACTERS) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}</sheetData></worksheet>`;
}

/** The workbook as a stream; rows are read only as fast as the stream is consumed. */
export function xlsxWorkbook(rows: AsyncIterable<CfdiSearchRow>, columns: readonly ExportColumn[]): Readable {
  const zip = new ZipFile();
  const output = zip.outputStream as PassThrough;
  zip.on('error', (error: Error) => output.destroy(error));
  for (const [name, content] of FIXED_PARTS) zip.addBuffer(Buffer.from(DECLARATION + content), name);
  const sheet = Readable.from(sheetChunks(rows, columns), { objectMode: false });
  // yazl pipes the sheet without forwarding its errors: a failed query must fail the download.
  sheet.on('error', (error) => output.destroy(error));
  // A download abandoned half-way stops reading the index.
  output.once('close', () => sheet.destroy());
  zip.addReadStream(sheet, 'xl/worksheets/sheet1.xml');
  zip.end();
  return output;
}
