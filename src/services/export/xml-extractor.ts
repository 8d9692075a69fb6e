import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { readCfdiHeader, rootEntries } from '../../sat';
import { documentPath, extractionMarkerPath, extractionScratchPath } from './export-layout';
import type { ExportablePackage } from './exportable-packages';

/** Unreadable documents described one by one; the count covers them all. */
const UNREADABLE_LISTED = 5;

export interface ExtractionResult {
  readonly extracted: number;
  readonly unreadable: number;
  /** The first few unreadable entries and why. */
  readonly examples: readonly string[];
}

/**
 * Writes every XML document of a package (a local, verified copy) to `<RFC>/xml/<year>/<month>/
 * <UUID>.xml`. A document is written to a scratch file first, because its UUID and date are only
 * known once it has been read, and renamed into place whole. A document without a stamp UUID or a
 * date stays only in its ZIP and is reported; the marker is written anyway, since reading the same
 * bytes again would not help.
 */
export async function extractDocuments(
  zipFile: string,
  item: ExportablePackage,
  destination: string,
): Promise<ExtractionResult> {
  const scratch = path.join(destination, extractionScratchPath(item));
  await mkdir(path.dirname(scratch), { recursive: true });
  let extracted = 0;
  let unreadable = 0;
  const examples: string[] = [];
  const report = (entry: string, reason: string): void => {
    unreadable += 1;
    if (examples.length < UNREADABLE_LISTED) examples.push(`${entry}: ${reason}`);
  };
  try {
    for await (const { entry, content } of rootEntries(zipFile, item.idPaquete)) {
      if (!entry.name.toLowerCase().endsWith('.xml')) {
        content.resume();
        continue;
      }
      await pipeline(content, createWriteStream(scratch, { flags: 'w' }));
      const header = await readCfdiHeader(createReadStream(scratch));
      const target =
        typeof header === 'string'
          ? undefined
          : documentPath(item.rfc, header.uuid, header.fecha, header.fechaTimbrado);
      if (typeof header === 'string') report(entry.name, header);
      else if (target === undefined) report(entry.name, `no issue date (Fecha "${header.fecha}")`);
      else {
        const file = path.join(destination, target);
        await mkdir(path.dirname(file), { recursive: true });
        await rename(scratch, file);
        extracted += 1;
      }
    }
  } finally {
    await rm(scratch, { force: true });
  }
  const marker = path.join(destination, extractionMarkerPath(item));
  await mkdir(path.dirname(marker), { recursive: true });
  await writeFile(marker, `${item.sha256}\n`);
  return { extracted, unreadable, examples };
}

/** Whether the documents of this very package (same SHA-256) were all extracted by an earlier run. */
export async function wasExtracted(item: ExportablePackage, destination: string): Promise<boolean> {
  try {
    const marker = await readFile(path.join(destination, extractionMarkerPath(item)), 'utf8');
    return marker.trim() === item.sha256;
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT')
      return false;
    throw error;
  }
}
