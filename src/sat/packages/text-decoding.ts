import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';

/**
 * Where an entry stopped being UTF-8 and the rest was read as Windows-1252. `utf8Before` says whether
 * text outside ASCII had already been read as UTF-8 (an entry mixing both); when it had not, the result
 * is exactly what reading the whole entry as Windows-1252 gives.
 */
export interface EncodingFallback {
  /** Byte offset of the first byte that is not UTF-8. */
  readonly byte: number;
  /** 1-based line holding that byte, when the entry was read as text records. */
  line: number | undefined;
  readonly utf8Before: boolean;
}

/** Turns one entry's bytes into text, chunk by chunk, however the chunks split its characters. */
export interface EntryDecoder {
  write(chunk: Buffer): string;
  end(): string;
  /** Set once the decoder left UTF-8 for Windows-1252. */
  readonly fallback: EncodingFallback | undefined;
  /** Character index, in what the last write/end returned, where Windows-1252 took over (that call only). */
  readonly switchedAt: number | undefined;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** WHATWG's index-windows-1252 for bytes 0x80–0x9F; every other byte is its own code point (Latin-1). */
const WINDOWS_1252_C1 = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
];

/**
 * Windows-1252 to text. Not `TextDecoder('windows-1252')`: Node since 20.18.3 / 22.13.0 decodes that
 * label as Latin-1 and even drops bytes 0x80–0x9F (nodejs/node#60888, #56542), so "€", "“" or "—"
 * would be lost. A single-byte code needs no state across chunks.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\u0080-\u009f]/g, (character) =>
      String.fromCharCode(WINDOWS_1252_C1[character.charCodeAt(0) - 0x80]!),
    );
}
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Byte length of the sequence a UTF-8 lead byte starts, or 0 when it cannot start one (a continuation
 * byte, or C0/C1/F5–FF that UTF-8 never uses).
 */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Index of the first byte of `bytes` that does not begin a valid UTF-8 sequence (WHATWG rules). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!;
    const length = sequenceLength(lead);
    if (length === 0 || index + length > bytes.length) return index;
    // Overlong forms, surrogates and code points past U+10FFFF are excluded by the second byte's range.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let next = 1; next < length; next += 1) {
      const byte = bytes[index + next]!;
      if (byte < (next === 1 ? low : 0x80) || byte > (next === 1 ? high : 0xbf)) return index;
    }
    index += length;
  }
  return -1;
}

/**
 * How many bytes at the end of `bytes` start a sequence the next chunk must finish. Only a truncated
 * sequence is held back; anything invalid is left for the validator to find.
 */
function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back += 1) {
    const byte = bytes[bytes.length - back]!;
    if (byte >= 0x80 && byte < 0xc0) continue;
    const length = sequenceLength(byte);
    return length > back ? back : 0;
  }
  return 0;
}

/**
 * Reads an entry as UTF-8 until its first byte that is not UTF-8 and as Windows-1252 from that byte
 * on, streaming: nothing is read twice and memory stays at one chunk. A real Windows-1252 file fails
 * UTF-8 at its first letter outside ASCII (an accented letter followed by ASCII is never UTF-8), so
 * all it was read as UTF-8 before was ASCII, identical in both; switching in place is then exactly
 * reading the whole entry as Windows-1252, with no restart and no record handed out twice. A UTF-8
 * BOM is dropped.
 */
export class Utf8OrWindows1252 implements EntryDecoder {
  private carry: Buffer = Buffer.alloc(0);
  private offset = 0;
  private started = false;
  private nonAscii = false;
  fallback: EncodingFallback | undefined;
  switchedAt: number | undefined;

  write(chunk: Buffer): string {
    this.switchedAt = undefined;
    if (this.fallback) return decodeWindows1252(chunk);
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    // The BOM is only recognised whole, so the first bytes wait until three are there.
    if (!this.started && bytes.length < BOM.length && BOM.subarray(0, bytes.length).equals(bytes)) {
      this.carry = Buffer.from(bytes);
      return '';
    }
    const complete = bytes.length - incompleteTail(bytes);
    this.carry = Buffer.from(bytes.subarray(complete));
    return this.decode(bytes, complete);
  }

  end(): string {
    this.switchedAt = undefined;
    if (this.fallback) return '';
    const bytes = this.carry;
    this.carry = Buffer.alloc(0);
    // A sequence still open when the entry ends was never UTF-8.
    return bytes.length === 0 ? '' : this.decode(bytes, 0, true);
  }

  /** Decodes `bytes`, of which the first `complete` are whole sequences (the rest is carried over). */
  private decode(bytes: Buffer, complete: number, ending = false): string {
    let start = 0;
    if (!this.started && bytes.length > 0) {
      this.started = true;
      if (bytes.subarray(0, BOM.length).equals(BOM)) start = BOM.length;
    }
    const head = bytes.subarray(start, Math.max(start, complete));
    if (!ending && isUtf8(head)) {
      this.offset += start + head.length;
      return this.utf8(head);
    }
    const invalid = ending ? head.length : firstInvalidUtf8(head);
    const at = invalid === -1 ? head.length : invalid;
    const text = this.utf8(head.subarray(0, at));
    this.fallback = { byte: this.offset + start + at, line: undefined, utf8Before: this.nonAscii };
    this.switchedAt = text.length;
    this.offset += bytes.length;
    this.carry = Buffer.alloc(0);
    return text + decodeWindows1252(bytes.subarray(start + at));
  }

  private utf8(bytes: Buffer): string {
    const text = bytes.toString('utf8');
    if (!this.nonAscii && NON_ASCII.test(text)) this.nonAscii = true;
    return text;
  }
}

/** An encoding the content itself declared (an XML prolog), decoded as it says. */
export class DeclaredEncoding implements EntryDecoder {
  private readonly decoder: TextDecoder | undefined;
  readonly fallback = undefined;
  readonly switchedAt = undefined;

  /** Throws RangeError for an encoding the runtime does not know. */
  constructor(label: string) {
    const decoder = new TextDecoder(label);
    // ISO-8859-1, Latin-1 and ASCII are Windows-1252 by WHATWG's labels; its decoder is ours (see above).
    this.decoder = decoder.encoding === 'windows-1252' ? undefined : decoder;
  }

  write(chunk: Buffer): string {
    return this.decoder ? this.decoder.decode(chunk, { stream: true }) : decodeWindows1252(chunk);
  }

  end(): string {
    return this.decoder ? this.decoder.decode() : '';
  }
}

const PROLOG_ENCODING =
  /^(?:\uFEFF|\u00EF\u00BB\u00BF)?\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/;

/**
 * The decoder for an XML entry, from its first bytes: the encoding its prolog declares when that is not
 * UTF-8 and is one this runtime knows (ISO-8859-1, Windows-1252…), else UTF-8 with the Windows-1252
 * fallback (XML without a declaration is UTF-8 by rule, and a declaration of UTF-8 over bytes that are
 * not is wrong either way).
 */
export function xmlDecoder(firstBytes: Buffer): EntryDecoder {
  const declared = PROLOG_ENCODING.exec(firstBytes.subarray(0, 512).toString('latin1'))?.[1];
  if (declared && !/^utf-?8$/i.test(declared)) {
    try {
      return new DeclaredEncoding(declared);
    } catch {
      // An encoding this runtime does not know: read it as if undeclared.
    }
  }
  return new Utf8OrWindows1252();
}
