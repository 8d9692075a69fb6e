import type { MetadataRecord } from './metadata-record';

const SPECIAL = /[\\\t\n\r]/;

/**
 * Whether `value` holds what COPY's text format must escape (tab, backslash, line break). SAT's values
 * almost never do, and a replace with a callback on each of 15 million values cost far more than a test.
 */
export function needsEscaping(value: string): boolean {
  return SPECIAL.test(value);
}

/** COPY's text format: tab-separated, `\\N` for null, backslash escapes for what would break a line. */
export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  if (!needsEscaping(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (character) =>
    character === '\\' ? '\\\\' : character === '\t' ? '\\t' : character === '\n' ? '\\n' : '\\r',
  );
}

/** The record's values as one COPY text line, in METADATA_COLUMNS order (no line end). */
export function copyLine(record: MetadataRecord): string {
  return `${copyField(record.uuid)}\t${copyField(record.rfc_emisor)}\t${copyField(record.nombre_emisor)}\t${copyField(
    record.rfc_receptor,
  )}\t${copyField(record.nombre_receptor)}\t${copyField(record.rfc_pac)}\t${copyField(record.fecha_emision)}\t${copyField(
    record.fecha_certificacion,
  )}\t${copyField(record.monto)}\t${copyField(record.efecto)}\t${copyField(record.estatus)}\t${copyField(
    record.fecha_cancelacion,
  )}\t${copyField(record.rfc_a_cuenta_terceros)}\t${copyField(record.nombre_a_cuenta_terceros)}\t${copyField(
    record.extras,
  )}`;
}

/** COPY text per write: large enough that messages cost nothing, small enough to hold few in flight. */
const CHUNK_CHARS = 64 * 1024;
/**
 * Chunks read ahead of the COPY. Each pins the text it was cut from until written: with Readable.from's
 * default of 16 (of 256 KB then), a direct COPY waiting on the server held tens of MB more at its peak.
 */
export const CHUNKS_AHEAD = 2;

/** COPY text lines, CHUNK_CHARS at a time; `frame` makes each record's values a line. */
export async function* copyChunks(
  records: AsyncIterable<MetadataRecord>,
  frame: (line: string, number: number) => string,
): AsyncGenerator<string> {
  let number = 0;
  let chunk = '';
  for await (const record of records) {
    number += 1;
    chunk += frame(copyLine(record), number);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
