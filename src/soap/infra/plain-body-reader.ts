import type { SaxesTagNS } from 'saxes';

interface PlainNode {
  readonly name: string;
  object?: Record<string, unknown>;
  text?: string;
}

/**
 * Reads the body element's content, during the envelope inspector's one parse, into the object
 * node-soap's `xmlToObject` would give the operation (`{ IdSolicitud: '…', Filtro: { Rfc: '…' } }`),
 * so that a hot read need not be parsed a second time by node-soap.
 *
 * It gives up (`result` is undefined, and node-soap parses the call as before) on everything whose
 * reading by node-soap has a rule of its own: attributes (xsi:nil, xsi:type, href/id references),
 * elements of another namespace than the body element's, empty elements (typed by the schema),
 * mixed content, comments, CDATA and processing instructions (text split in pieces), names that
 * Object.prototype already has, and carriage returns (sax keeps them where saxes normalises them).
 * What it reads is held equal to node-soap's by a test over a corpus of envelopes.
 */
export class PlainBodyReader {
  private readonly nodes: PlainNode[] = [];
  private namespace = '';
  private plain: boolean;
  private read?: Record<string, unknown>;
  private started = false;

  constructor(xml: string) {
    this.plain = !xml.includes('\r');
  }

  /** The operation's input as node-soap would read it; undefined when only node-soap can say. */
  get result(): Record<string, unknown> | undefined {
    return this.plain ? this.read : undefined;
  }

  /** Whether events now belong to the body element's subtree. */
  get reading(): boolean {
    return this.nodes.length > 0;
  }

  /** The body's first element, or one inside it. */
  open(tag: SaxesTagNS): void {
    if (!this.started) {
      this.started = true;
      this.namespace = tag.uri;
    } else if (this.nodes.length === 0) {
      // A second element in the Body: node-soap's choice, not ours.
      this.plain = false;
    } else if (tag.uri !== this.namespace) {
      this.plain = false;
    }
    if (hasAttributes(tag) || tag.local in Object.prototype) this.plain = false;
    const parent = this.nodes.at(-1);
    if (parent !== undefined) {
      if (parent.text !== undefined) this.plain = false;
      parent.object ??= {};
    }
    this.nodes.push({ name: tag.local });
  }

  text(text: string): void {
    const node = this.nodes.at(-1);
    const trimmed = text.trim();
    if (node === undefined || trimmed === '') return;
    if (node.object !== undefined || node.text !== undefined || this.nodes.length === 1) this.plain = false;
    node.text = trimmed;
  }

  close(): void {
    const node = this.nodes.pop();
    if (node === undefined) return;
    const parent = this.nodes.at(-1);
    if (parent === undefined) {
      this.read = node.object ?? {};
      return;
    }
    const value = node.object ?? node.text;
    if (value === undefined || (node.object !== undefined && node.text !== undefined)) this.plain = false;
    const siblings = (parent.object ??= {});
    const earlier = siblings[node.name];
    if (earlier === undefined) siblings[node.name] = value;
    else if (Array.isArray(earlier)) earlier.push(value);
    else siblings[node.name] = [earlier, value];
  }

  /** A comment, CDATA section or processing instruction inside the body element. */
  spoil(): void {
    if (this.reading) this.plain = false;
  }
}

function hasAttributes(tag: SaxesTagNS): boolean {
  for (const attribute of Object.values(tag.attributes)) {
    if (attribute.prefix !== 'xmlns' && attribute.name !== 'xmlns') return true;
  }
  return false;
}
