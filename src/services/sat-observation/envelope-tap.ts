import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';

/** What the status of an answer needs: SAT's code, a token, a Fault; all within the envelope's head. */
const SNIFF_CHARS = 64 * 1024;
/** A trail entry is evidence, not a copy of the traffic: anything longer is cut (packages are elided first). */
export const MAX_TRAIL_CHARS = 256 * 1024;

const PACKAGE_OPEN = /<(?:[\w.-]+:)?Paquete(?:\s[^>]*)?>/;

export interface SniffedAnswer {
  readonly codEstatus: string | undefined;
  readonly token: boolean;
  readonly faultCode: string | undefined;
}

/**
 * Passes a SAT answer through unchanged while reading what it says about SAT: the CodEstatus, whether
 * Autentica gave a token, a SOAP Fault's code. With `capture`, it also keeps the text of the envelope
 * for the raw trail, with the package's base64 replaced by a note of its length as it streams by (a
 * package is hundreds of MB; it is stored in the object store, never here).
 */
export class EnvelopeTap extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private head = '';
  private captured = '';
  private mode: 'markup' | 'package' | 'after' = 'markup';
  private packageChars = 0;
  private truncated = false;

  constructor(private readonly capture: boolean) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const needHead = this.head.length < SNIFF_CHARS;
    if (needHead || this.capture) {
      const text = this.decoder.write(chunk);
      if (needHead) this.head += text.slice(0, SNIFF_CHARS - this.head.length);
      if (this.capture) this.keep(text);
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.capture) this.keep(this.decoder.end());
    callback();
  }

  private keep(text: string): void {
    let rest = text;
    while (rest.length > 0) {
      if (this.mode === 'package') {
        const end = rest.indexOf('<');
        if (end === -1) {
          this.packageChars += rest.length;
          return;
        }
        this.packageChars += end;
        this.append(`[paquete omitido: ${this.packageChars} caracteres base64]`);
        this.mode = 'after';
        rest = rest.slice(end);
        continue;
      }
      if (this.mode === 'after') {
        this.append(rest);
        return;
      }
      // A start tag may be split between chunks: look again from a little before the new text.
      const from = Math.max(0, this.captured.length - 64);
      this.append(rest);
      const match = PACKAGE_OPEN.exec(this.captured.slice(from));
      if (!match || match[0].endsWith('/>')) return;
      const tagEnd = from + match.index + match[0].length;
      const after = this.captured.slice(tagEnd);
      this.captured = this.captured.slice(0, tagEnd);
      this.mode = 'package';
      rest = after;
    }
  }

  private append(text: string): void {
    if (this.truncated) return;
    const room = MAX_TRAIL_CHARS - this.captured.length;
    if (text.length <= room) {
      this.captured += text;
      return;
    }
    this.captured += `${text.slice(0, Math.max(0, room))}[… recortado]`;
    this.truncated = true;
  }

  sniffed(): SniffedAnswer {
    const head = this.head;
    const fault = /<(?:[\w.-]+:)?Fault\b/.test(head);
    const faultCode = fault
      ? (/<(?:[\w.-]+:)?(?:faultcode|Value)\b[^>]*>([^<]*)</.exec(head)?.[1]?.trim() ?? '')
      : undefined;
    return {
      codEstatus: /\bCodEstatus="([^"]*)"/.exec(head)?.[1],
      token: /<(?:[\w.-]+:)?AutenticaResult\b[^>]*>[^<]+</.test(head),
      faultCode,
    };
  }

  /** The envelope as captured, package elided (empty without `capture`). */
  text(): string {
    // The package never ended (a cut answer): say how much of it went by.
    if (this.mode === 'package')
      return `${this.captured}[paquete omitido: ${this.packageChars} caracteres base64, incompleto]`;
    return this.captured;
  }
}
