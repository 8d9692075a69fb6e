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

/** The row to store, or why it cannot be stored (reported on the package, never dropped silently). */
export function metadataRecord(row: MetadataRow): MetadataRecord | { problem: string } {
  const fechaEmision = satInstant(row.fechaEmision);
  if (fechaEmision === null) return { problem: `FechaEmision "${row.fechaEmision}" no es una fecha` };
  if (row.monto && !AMOUNT.test(row.monto)) return { problem: `Monto "${row.monto}" no es un importe` };
  return {
    uuid: row.uuid.toLowerCase(),
    rfc_emisor: row.rfcEmisor,
    nombre_emisor: row.nombreEmisor || null,
    rfc_receptor: row.rfcReceptor,
    nombre_receptor: row.nombreReceptor || null,
    rfc_pac: row.rfcPac || null,
    fecha_emision: fechaEmision,
    fecha_certificacion: satInstant(row.fechaCertificacionSat),
    monto: row.monto || null,
    efecto: row.efectoComprobante || null,
    estatus: row.estatus,
    fecha_cancelacion: satInstant(row.fechaCancelacion),
    rfc_a_cuenta_terceros: row.rfcACuentaTerceros || null,
    nombre_a_cuenta_terceros: row.nombreACuentaTerceros || null,
    extras: hasAny(row.extra) ? JSON.stringify(row.extra) : null,
  };
}
