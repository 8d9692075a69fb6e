import { UUID_PATTERN } from '../shared/catalogues';

// Apart from the reader: what a record means does not depend on how its entry was found in the ZIP.

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
export type KnownField = (typeof KNOWN)[keyof typeof KNOWN];

const SAT_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const AMOUNT = /^-?\d+(\.\d+)?$/;

/** A header's columns, each with the known field it fills (looked up once per entry, not per record). */
export interface Layout {
  readonly columns: readonly string[];
  readonly fields: readonly (KnownField | undefined)[];
  /** Each known field's column (the last one when a header repeats it), -1 when the header lacks it. */
  readonly at: Readonly<Record<KnownField, number>>;
  /** Every column is a known field: a record no wider than the header has no extra values. */
  readonly known: boolean;
}

export function layoutOf(header: string): Layout {
  const columns = header.split('~').map((column) => column.trim());
  const fields = columns.map((column) => KNOWN[column.toLowerCase() as keyof typeof KNOWN]);
  const at = Object.fromEntries(Object.values(KNOWN).map((field) => [field, fields.lastIndexOf(field)]));
  return {
    columns,
    fields,
    at: at as Record<KnownField, number>,
    known: fields.every((field) => field !== undefined),
  };
}

/** What a record without extra columns carries: one shared empty object, not one per record. */
const NO_EXTRA: Readonly<Record<string, string>> = Object.freeze({});

function field(values: readonly string[], at: number): string | undefined {
  return at < 0 ? undefined : (values[at] ?? '').trim();
}

/**
 * The known fields by name, read through the layout's column of each. One object literal, the same
 * shape for every record: a loop storing a different key at one site is V8's slowest property access,
 * paid 14 times a row.
 */
function knownFields(at: Layout['at'], values: readonly string[]): Record<KnownField, string | undefined> {
  return {
    uuid: field(values, at.uuid),
    rfcEmisor: field(values, at.rfcEmisor),
    nombreEmisor: field(values, at.nombreEmisor),
    rfcReceptor: field(values, at.rfcReceptor),
    nombreReceptor: field(values, at.nombreReceptor),
    rfcPac: field(values, at.rfcPac),
    fechaEmision: field(values, at.fechaEmision),
    fechaCertificacionSat: field(values, at.fechaCertificacionSat),
    monto: field(values, at.monto),
    efectoComprobante: field(values, at.efectoComprobante),
    estatus: field(values, at.estatus),
    fechaCancelacion: field(values, at.fechaCancelacion),
    rfcACuentaTerceros: field(values, at.rfcACuentaTerceros),
    nombreACuentaTerceros: field(values, at.nombreACuentaTerceros),
  };
}

/** Field values by column name; short rows are padded with empty values, longer ones keep their extras. */
export function byHeader(
  layout: Layout,
  text: string,
): { known: Partial<Record<KnownField, string>>; extra: Readonly<Record<string, string>> } {
  const values = text.split('~');
  const known = knownFields(layout.at, values);
  const { columns, fields } = layout;
  if (layout.known && values.length <= columns.length) return { known, extra: NO_EXTRA };
  let extra: Record<string, string> | undefined;
  const width = Math.max(columns.length, values.length);
  for (let index = 0; index < width; index += 1) {
    if (fields[index]) continue;
    const value = (values[index] ?? '').trim();
    if (value !== '' || columns[index] !== undefined) {
      extra ??= {};
      extra[columns[index] ?? `#extra-${String(index - columns.length + 1).padStart(2, '0')}`] = value;
    }
  }
  if (!extra) return { known, extra: NO_EXTRA };
  // A trailing "~" (SAT's way of writing an empty FechaCancelacion) is not an extra column.
  for (const [name, value] of Object.entries(extra))
    if (name.startsWith('#extra-') && value === '') delete extra[name];
  return { known, extra };
}

export function problemOf(known: Partial<Record<KnownField, string>>): string | undefined {
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

export function rowOf(
  known: Partial<Record<KnownField, string>>,
  extra: Readonly<Record<string, string>>,
  tercero: { rfc: string; nombre: string } | undefined,
): MetadataRow {
  return {
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
  };
}
