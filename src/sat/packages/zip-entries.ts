import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { SatError, satErrors } from '../../errors';

/** Where an entry lives inside its package: enough to read one document back without unzipping all. */
export interface PackageEntry {
  readonly name: string;
  readonly offset: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly compressionMethod: number;
  readonly crc32: number;
}

export function openZip(file: string, idPaquete = file): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true, strictFileNames: false }, (error, zip) => {
      if (error || !zip) {
        reject(
          new SatError(satErrors.packageUnreadable, {
            params: { idPaquete, detail: error?.message ?? 'not a ZIP' },
            cause: error,
          }),
        );
      } else resolve(zip);
    }),
  );
}

/**
 * The files at the root of a package, one at a time, each with its content as a stream that must be
 * consumed (or destroyed) before the next entry is read. Folders, macOS resource forks (`__MACOSX/`)
 * and nested paths are not SAT's and are skipped.
 */
export async function* rootEntries(
  file: string,
  idPaquete = file,
): AsyncGenerator<{ entry: PackageEntry; content: Readable }> {
  const zip = await openZip(file, idPaquete);
  const waiting: { resolve: (entry: yauzl.Entry | undefined) => void; reject: (error: Error) => void }[] = [];
  zip.on('entry', (entry: yauzl.Entry) => waiting.shift()?.resolve(entry));
  zip.on('end', () => waiting.shift()?.resolve(undefined));
  zip.on('error', (error: Error) => waiting.shift()?.reject(error));
  try {
    for (;;) {
      const next = new Promise<yauzl.Entry | undefined>((resolve, reject) =>
        waiting.push({ resolve, reject }),
      );
      zip.readEntry();
      const entry = await next;
      if (!entry) return;
      if (entry.fileName.includes('/')) continue;
      const content = await new Promise<Readable>((resolve, reject) =>
        zip.openReadStream(entry, (error, stream) => (error || !stream ? reject(error) : resolve(stream))),
      );
      yield {
        entry: {
          name: entry.fileName,
          offset: entry.relativeOffsetOfLocalHeader,
          compressedSize: entry.compressedSize,
          size: entry.uncompressedSize,
          compressionMethod: entry.compressionMethod,
          crc32: entry.crc32,
        },
        content,
      };
    }
  } catch (error) {
    if (error instanceof SatError) throw error;
    throw new SatError(satErrors.packageUnreadable, {
      params: { idPaquete, detail: error instanceof Error ? error.message : String(error) },
      cause: error,
    });
  } finally {
    zip.close();
  }
}
