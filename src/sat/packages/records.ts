import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** A record longer than this is not metadata; reading stops rather than growing without bound. */
const MAX_RECORD_CHARS = 1024 * 1024;

export interface TextRecord {
  /** 1-based position of the record in its file (the header is record 1). */
  readonly number: number;
  readonly text: string;
}

/**
 * Splits SAT's text files into records, streaming. SAT writes CRLF; a name copied from a CFDI may
 * hold a carriage return that reaches the file as a bare LF, splitting one record over two lines.
 * So when the first line ends in CRLF, only CRLF ends a record and bare LFs are dropped; files with
 * plain LF ends are split on LF. A missing final line end is tolerated, a BOM is removed.
 */
export async function* textRecords(content: Readable): AsyncGenerator<TextRecord> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let separator: '\r\n' | '\n' | undefined;
  let number = 0;
  const clean = (text: string): string =>
    separator === '\r\n' ? text.replace(/\n/g, '') : text.replace(/\r$/, '');
  for await (const chunk of content) {
    pending += decoder.write(chunk as Buffer);
    if (number === 0 && pending.charCodeAt(0) === 0xfeff) pending = pending.slice(1);
    if (!separator) {
      const firstEnd = pending.indexOf('\n');
      if (firstEnd === -1) {
        if (pending.length > MAX_RECORD_CHARS) throw new Error('first line longer than 1 MB');
        continue;
      }
      separator = pending[firstEnd - 1] === '\r' ? '\r\n' : '\n';
    }
    let start = 0;
    for (let end = pending.indexOf(separator, start); end !== -1; end = pending.indexOf(separator, start)) {
      number += 1;
      yield { number, text: clean(pending.slice(start, end)) };
      start = end + separator.length;
    }
    pending = pending.slice(start);
    if (pending.length > MAX_RECORD_CHARS) throw new Error(`record ${number + 1} longer than 1 MB`);
  }
  pending += decoder.end();
  if (pending.length > 0) {
    number += 1;
    yield { number, text: clean(pending) };
  }
}
