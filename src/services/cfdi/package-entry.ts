import { Readable } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import type { CfdiEntryLocation } from '../../db';
import { InternalError, solicitudesErrors } from '../../errors';
import type { ObjectStore } from '../../storage';

/** No CFDI comes near this; the same bound the indexer uses. */
export const MAX_XML_BYTES = 50 * 1024 * 1024;
const LOCAL_HEADER = 0x04034b50;

async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      stream.destroy();
      throw new Error(`more than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * One document's XML out of its stored package with two ranged reads (its local ZIP header, then its
 * compressed bytes), never the whole package; checked against the size and CRC-32 the index recorded.
 */
export async function readPackageEntry(
  store: ObjectStore,
  uuid: string,
  entry: CfdiEntryLocation,
): Promise<Buffer> {
  const unreadable = (detail: string, cause?: unknown): InternalError =>
    new InternalError(solicitudesErrors.cfdiEntryUnreadable, { params: { uuid, detail }, cause });
  if (entry.size > MAX_XML_BYTES) throw unreadable(`${entry.size} bytes`);
  if (entry.method !== 0 && entry.method !== 8) throw unreadable(`compression method ${entry.method}`);
  const header = await readAll(
    await store.get(entry.objectKey, { start: entry.offset, end: entry.offset + 29 }),
    30,
  );
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_HEADER)
    throw unreadable('no ZIP entry at its offset');
  const dataStart = entry.offset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  let xml: Buffer;
  try {
    const compressed =
      entry.compressedSize === 0
        ? Readable.from([])
        : await store.get(entry.objectKey, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
    let data: Readable = compressed;
    if (entry.method === 8) {
      const inflate = createInflateRaw();
      compressed.on('error', (error) => inflate.destroy(error));
      data = compressed.pipe(inflate);
    }
    xml = await readAll(data, MAX_XML_BYTES);
  } catch (error) {
    throw unreadable(error instanceof Error ? error.message : String(error), error);
  }
  if (xml.length !== entry.size || crc32(xml) >>> 0 !== entry.crc32 >>> 0)
    throw unreadable('size or CRC-32 does not match the index');
  return xml;
}
