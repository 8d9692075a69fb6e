import type { Readable } from 'node:stream';
import { UUID_PATTERN } from '../shared/catalogues';
import { textRecords } from './records';
import { rootEntries } from './zip-entries';

/** One document as SAT's metadata describes it; dates are Mexico City wall-clock text, as SAT writes them. */
export interface MetadataRow {
  readonly uuid: string;
  readonly rfcEmisor: string;
  readonly nombreEmisor: string;
  readonly rfcReceptor: string;
  readonly nombreReceptor: string;
  readonly rfcPac: string;
  /** `yyyy-MM-dd HH:mm:ss` */
  readonly fechaEmision: string;
  readonly fechaCertificacionSat: string;
  readonly monto: string;
  readonly efectoComprobante: string;
  readonly estatus: 'Vigente' | 'Cancelado';
  readonly fechaCancelacion: string;
  readonly rfcACuentaTerceros: string;
  readonly nombreACuentaTerceros: string;
  /** Columns SAT may add that this reader does not know yet, by header name. */
  readonly extra: Readonly<Record<string, string>>;
}

export type MetadataEvent =
  | { readonly kind: 'row'; readonly entry: string; readonly line: number; readonly row: MetadataRow }
  | { readonly kind: 'problem'; readonly entry: string; readonly line: number; readonly reason: string };

const KNOWN = {
  uuid: 'uuid',
  rfcemisor: 'rfcEmisor',
  nombreemisor: 'nombreEmisor',
  rfcreceptor: 'rfcReceptor',
  nombrereceptor: 'nombreReceptor',
  rfcpac: 'rfcPac',
  fechaemision: 'fechaEmision',
  fechacertificacionsat: 'fechaCertificacionSat',
  monto: 'monto',
  efectocomprobante: 'efectoComprobante',
  estatus: 'estatus',
  fechacancelacion: 'fechaCancelacion',
  rfcacuentaterceros: 'rfcACuentaTerceros',
  nombreacuentaterceros: 'nombreACuentaTerceros',
} as const;
type KnownField = (typeof KNOWN)[keyof typeof KNOWN];

const SAT_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const AMOUNT = /^-?\d+(\.\d+)?$/;
const MAIN_HEADER = /^uuid~rfcemisor~/i;
const THIRD_PARTY_HEADER = /^uuid~rfcacuentaterceros~/i;

async function firstRecord(
  content: Readable,
): Promise<{ header: string | undefined; records: AsyncGenerator<{ number: number; text: string }> }> {
  const records = textRecords(content);
  for (;;) {
    const next = await records.next();
    if (next.done) return { header: undefined, records };
    if (next.value.text.trim() !== '') return { header: next.value.text, records };
  }
}

/** Field values by column name; short rows are padded with empty values, longer ones keep their extras. */
function byHeader(
  columns: readonly string[],
  text: string,
): { known: Partial<Record<KnownField, string>>; extra: Record<string, string> } {
  const values = text.split('~');
  const known: Partial<Record<KnownField, string>> = {};
  const extra: Record<string, string> = {};
  const width = Math.max(columns.length, values.length);
  for (let index = 0; index < width; index += 1) {
    const column = columns[index] ?? `#extra-${String(index - columns.length + 1).padStart(2, '0')}`;
    const value = (values[index] ?? '').trim();
    const field = KNOWN[column.toLowerCase() as keyof typeof KNOWN];
    if (field) known[field] = value;
    else if (value !== '' || columns[index] !== undefined) extra[column] = value;
  }
  // A trailing "~" (SAT's way of writing an empty FechaCancelacion) is not an extra column.
  for (const [name, value] of Object.entries(extra))
    if (name.startsWith('#extra-') && value === '') delete extra[name];
  return { known, extra };
}

