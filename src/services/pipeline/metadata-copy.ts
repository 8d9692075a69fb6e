import { CopyBinaryWriter } from './copy-binary';
import type { MetadataRecord } from './metadata-record';

/**
 * Chunks read ahead of the COPY. Each pins its buffer until written: with Readable.from's default of
 * 16, a direct COPY waiting on the server held tens of MB more at its peak.
 */
export const CHUNKS_AHEAD = 2;

/** The record's values in METADATA_COLUMNS order, as cfdi_metadata's columns type them. */
export function writeMetadataFields(writer: CopyBinaryWriter, record: MetadataRecord): void {
  writer.uuid(record.uuid);
  writer.text(record.rfc_emisor);
  writer.text(record.nombre_emisor);
  writer.text(record.rfc_receptor);
  writer.text(record.nombre_receptor);
  writer.text(record.rfc_pac);
  writer.timestamp(record.fecha_emision);
  writer.timestamp(record.fecha_certificacion);
  writer.numeric(record.monto);
  writer.text(record.efecto);
  writer.text(record.estatus);
  writer.timestamp(record.fecha_cancelacion);
  writer.text(record.rfc_a_cuenta_terceros);
  writer.text(record.nombre_a_cuenta_terceros);
  writer.jsonb(record.extras);
}

/**
 * A binary COPY of the records, `writeRow` writing each (with its 1-based number), as buffers of
 * about CHUNK_BYTES, the last one ending the COPY.
 */
export async function* metadataCopy(
  batches: AsyncIterable<readonly MetadataRecord[]>,
  writeRow: (writer: CopyBinaryWriter, record: MetadataRecord, number: number) => void,
): AsyncGenerator<Buffer> {
  const writer = new CopyBinaryWriter();
  let number = 0;
  for await (const batch of batches) {
    for (const record of batch) {
      number += 1;
      writeRow(writer, record, number);
    }
    yield* writer.take();
  }
  yield* writer.end();
}
