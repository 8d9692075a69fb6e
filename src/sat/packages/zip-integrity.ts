import { crc32 } from 'node:zlib';
import type { Entry } from 'yauzl';
import { SatError, satErrors } from '../../errors';
import { openZip } from './zip-entries';

/** What a package holds, once every entry was read back and matched its CRC-32. */
export interface ZipCheck {
  readonly entries: number;
  readonly bytes: number;
}

/**
 * Reads every entry of a ZIP file (all of them, folders and nested paths too) and checks each against
 * the CRC-32 and size its central directory records. SAT sends no hash of a package, so this is the
 * only way to tell a package damaged on the way (a proxy, a flipped byte) from a good one: base64 and
 * deflate survive many corruptions that the CRC does not. Throws DM-5101 naming the first bad entry.
 */
export async function checkZipIntegrity(file: string, idPaquete: string): Promise<ZipCheck> {
  const damaged = (detail: string, cause?: unknown): SatError =>
    new SatError(satErrors.packageCorrupt, { params: { idPaquete, detail }, cause });
  let zip;
  try {
    zip = await openZip(file, idPaquete);
  } catch (error) {
    throw damaged(error instanceof Error ? error.message : String(error), error);
  }
  let entries = 0;
  let bytes = 0;
  try {
    for (;;) {
      const entry = await new Promise<Entry | undefined>((resolve, reject) => {
        const onEntry = (found: Entry): void => {
          cleanup();
          resolve(found);
        };
        const onEnd = (): void => {
          cleanup();
          resolve(undefined);
        };
        const onError = (error: Error): void => {
          cleanup();
          reject(error);
        };
        const cleanup = (): void => {
          zip.off('entry', onEntry);
          zip.off('end', onEnd);
          zip.off('error', onError);
        };
        zip.once('entry', onEntry);
        zip.once('end', onEnd);
        zip.once('error', onError);
        zip.readEntry();
      });
      if (!entry) break;
      entries += 1;
      if (entry.fileName.endsWith('/')) continue;
      const content = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
        zip.openReadStream(entry, (error, stream) => (error || !stream ? reject(error) : resolve(stream))),
      );
      let crc = 0;
      let size = 0;
      for await (const chunk of content as AsyncIterable<Buffer>) {
        crc = crc32(chunk, crc);
        size += chunk.length;
      }
      if (size !== entry.uncompressedSize || crc !== entry.crc32)
        throw damaged(`entry ${entry.fileName} does not match its CRC-32`);
      bytes += size;
    }
  } catch (error) {
    if (error instanceof SatError) throw error;
    throw damaged(error instanceof Error ? error.message : String(error), error);
  } finally {
    zip.close();
  }
  if (entries === 0) throw damaged('no entries');
  return { entries, bytes };
}
