/**
 * PostgreSQL's binary COPY format, written into buffers. A text COPY makes the server parse every
 * timestamp, UUID and amount again, a fifth of what loading a million metadata rows costs it; in the
 * binary format each value arrives as the server stores it.
 * (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format")
 */

/** `PGCOPY\n\377\r\n\0`, then no flags and no header extension. */
const SIGNATURE = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);
/** Each buffer handed to the socket: large enough that messages cost nothing, small enough to hold few. */
export const CHUNK_BYTES = 64 * 1024;
/** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in milliseconds since 1970. */
const POSTGRES_EPOCH_MS = 946_684_800_000;
const TWO_TO_32 = 4_294_967_296;
const NUMERIC_POSITIVE = 0x0000;
const NUMERIC_NEGATIVE = 0x4000;

/** Hex digit values by character code, -1 for anything else. */
const NIBBLE = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit += 1) {
  NIBBLE['0123456789abcdef'.charCodeAt(digit)] = digit;
  NIBBLE['0123456789ABCDEF'.charCodeAt(digit)] = digit;
}
/** Where each byte's first hex digit sits in a UUID's 36-character form. */
const UUID_HEX_PAIRS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/** Writes `value`'s length (16) and bytes at `at`; throws on anything but a 36-character UUID. */
function writeUuid(buffer: Buffer, at: number, value: string): void {
  if (value.length !== 36) throw new Error(`"${value}" is not a UUID`);
  buffer.writeInt32BE(16, at);
  for (let byte = 0; byte < 16; byte += 1) {
    const position = UUID_HEX_PAIRS[byte] ?? 0;
    const high = NIBBLE[value.charCodeAt(position)] ?? -1;
    const low = NIBBLE[value.charCodeAt(position + 1)] ?? -1;
    if (high < 0 || low < 0) throw new Error(`"${value}" is not a UUID`);
    buffer[at + 4 + byte] = high * 16 + low;
  }
}

/**
 * The digit at `position` of a plain decimal whose integer part runs from `first` to `integerEnd`
 * (the dot, or the end); 0 outside the digits, which pads the groups at either end.
 */
function digitAt(value: string, first: number, integerEnd: number, position: number): number {
  if (position < first || position >= value.length || position === integerEnd) return 0;
  return value.charCodeAt(position) - 0x30;
}

/** Four digits from `start` (padding with zeros as `digitAt` does) as one base-10000 digit. */
function group(value: string, first: number, integerEnd: number, start: number): number {
  return (
    digitAt(value, first, integerEnd, start) * 1000 +
    digitAt(value, first, integerEnd, start + 1) * 100 +
    digitAt(value, first, integerEnd, start + 2) * 10 +
    digitAt(value, first, integerEnd, start + 3)
  );
}

/**
 * A plain decimal's base-10000 digits, aligned on the decimal point (the integer part padded on the
 * left, the fraction on the right), with the weight of the first and without zero groups at either end.
 */
function decimalGroups(value: string, first: number, dot: number): { groups: number[]; weight: number } {
  const integerEnd = dot === -1 ? value.length : dot;
  const integerGroups = Math.ceil((integerEnd - first) / 4);
  const fractionGroups = dot === -1 ? 0 : Math.ceil((value.length - dot - 1) / 4);
  const groups: number[] = [];
  // The integer part's last group ends at the dot; earlier groups reach before `first` (zeros).
  for (let index = 0; index < integerGroups; index += 1)
    groups.push(group(value, first, integerEnd, integerEnd - 4 * (integerGroups - index)));
  for (let index = 0; index < fractionGroups; index += 1)
    groups.push(group(value, first, integerEnd, dot + 1 + 4 * index));
  let weight = integerGroups - 1;
  let start = 0;
  while (start < groups.length && groups[start] === 0) {
    start += 1;
    weight -= 1;
  }
  let end = groups.length;
  while (end > start && groups[end - 1] === 0) end -= 1;
  return { groups: groups.slice(start, end), weight };
}

export class CopyBinaryWriter {
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private at = 0;
  private readonly full: Buffer[] = [];

  constructor() {
    this.raw(SIGNATURE);
  }

  /** Starts a row of `fields` values. */
  row(fields: number): void {
    this.room(2);
    this.buffer.writeInt16BE(fields, this.at);
    this.at += 2;
  }

  null(): void {
    this.room(4);
    this.buffer.writeInt32BE(-1, this.at);
    this.at += 4;
  }

  /** A value already encoded with its length (see `encodedText`, `encodedUuid`): a load's constants. */
  raw(bytes: Buffer): void {
    this.room(bytes.length);
    bytes.copy(this.buffer, this.at);
    this.at += bytes.length;
  }

