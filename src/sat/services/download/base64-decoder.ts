const BASE64_TEXT = /^[A-Za-z0-9+/=\s]*$/;

/** Whether `text` holds only base64 characters and white space. */
export function isBase64Text(text: string): boolean {
  return BASE64_TEXT.test(text);
}

/**
 * Decodes base64 text that arrives in pieces of any length, four characters at a time: what does not
 * fill a quantum waits for the next piece.
 *
 * SAT sends the package as one unbroken base64 line. Node's decoder skips what is not base64 and
 * stops at padding, so a run of n characters that decodes to 3n/4 bytes was all base64: no regular
 * expression has to read hundreds of MB. Anything else (line breaks, padding, garbage) takes the
 * checked path, for the rest of the text once seen.
 */
export class Base64Decoder {
  private carry = '';
  private unbroken = true;

  /** The bytes `text` completes (possibly none); undefined when it is not base64. */
  write(text: string): Buffer | undefined {
    const fast = this.unbroken ? this.decodeUnbroken(text) : undefined;
    if (fast) {
      this.carry = fast.rest;
      return fast.decoded;
    }
    this.unbroken = false;
    if (!isBase64Text(text)) return undefined;
    const data = this.carry + text.replace(/\s+/g, '');
    const whole = data.length - (data.length % 4);
    this.carry = data.slice(whole);
    return Buffer.from(data.slice(0, whole), 'base64');
  }

  /** The bytes of the last, incomplete quantum once the text has ended; undefined when there is none. */
  end(): Buffer | undefined {
    return this.carry ? Buffer.from(this.carry, 'base64') : undefined;
  }

  private decodeUnbroken(text: string): { decoded: Buffer; rest: string } | undefined {
    const data = this.carry + text;
    const whole = data.length - (data.length % 4);
    const decoded = Buffer.from(data.slice(0, whole), 'base64');
    const rest = data.slice(whole);
    if (decoded.length !== (whole / 4) * 3 || !isBase64Text(rest) || /\s/.test(rest)) return undefined;
    return { decoded, rest };
  }
}
