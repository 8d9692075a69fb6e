import type { Readable } from 'node:stream';
import { Utf8OrWindows1252, type EntryDecoder } from './text-decoding';

/** A record longer than this is not metadata; reading stops rather than growing without bound. */
const MAX_RECORD_CHARS = 1024 * 1024;

export interface TextRecord {
  /** 1-based position of the record in its file (the header is record 1). */
  readonly number: number;
  readonly text: string;
}

/** A record past MAX_RECORD_CHARS: what follows it in the entry cannot be split into records. */
export class RecordTooLongError extends Error {
  constructor(
    readonly line: number,
    /** The record's first characters, to recognise it by. */
    readonly start: string,
  ) {
    super(`record ${line} longer than 1 MB`);
    this.name = 'RecordTooLongError';
  }
}

function occurrences(text: string, separator: string): number {
  let count = 0;
  for (let at = text.indexOf(separator); at !== -1; at = text.indexOf(separator, at + separator.length))
    count += 1;
  return count;
}

/**
 * Splits SAT's text files into records, streaming. SAT writes CRLF; a name copied from a CFDI may
 * hold a carriage return that reaches the file as a bare LF, splitting one record over two lines.
 * So when the first line ends in CRLF, only CRLF ends a record and bare LFs are dropped; files with
 * plain LF ends are split on LF. A missing final line end is tolerated. Bytes become text through
 * `decoder` (UTF-8, Windows-1252 from the first byte that is not; a BOM is removed); when it changes
 * encoding, the record where that happened is written on its `fallback`.
 *
 * The records come in batches, those each chunk of the entry completes: a million-line file is then a
 * few thousand steps of the async iteration rather than a million, each of which costs a promise.
 */
export async function* textRecordBatches(
  content: Readable,
  decoder: EntryDecoder = new Utf8OrWindows1252(),
): AsyncGenerator<TextRecord[]> {
  let pending = '';
  let separator: '\r\n' | '\n' | undefined;
  let number = 0;
  const clean = (text: string): string =>
    separator === '\r\n' ? (text.includes('\n') ? text.replace(/\n/g, '') : text) : text.replace(/\r$/, '');
  const append = (text: string): void => {
    const switchedAt = decoder.switchedAt;
    if (switchedAt !== undefined && decoder.fallback && decoder.fallback.line === undefined) {
      const before = pending + text.slice(0, switchedAt);
      decoder.fallback.line = number + 1 + occurrences(before, separator ?? '\n');
    }
    pending += text;
  };
  /** The records `pending` completes; what follows the last record end stays pending. */
  const completed = (): TextRecord[] => {
    const batch: TextRecord[] = [];
    const end = separator ?? '\n';
    let start = 0;
    for (let at = pending.indexOf(end, start); at !== -1; at = pending.indexOf(end, start)) {
      number += 1;
      batch.push({ number, text: clean(pending.slice(start, at)) });
      start = at + end.length;
    }
    pending = pending.slice(start);
    return batch;
  };
  for await (const chunk of content) {
    append(decoder.write(chunk as Buffer));
    if (!separator) {
      const firstEnd = pending.indexOf('\n');
      if (firstEnd === -1) {
        if (pending.length > MAX_RECORD_CHARS) throw new RecordTooLongError(1, pending.slice(0, 200));
        continue;
      }
      separator = pending[firstEnd - 1] === '\r' ? '\r\n' : '\n';
    }
    const batch = completed();
    if (pending.length > MAX_RECORD_CHARS) {
      // The records before the one too long are read as they would have been one by one.
      if (batch.length > 0) yield batch;
      throw new RecordTooLongError(number + 1, pending.slice(0, 200));
    }
    if (batch.length > 0) yield batch;
  }
  append(decoder.end());
  // What the last chunk's decoding released (a character held over) may still hold record ends.
  const last = separator ? completed() : [];
  if (pending.length > 0) {
    number += 1;
    last.push({ number, text: clean(pending) });
  }
  if (last.length > 0) yield last;
}

/** `textRecordBatches`, one record at a time. */
export async function* textRecords(content: Readable, decoder?: EntryDecoder): AsyncGenerator<TextRecord> {
  for await (const batch of textRecordBatches(content, decoder)) yield* batch;
}