  /** text: its UTF-8 bytes. Most values are ASCII and are copied character by character. */
  text(value: string | null): void {
    if (value === null) return this.null();
    this.room(4 + value.length * 3);
    const start = this.at + 4;
    let end = start;
    for (let index = 0; index < value.length; index += 1) {
      const code = value.charCodeAt(index);
      if (code >= 0x80) {
        end = start + this.buffer.write(value, start, 'utf8');
        break;
      }
      this.buffer[end] = code;
      end += 1;
    }
    this.buffer.writeInt32BE(end - start, this.at);
    this.at = end;
  }

  /** jsonb: a version byte (1), then the JSON text. */
  jsonb(value: string | null): void {
    if (value === null) return this.null();
    this.room(5 + value.length * 3);
    const length = 1 + this.buffer.write(value, this.at + 5, 'utf8');
    this.buffer.writeInt32BE(length, this.at);
    this.buffer[this.at + 4] = 1;
    this.at += 4 + length;
  }

  /** uuid: 16 bytes. `value` must be a UUID in its 36-character form (checked before, when read). */
  uuid(value: string | null): void {
    if (value === null) return this.null();
    this.room(20);
    writeUuid(this.buffer, this.at, value);
    this.at += 20;
  }

  /** timestamptz: microseconds since 2000-01-01 UTC, from milliseconds since 1970. */
  timestamp(milliseconds: number | null): void {
    if (milliseconds === null) return this.null();
    this.room(12);
    this.buffer.writeInt32BE(8, this.at);
    this.int64((milliseconds - POSTGRES_EPOCH_MS) * 1000, this.at + 4);
    this.at += 12;
  }

  int8(value: number): void {
    this.room(12);
    this.buffer.writeInt32BE(8, this.at);
    this.int64(value, this.at + 4);
    this.at += 12;
  }

  /**
   * numeric from a plain decimal (`-?digits[.digits]`, checked before, when read): base-10000 digits
   * around the decimal point, the weight of the first, the sign, and as many decimals as written, so
   * that the column's own scale rounds it exactly as it would round the same text.
   */
  numeric(value: string | null): void {
    if (value === null) return this.null();
    const negative = value.charCodeAt(0) === 0x2d;
    const dot = value.indexOf('.');
    const { groups, weight } = decimalGroups(value, negative ? 1 : 0, dot);
    const count = groups.length;
    this.room(12 + count * 2);
    this.buffer.writeInt32BE(8 + count * 2, this.at);
    this.buffer.writeInt16BE(count, this.at + 4);
    this.buffer.writeInt16BE(count === 0 ? 0 : weight, this.at + 6);
    this.buffer.writeUInt16BE(negative && count > 0 ? NUMERIC_NEGATIVE : NUMERIC_POSITIVE, this.at + 8);
    this.buffer.writeInt16BE(dot === -1 ? 0 : value.length - dot - 1, this.at + 10);
    let to = this.at + 12;
    for (const digits of groups) {
      this.buffer.writeInt16BE(digits, to);
      to += 2;
    }
    this.at = to;
  }

  /** The buffers filled so far (each about CHUNK_BYTES), to be written; the writer keeps the rest. */
  take(): Buffer[] {
    return this.full.splice(0);
  }

  /** Everything left, with the file trailer: nothing may be written after it. */
  end(): Buffer[] {
    this.room(2);
    this.buffer.writeInt16BE(-1, this.at);
    this.at += 2;
    this.full.push(this.buffer.subarray(0, this.at));
    this.buffer = Buffer.alloc(0);
    this.at = 0;
    return this.take();
  }

  /** Makes room for `bytes` more, setting the filled buffer aside when they would not fit. */
  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    if (this.at > 0) this.full.push(this.buffer.subarray(0, this.at));
    this.buffer = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    this.at = 0;
  }

  private int64(value: number, at: number): void {
    const high = Math.floor(value / TWO_TO_32);
    this.buffer.writeInt32BE(high, at);
    this.buffer.writeUInt32BE(value - high * TWO_TO_32, at + 4);
  }
}

/** A text value with its length, as `CopyBinaryWriter.raw` takes it: a load's constant, encoded once. */
export function encodedText(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const encoded = Buffer.allocUnsafe(4 + bytes.length);
  encoded.writeInt32BE(bytes.length, 0);
  bytes.copy(encoded, 4);
  return encoded;
}

/** A UUID with its length, as `CopyBinaryWriter.raw` takes it. */
export function encodedUuid(value: string): Buffer {
  const encoded = Buffer.allocUnsafe(20);
  writeUuid(encoded, 0, value);
  return encoded;
}
