import type { Readable } from 'node:stream';
import { UUID_PATTERN } from '../shared/catalogues';
import { byHeader, layoutOf, problemOf, rowOf, type MetadataRow } from './metadata-record';
import { RecordTooLongError, textRecordBatches, type TextRecord } from './records';
import { Utf8OrWindows1252, type EncodingFallback } from './text-decoding';
import { rootEntries } from './zip-entries';

/** Why the records of a whole `.txt` entry (or, for `recordTooLong`, its records from `line` on) were not read. */
export type MetadataEntryProblem =
  /** The first non-empty line is already a record (its first field is a UUID): the header is missing. */
  | 'withoutHeader'
  /** The first non-empty line is `~`-separated, or starts with `Uuid`, but is no header this reader knows. */
  | 'unknownHeader'
  /** A record past 1 MB: the rest of the entry cannot be split into records. */
  | 'recordTooLong';

export type MetadataEvent =
  | { readonly kind: 'row'; readonly entry: string; readonly line: number; readonly row: MetadataRow }
  | { readonly kind: 'problem'; readonly entry: string; readonly line: number; readonly reason: string }
  | {
      readonly kind: 'unreadableEntry';
      readonly entry: string;
      /** 1-based line of what was found instead of a header (or of the record too long). */
      readonly line: number;
      readonly problem: MetadataEntryProblem;
      /** The start of that line, at most ~80 characters, control characters escaped. */
      readonly found: string;
    }
  | {
      /** The package has no `.txt` with a metadata header at all (and no entry above explains why). */
      readonly kind: 'noMetadata';
      /** Its root entries, each with the start of its first non-empty line when it is a `.txt`. */
      readonly entries: readonly { readonly entry: string; readonly found: string }[];
      /** Root entries in all (only the first ten are listed). */
      readonly total: number;
    }
  | {
      /** The entry was not UTF-8 and was read as Windows-1252 from `fallback.byte` on. */
      readonly kind: 'encoding';
      readonly entry: string;
      readonly encoding: 'windows-1252';
      readonly fallback: Readonly<EncodingFallback>;
    };

const MAIN_HEADER = /^uuid~rfcemisor~/i;
const THIRD_PARTY_HEADER = /^uuid~rfcacuentaterceros~/i;
/** How much of a line a problem quotes: enough to recognise it, short enough for a message. */
const FOUND_CHARS = 80;
/** Root entries listed when a package holds no metadata at all. */
const ENTRIES_LISTED = 10;

/**
 * What a `.txt` is, from its first non-empty line. php's reader picks entries by content and ignores
 * the rest, and packages do carry stray text (the real fixture's `other.txt`); but anything shaped
 * like SAT's text (`~`-separated, or starting with `Uuid`) that is no header we know is a metadata
 * file we cannot read, and is reported rather than skipped.
 */
type EntryKind = 'main' | 'terceros' | 'withoutHeader' | 'unknownHeader' | 'notMetadata' | 'empty';

function classify(header: string | undefined): EntryKind {
  if (header === undefined) return 'empty';
  const text = header.trim();
  if (MAIN_HEADER.test(text)) return 'main';
  if (THIRD_PARTY_HEADER.test(text)) return 'terceros';
  if (!text.includes('~')) return /^uuid\b/i.test(text) ? 'unknownHeader' : 'notMetadata';
  return UUID_PATTERN.test((text.split('~')[0] ?? '').trim()) ? 'withoutHeader' : 'unknownHeader';
}