function problemOf(known: Partial<Record<KnownField, string>>): string | undefined {
  if (!UUID_PATTERN.test(known.uuid ?? '')) return `Uuid "${known.uuid ?? ''}" is not a UUID`;
  if (!known.rfcEmisor || !known.rfcReceptor) return 'RfcEmisor or RfcReceptor is empty';
  if (!SAT_DATE.test(known.fechaEmision ?? ''))
    return `FechaEmision "${known.fechaEmision ?? ''}" is not yyyy-MM-dd HH:mm:ss`;
  if (known.estatus !== '0' && known.estatus !== '1')
    return `Estatus "${known.estatus ?? ''}" is neither 1 nor 0`;
  if (known.monto && !AMOUNT.test(known.monto)) return `Monto "${known.monto}" is not a number`;
  if (known.fechaCancelacion && !SAT_DATE.test(known.fechaCancelacion))
    return `FechaCancelacion "${known.fechaCancelacion}" is not yyyy-MM-dd HH:mm:ss`;
  return undefined;
}

/** Third-party data (`_tercero.txt`, since 2022) by lower-case UUID: small, one row per such document. */
async function thirdParties(
  file: string,
  idPaquete: string,
): Promise<Map<string, { rfc: string; nombre: string }>> {
  const found = new Map<string, { rfc: string; nombre: string }>();
  for await (const { entry, content } of rootEntries(file, idPaquete)) {
    if (!entry.name.toLowerCase().endsWith('.txt')) {
      content.resume();
      continue;
    }
    const { header, records } = await firstRecord(content);
    if (!header || !THIRD_PARTY_HEADER.test(header)) {
      content.destroy();
      continue;
    }
    const columns = header.split('~').map((column) => column.trim());
    for await (const record of records) {
      if (record.text.trim() === '') continue;
      const { known } = byHeader(columns, record.text);
      if (known.uuid)
        found.set(known.uuid.toLowerCase(), {
          rfc: known.rfcACuentaTerceros ?? '',
          nombre: known.nombreACuentaTerceros ?? '',
        });
    }
  }
  return found;
}

/**
 * Reads a metadata package entry by entry, record by record. Entries are chosen by content (a `.txt`
 * whose header starts `Uuid~RfcEmisor~`), columns by header name, so both SAT's older and newer
 * layouts work and unknown columns are kept. Third-party data from `_tercero.txt` is joined by UUID.
 * A record that cannot be read is reported as a problem with its line number, never dropped silently.
 */
export async function* readMetadataPackage(file: string, idPaquete = file): AsyncGenerator<MetadataEvent> {
  const terceros = await thirdParties(file, idPaquete);
  for await (const { entry, content } of rootEntries(file, idPaquete)) {
    if (!entry.name.toLowerCase().endsWith('.txt')) {
      content.resume();
      continue;
    }
    const { header, records } = await firstRecord(content);
    if (!header || !MAIN_HEADER.test(header)) {
      content.destroy();
      continue;
    }
    const columns = header.split('~').map((column) => column.trim());
    for await (const record of records) {
      if (record.text.trim() === '') continue;
      const { known, extra } = byHeader(columns, record.text);
      const problem = problemOf(known);
      if (problem) {
        yield { kind: 'problem', entry: entry.name, line: record.number, reason: problem };
        continue;
      }
      const tercero = terceros.get((known.uuid ?? '').toLowerCase());
      yield {
        kind: 'row',
        entry: entry.name,
        line: record.number,
        row: {
          uuid: (known.uuid ?? '').toLowerCase(),
          rfcEmisor: (known.rfcEmisor ?? '').toUpperCase(),
          nombreEmisor: known.nombreEmisor ?? '',
          rfcReceptor: (known.rfcReceptor ?? '').toUpperCase(),
          nombreReceptor: known.nombreReceptor ?? '',
          rfcPac: known.rfcPac ?? '',
          fechaEmision: known.fechaEmision ?? '',
          fechaCertificacionSat: known.fechaCertificacionSat ?? '',
          monto: known.monto ?? '',
          efectoComprobante: known.efectoComprobante ?? '',
          estatus: known.estatus === '0' ? 'Cancelado' : 'Vigente',
          fechaCancelacion: known.fechaCancelacion ?? '',
          rfcACuentaTerceros: known.rfcACuentaTerceros || tercero?.rfc || '',
          nombreACuentaTerceros: known.nombreACuentaTerceros || tercero?.nombre || '',
          extra,
        },
      };
    }
  }
}
