import type { MetadataRow } from '../../sat';
import { satInstant } from './sat-date';

/** One metadata row as cfdi_metadata stores it: text values, dates as instants (milliseconds since 1970 UTC). */
export interface MetadataRecord {
  readonly uuid: string;
  readonly rfc_emisor: string;
  readonly nombre_emisor: string | null;
  readonly rfc_receptor: string;
  readonly nombre_receptor: string | null;
  readonly rfc_pac: string | null;
  readonly fecha_emision: number;
  readonly fecha_certificacion: number | null;
  readonly monto: string | null;
  readonly efecto: string | null;
  readonly estatus: string;
  readonly fecha_cancelacion: number | null;
  readonly rfc_a_cuenta_terceros: string | null;
  readonly nombre_a_cuenta_terceros: string | null;
  /** Columns SAT added that we do not know yet, kept as JSON text. */
  readonly extras: string | null;
}

export const METADATA_COLUMNS = [
  'uuid',
  'rfc_emisor',
  'nombre_emisor',
  'rfc_receptor',
  'nombre_receptor',
  'rfc_pac',
  'fecha_emision',
  'fecha_certificacion',
  'monto',
  'efecto',
  'estatus',
  'fecha_cancelacion',
  'rfc_a_cuenta_terceros',
  'nombre_a_cuenta_terceros',
  'extras',
] as const satisfies readonly (keyof MetadataRecord)[];

const AMOUNT = /^-?\d+(\.\d+)?$/;

/** Whether `values` holds any key (without listing them: a million rows, almost all without extras). */
function hasAny(values: Readonly<Record<string, string>>): boolean {
  for (const key in values) if (Object.hasOwn(values, key)) return true;
  return false;
}

/** cfdi_metadata.monto is numeric(24,6): 18 integer digits, 6 decimals. */
const INTEGER_DIGITS = 18;
const SCALE = 6;

/**
 * A plain decimal (AMOUNT) as cfdi_metadata.monto can take it, or undefined when it cannot: even
 * rounded to 6 decimals it needs more than 18 integer digits, and PostgreSQL would refuse the whole
 * package's COPY for that one value. The fraction is cut after its 7th digit, the only one
 * numeric(24,6)'s rounding (half away from zero) looks at, so a value with thousands of decimals
 * stores what it would have stored whole.
 */
export function storableAmount(amount: string): string | undefined {
  const start = amount.startsWith('-') ? 1 : 0;
  const dot = amount.indexOf('.');
  const integerEnd = dot === -1 ? amount.length : dot;
  let first = start;
  while (first < integerEnd - 1 && amount.charCodeAt(first) === 0x30) first += 1;
  const integerDigits = integerEnd - first;
  if (integerDigits > INTEGER_DIGITS) return undefined;
  const fraction = dot === -1 ? '' : amount.slice(dot + 1, dot + SCALE + 2);
  if (
    integerDigits === INTEGER_DIGITS &&
    /^9+$/.test(amount.slice(first, integerEnd)) &&
    /^9{6}[5-9]/.test(fraction)
  )
    return undefined;
  return dot !== -1 && amount.length > dot + SCALE + 2 ? amount.slice(0, dot + SCALE + 2) : amount;
}

/** PostgreSQL's text (and jsonb) cannot hold U+0000: one such value would fail the whole COPY. */
function holdsNul(row: MetadataRow): boolean {
  const nul = '\u0000';
  if (
    row.rfcEmisor.includes(nul) ||
    row.nombreEmisor.includes(nul) ||
    row.rfcReceptor.includes(nul) ||
    row.nombreReceptor.includes(nul) ||
    row.rfcPac.includes(nul) ||
    row.efectoComprobante.includes(nul) ||
    row.rfcACuentaTerceros.includes(nul) ||
    row.nombreACuentaTerceros.includes(nul)
  )
    return true;
  for (const name in row.extra) if (name.includes(nul) || row.extra[name]?.includes(nul)) return true;
  return false;
}

/** The row to store, or why it cannot be stored (reported on the package, never dropped silently). */
export function metadataRecord(row: MetadataRow): MetadataRecord | { problem: string } {
  const fechaEmision = satInstant(row.fechaEmision);
  if (fechaEmision === null) return { problem: `FechaEmision "${row.fechaEmision}" no es una fecha` };
  if (row.monto && !AMOUNT.test(row.monto)) return { problem: `Monto "${row.monto}" no es un importe` };
  const monto = row.monto ? storableAmount(row.monto) : null;
  if (monto === undefined)
    return { problem: `Monto "${row.monto.slice(0, 40)}" no cabe en 18 dígitos enteros y 6 decimales` };
  if (holdsNul(row))
    return { problem: 'un campo contiene el carácter NUL (U+0000), que PostgreSQL no guarda' };
  return {
    uuid: row.uuid.toLowerCase(),
    rfc_emisor: row.rfcEmisor,
    nombre_emisor: row.nombreEmisor || null,
    rfc_receptor: row.rfcReceptor,
    nombre_receptor: row.nombreReceptor || null,
    rfc_pac: row.rfcPac || null,
    fecha_emision: fechaEmision,
    fecha_certificacion: satInstant(row.fechaCertificacionSat),
    monto,
    efecto: row.efectoComprobante || null,
    estatus: row.estatus,
    fecha_cancelacion: satInstant(row.fechaCancelacion),
    rfc_a_cuenta_terceros: row.rfcACuentaTerceros || null,
    nombre_a_cuenta_terceros: row.nombreACuentaTerceros || null,
    extras: hasAny(row.extra) ? JSON.stringify(row.extra) : null,
  };
}