/** The start of a line as a problem quotes it: control characters made visible, long lines cut. */
function excerpt(text: string): string {
  const visible = text.replace(
    /\p{Cc}/gu,
    (character) => `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return visible.length > FOUND_CHARS ? `${visible.slice(0, FOUND_CHARS)}…` : visible;
}

interface FirstRecord {
  /** The first non-empty line, undefined for an entry with none. */
  readonly header: string | undefined;
  readonly line: number;
  /** The records after it, in batches. */
  readonly records: AsyncGenerator<TextRecord[]>;
}

async function firstRecord(content: Readable, decoder: Utf8OrWindows1252): Promise<FirstRecord> {
  const batches = textRecordBatches(content, decoder);
  for (;;) {
    const next = await batches.next();
    if (next.done) return { header: undefined, line: 0, records: batches };
    const batch = next.value;
    const first = batch.findIndex((record) => record.text.trim() !== '');
    const found = batch[first];
    if (found)
      return { header: found.text, line: found.number, records: after(batch.slice(first + 1), batches) };
  }
}

async function* after(
  rest: TextRecord[],
  batches: AsyncGenerator<TextRecord[]>,
): AsyncGenerator<TextRecord[]> {
  if (rest.length > 0) yield rest;
  yield* batches;
}

function tooLong(entry: string, error: RecordTooLongError): MetadataEvent {
  return {
    kind: 'unreadableEntry',
    entry,
    line: error.line,
    problem: 'recordTooLong',
    found: excerpt(error.start),
  };
}

function encodingOf(entry: string, decoder: Utf8OrWindows1252): MetadataEvent[] {
  return decoder.fallback
    ? [{ kind: 'encoding', entry, encoding: 'windows-1252', fallback: { ...decoder.fallback } }]
    : [];
}

/**
 * Third-party data (`_tercero.txt`, since 2022) by lower-case UUID: small, one row per such document.
 * What reading them had to say (their encoding, a record too long) comes back as `notes`, by entry.
 */
async function thirdParties(
  file: string,
  idPaquete: string,
): Promise<{ found: Map<string, { rfc: string; nombre: string }>; notes: Map<string, MetadataEvent[]> }> {
  const found = new Map<string, { rfc: string; nombre: string }>();
  const notes = new Map<string, MetadataEvent[]>();
  for await (const { entry, content } of rootEntries(file, idPaquete)) {
    if (!entry.name.toLowerCase().endsWith('.txt')) {
      content.resume();
      continue;
    }
    const decoder = new Utf8OrWindows1252();
    try {
      const { header, records } = await firstRecord(content, decoder);
      if (classify(header) !== 'terceros' || !header) {
        content.destroy();
        continue;
      }
      const layout = layoutOf(header);
      for await (const batch of records)
        for (const record of batch) {
          if (record.text.trim() === '') continue;
          const { known } = byHeader(layout, record.text);
          if (known.uuid)
            found.set(known.uuid.toLowerCase(), {
              rfc: known.rfcACuentaTerceros ?? '',
              nombre: known.nombreACuentaTerceros ?? '',
            });
        }
    } catch (error) {
      if (!(error instanceof RecordTooLongError)) throw error;
      content.destroy();
      // A first line too long is reported by the main pass, which reads every `.txt`.
      if (error.line > 1) notes.set(entry.name, [tooLong(entry.name, error)]);
      continue;
    }
    notes.set(entry.name, encodingOf(entry.name, decoder));
  }
  return { found, notes };
}
/**
 * Reads a metadata package entry by entry, record by record. Entries are chosen by content (a `.txt`
 * whose header starts `Uuid~RfcEmisor~`), columns by header name, so both SAT's older and newer
 * layouts work and unknown columns are kept. Third-party data from `_tercero.txt` is joined by UUID.
 * Nothing is dropped silently: a record that cannot be read is a `problem` with its line number, a
 * metadata file without a header we know an `unreadableEntry`, a package with no metadata file at all
 * `noMetadata`, and a file that is not UTF-8 is read as Windows-1252 and said so (`encoding`).
 *
 * The events come in batches (the records of one chunk of an entry), in order: a million rows are a
 * few thousand steps of the async iteration. `readMetadataPackage` gives them one at a time.
 */
export async function* readMetadataPackageBatches(
  file: string,
  idPaquete = file,
): AsyncGenerator<MetadataEvent[]> {
  const terceros = await thirdParties(file, idPaquete);
  let metadataEntries = 0;
  let explained = false;
  let total = 0;
  const listed: { entry: string; found: string }[] = [];
  const list = (entry: string, found: string): void => {
    total += 1;
    if (listed.length < ENTRIES_LISTED) listed.push({ entry, found });
  };
  for await (const { entry, content } of rootEntries(file, idPaquete)) {
    if (!entry.name.toLowerCase().endsWith('.txt')) {
      content.resume();
      list(entry.name, '');
      continue;
    }
    const decoder = new Utf8OrWindows1252();
    try {
      const { header, line, records } = await firstRecord(content, decoder);
      const kind = classify(header);
      list(entry.name, excerpt(header ?? ''));
      if (kind === 'withoutHeader' || kind === 'unknownHeader') {
        content.destroy();
        explained = true;
        yield [
          {
            kind: 'unreadableEntry',
            entry: entry.name,
            line,
            problem: kind,
            found: excerpt(header ?? ''),
          },
        ];
        continue;
      }
      if (kind !== 'main' || !header) {
        content.destroy();
        // Third-party files were read before the others; what they had to say comes in ZIP order.
        const notes = kind === 'terceros' ? (terceros.notes.get(entry.name) ?? []) : [];
        explained ||= notes.some((note) => note.kind === 'unreadableEntry');
        if (notes.length > 0) yield notes;
        continue;
      }
      metadataEntries += 1;
      const layout = layoutOf(header);
      for await (const batch of records) {
        const events: MetadataEvent[] = [];
        for (const record of batch) {
          if (record.text.trim() === '') continue;
          const { known, extra } = byHeader(layout, record.text);
          const problem = problemOf(known);
          if (problem)
            events.push({ kind: 'problem', entry: entry.name, line: record.number, reason: problem });
          else
            events.push({
              kind: 'row',
              entry: entry.name,
              line: record.number,
              row: rowOf(known, extra, terceros.found.get((known.uuid ?? '').toLowerCase())),
            });
        }
        if (events.length > 0) yield events;
      }
    } catch (error) {
      if (!(error instanceof RecordTooLongError)) throw error;
      content.destroy();
      explained = true;
      yield [tooLong(entry.name, error)];
    }
    const encoding = encodingOf(entry.name, decoder);
    if (encoding.length > 0) yield encoding;
  }
  if (metadataEntries === 0 && !explained) yield [{ kind: 'noMetadata', entries: listed, total }];
}

/** `readMetadataPackageBatches`, one event at a time. */
export async function* readMetadataPackage(file: string, idPaquete = file): AsyncGenerator<MetadataEvent> {
  for await (const batch of readMetadataPackageBatches(file, idPaquete)) yield* batch;
}
