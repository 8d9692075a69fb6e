import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { ValidationError } from '../../errors';
import { MAX_ENVELOPE_DEPTH, type QualifiedName } from '../infra/envelope-inspector';
import { malformedEnvelope, soapErrors } from '../infra/soap-errors';
import { type SoapVersion, versionOfEnvelopeNamespace } from '../infra/soap-version';

export interface RequestorScanLimits {
  /** Bytes of an unauthenticated body that are ever read; the Requestor must end within them. */
  readonly maxHeadBytes: number;
  /** A Requestor longer than this cannot be a GUID (36, or 38 with braces) and is not looked up. */
  readonly maxRequestorChars: number;
}

/** What the head of a MYSuite body told so far. */
export type HeadScan =
  | { readonly state: 'reading' }
  | {
      readonly state: 'found';
      readonly version: SoapVersion;
      readonly operation: QualifiedName;
      /** The Requestor's text, trimmed; undefined when it cannot be a credential (too long, has markup). */
      readonly requestor: string | undefined;
    }
  | {
      /** The head bound was reached before a complete Requestor. */
      readonly state: 'exhausted';
      readonly version: SoapVersion | undefined;
      readonly operation: QualifiedName | undefined;
    };

const READING: HeadScan = Object.freeze({ state: 'reading' });

/**
 * Reads the beginning of a MYSuite request with a streaming, entity-free parser, only far enough to
 * find `Envelope/Body/<operation>/Requestor`. It never holds more than `maxHeadBytes` of input (so no
 * attribute or text it meets can be bigger), and refuses what is not an XML SOAP envelope the way the
 * envelope inspector would.
 */
export class RequestorScanner {
  private readonly parser = new SaxesParser({ xmlns: true, position: false });
  private readonly decoder = new StringDecoder('utf8');
  private readonly stack: SaxesTagNS[] = [];
  private bytes = 0;
  private version: SoapVersion | undefined;
  private operation: QualifiedName | undefined;
  private requestorText: string | undefined;
  private requestorHasMarkup = false;
  private result: HeadScan = READING;

  constructor(private readonly limits: RequestorScanLimits) {
    this.parser.on('error', (error) => {
      throw malformedEnvelope(error);
    });
    this.parser.on('doctype', () => {
      throw new ValidationError(soapErrors.dtdForbidden);
    });
    this.parser.on('opentag', (tag) => this.open(tag));
    this.parser.on('text', (text) => {
      if (this.requestorText !== undefined) this.requestorText += text;
    });
    this.parser.on('cdata', (text) => {
      if (this.requestorText !== undefined) this.requestorText += text;
    });
    this.parser.on('closetag', () => this.close());
  }

  /** Feeds the next bytes of the body; only the part within the head bound is read. */
  write(chunk: Buffer): HeadScan {
    if (this.result.state !== 'reading') return this.result;
    const room = this.limits.maxHeadBytes - this.bytes;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.bytes += part.length;
    // saxes drops a UTF-8 byte-order mark itself; UTF-16 is not read (as by the envelope guard).
    const text = this.decoder.write(part);
    if (text !== '') this.parser.write(text);
    // Exhausted only by a byte past the bound, so a body exactly as long as the bound is read whole.
    if (this.result.state === 'reading' && chunk.length > room) {
      this.result = { state: 'exhausted', version: this.version, operation: this.operation };
    }
    return this.result;
  }

  private open(tag: SaxesTagNS): void {
    if (this.result.state !== 'reading') return;
    const depth = this.stack.length;
    this.stack.push(tag);
    if (depth >= MAX_ENVELOPE_DEPTH) throw malformedEnvelope();
    if (this.requestorText !== undefined) this.requestorHasMarkup = true;
    if (depth === 0) {
      this.version = tag.local === 'Envelope' ? versionOfEnvelopeNamespace(tag.uri) : undefined;
      if (this.version === undefined) throw malformedEnvelope();
      return;
    }
    const parent = this.stack[depth - 1];
    if (depth === 2 && parent.local === 'Body' && this.operation === undefined) {
      this.operation = { namespace: tag.uri, localName: tag.local };
    }
    if (depth === 3 && tag.local === 'Requestor' && this.inOperation()) this.requestorText = '';
  }

  private close(): void {
    this.stack.pop();
    if (this.result.state !== 'reading' || this.requestorText === undefined || this.stack.length !== 3)
      return;
    const text = this.requestorText.trim();
    const usable = !this.requestorHasMarkup && text.length <= this.limits.maxRequestorChars;
    this.result = {
      state: 'found',
      version: this.version as SoapVersion,
      operation: this.operation as QualifiedName,
      requestor: usable ? text : undefined,
    };
    this.requestorText = undefined;
  }

  /** The element being opened is a child of the Body's first element. */
  private inOperation(): boolean {
    const [envelope, body, operation] = this.stack;
    return (
      this.operation !== undefined &&
      body?.local === 'Body' &&
      body.uri === envelope?.uri &&
      operation?.local === this.operation.localName &&
      operation.uri === this.operation.namespace
    );
  }
}
