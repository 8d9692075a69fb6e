import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type PassThrough, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import type { CfdiBatchRow, CfdiEntryLocation } from '../../db';
import { toMexicoWallClock } from '../periods/mexico-time';

export type XmlReader = (uuid: string, location: CfdiEntryLocation) => Promise<Buffer>;

const NOTES_HEADER = [
  'Documentos de la búsqueda cuyo XML no está en este ZIP.',
  'Documents of the search whose XML is not in this ZIP.',
  '',
  'SinXml: solo se tiene su metadata; registre una solicitud de tipo CFDI que los cubra.',
  '        only their metadata is held; register a CFDI solicitud covering them.',
  'Ilegible: el XML está indexado pero no se pudo leer de su paquete almacenado.',
  '          the XML is indexed but could not be read from its stored package.',
  '',
  ['Uuid', 'FechaEmision', 'RfcEmisor', 'RfcReceptor', 'Motivo'].join('\t'),
  '',
].join('\r\n');

/** `<year>/<month>/<UUID>.xml` by the document's issue date in Mexico City; `sin-fecha/` without one. */
export function archivePath(row: { uuid: string; fechaEmision: Date | null }): string {
  const name = `${row.uuid.toUpperCase()}.xml`;
  if (!row.fechaEmision) return `sin-fecha/${name}`;
  const wallClock = toMexicoWallClock(row.fechaEmision);
  return `${wallClock.slice(0, 4)}/${wallClock.slice(5, 7)}/${name}`;
}

function noteLine(row: CfdiBatchRow, reason: 'SinXml' | 'Ilegible'): string {
  const fecha = row.fechaEmision ? toMexicoWallClock(row.fechaEmision) : '';
  return (
    [row.uuid.toUpperCase(), fecha, row.rfcEmisor ?? '', row.rfcReceptor ?? '', reason].join('\t') + '\r\n'
  );
}

/**
 * The XML of every held document of a search, one ZIP entry each, streamed: each XML is read from its
 * stored package (ranged reads) only when the previous entry is on its way out, so memory holds about
 * two documents whatever the size of the search. Rows must come ordered by UUID, so that a document
 * indexed for two RFCs of the tenant is written once. Documents whose XML is not held (or cannot be
 * read) are listed in `LEEME.txt` at the end, kept meanwhile in a scratch file rather than in memory.
 */
export function xmlArchive(rows: AsyncIterable<CfdiBatchRow>, readXml: XmlReader): Readable {
  const zip = new ZipFile();
  const output = zip.outputStream as PassThrough;
  let gone = false;
  const closed = new Promise<void>((resolve) =>
    output.once('close', () => {
      gone = true;
      resolve();
    }),
  );
  zip.on('error', (error: Error) => output.destroy(error));

  /** Resolves when yazl starts writing the entry (the one before it is done), or when nobody reads. */
  async function add(name: string, open: () => Readable): Promise<void> {
    const started = new Promise<void>((resolve) =>
      zip.addReadStreamLazy(name, (callback) => {
        resolve();
        const stream = open();
        stream.on('error', (error) => output.destroy(error));
        callback(null, stream);
      }),
    );
    await Promise.race([started, closed]);
  }

  async function produce(): Promise<void> {
    const scratch = await mkdtemp(path.join(tmpdir(), 'dm-cfdi-zip-'));
    const notesFile = path.join(scratch, 'LEEME.txt');
    const notes = createWriteStream(notesFile);
    notes.on('error', (error) => output.destroy(error));
    let noted = 0;
    const note = async (line: string): Promise<void> => {
      noted += 1;
      if (!notes.write(line)) await once(notes, 'drain');
    };
    try {
      notes.write(NOTES_HEADER);
      let group: CfdiBatchRow[] = [];
      const flush = async (): Promise<void> => {
        const [first] = group;
        if (!first) return;
        const held = group.filter((row) => row.location);
        let xml: Buffer | undefined;
        for (const row of held) {
          try {
            xml = await readXml(row.uuid, row.location as CfdiEntryLocation);
            break;
          } catch {
            // Another RFC's copy may still be readable; if none is, LEEME.txt says so.
          }
        }
        group = [];
        if (xml) {
          const bytes = xml;
          await add(archivePath(first), () => Readable.from([bytes]));
        } else await note(noteLine(first, held.length > 0 ? 'Ilegible' : 'SinXml'));
      };
      for await (const row of rows) {
        if (gone) return;
        if (group[0] && group[0].uuid !== row.uuid) await flush();
        group.push(row);
      }
      await flush();
      if (gone) return;
      notes.end();
      await finished(notes);
      if (noted > 0) await add('LEEME.txt', () => createReadStream(notesFile));
      zip.end();
      // The scratch file goes once the last byte left (or the download was abandoned).
      await closed;
    } catch (error) {
      output.destroy(error instanceof Error ? error : new Error(String(error)));
    } finally {
      notes.destroy();
      await rm(scratch, { recursive: true, force: true });
    }
  }

  produce().catch((error: unknown) =>
    output.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return output;
}
