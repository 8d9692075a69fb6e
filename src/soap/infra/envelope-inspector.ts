import { SaxesParser, type SaxesTagNS } from 'saxes';
import { ValidationError } from '../../errors';
import { PlainBodyReader } from './plain-body-reader';
import { malformedEnvelope, soapErrors } from './soap-errors';
import { type SoapVersion, versionOfEnvelopeNamespace } from './soap-version';

/** The WS-Security UsernameToken as it came, before any check. */
export interface UsernameTokenFields {
  username?: string;
  password?: string;
  passwordType?: string;
  nonce?: string;
  nonceEncoding?: string;
  created?: string;
}

export interface QualifiedName {
  readonly namespace: string;
  readonly localName: string;
}

/** What the SOAP layer needs to know about an envelope before node-soap sees it. */
export interface EnvelopeSummary {
  readonly version: SoapVersion;
  readonly bodyElement?: QualifiedName;
  readonly usernameToken?: UsernameTokenFields;
  /** Whether the SOAP header holds a (WS-)Security element, with a UsernameToken or not. */
  readonly securityHeader: boolean;
  /** Where the envelope's Header element is in the text: [start, end) in UTF-16 code units. */
  readonly header?: { readonly start: number; readonly end: number };
  /** The body element's content as node-soap would read it, when that is plain (`PlainBodyReader`). */
  readonly plainBody?: Record<string, unknown>;
}

/**
 * The envelope without its Header element, for node-soap: every header we honour (the WS-Security
 * UsernameToken) was read here already, and node-soap's parse of a PasswordDigest header made such a
 * call cost a quarter more than the same call with HTTP Basic.
 */
export function withoutHeader(xml: string, summary: EnvelopeSummary): string {
  return summary.header ? xml.slice(0, summary.header.start) + xml.slice(summary.header.end) : xml;
}

// Deep enough for any real request of our contracts; deeper nesting only serves to exhaust a parser.
export const MAX_ENVELOPE_DEPTH = 64;
// Names that reach Object.prototype when node-soap turns elements into keys (it crashes on them today);
// refused here so no later version can let them pollute a handler's input.
const PROTOTYPE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const TOKEN_FIELDS: Readonly<Record<string, keyof UsernameTokenFields>> = {
  Username: 'username',
  Password: 'password',
  Nonce: 'nonce',
  Created: 'created',
};

/** Cheap scan run before any parser: an envelope never needs a DTD, so none is ever read. */
export function assertNoDtd(xml: string): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new ValidationError(soapErrors.dtdForbidden);
}

/**
 * Reads the envelope once with a non-validating, entity-free parser: checks it is well-formed and a
 * SOAP envelope, and picks out the body's first element and the UsernameToken.
 */
export function inspectEnvelope(xml: string): EnvelopeSummary {
  assertNoDtd(xml);
  const parser = new SaxesParser({ xmlns: true });
  const stack: SaxesTagNS[] = [];
  let version: SoapVersion | undefined;
  let bodyElement: QualifiedName | undefined;
  let token: UsernameTokenFields | undefined;
  let securityHeader = false;
  let tokenField: keyof UsernameTokenFields | undefined;
  let headerStart: number | undefined;
  let header: { start: number; end: number } | undefined;
  const body = new PlainBodyReader(xml);

  parser.on('error', (error) => {
    throw malformedEnvelope(error);
  });
  parser.on('doctype', () => {
    throw new ValidationError(soapErrors.dtdForbidden);
  });
  parser.on('opentag', (tag) => {
    const depth = stack.length;
    stack.push(tag);
    if (depth >= MAX_ENVELOPE_DEPTH || PROTOTYPE_NAMES.has(tag.local)) throw malformedEnvelope();
    for (const attribute of Object.values(tag.attributes)) {
      if (PROTOTYPE_NAMES.has(attribute.local)) throw malformedEnvelope();
    }
    if (depth === 0) {
      version = tag.local === 'Envelope' ? versionOfEnvelopeNamespace(tag.uri) : undefined;
      if (version === undefined) throw malformedEnvelope();
      return;
    }
    const parent = stack[depth - 1];
    // A start tag holds no raw '<' (not even in attribute values), so the last one before its end starts it.
    if (depth === 1 && inHeader(stack)) headerStart = xml.lastIndexOf('<', parser.position - 1);
    if (depth === 2 && parent.local === 'Body' && bodyElement === undefined) {
      bodyElement = { namespace: tag.uri, localName: tag.local };
    }
    if (body.reading || (depth === 2 && parent.local === 'Body')) body.open(tag);
    if (depth === 2 && tag.local === 'Security' && inHeader(stack)) securityHeader = true;
    if (depth === 3 && tag.local === 'UsernameToken' && parent.local === 'Security' && inHeader(stack)) {
      token = {};
    }
    if (depth === 4 && token !== undefined && parent.local === 'UsernameToken') {
      tokenField = TOKEN_FIELDS[tag.local];
      if (tokenField === 'password') token.passwordType = tag.attributes.Type?.value;
      if (tokenField === 'nonce') token.nonceEncoding = tag.attributes.EncodingType?.value;
    }
  });
  parser.on('text', (text) => {
    if (body.reading) body.text(text);
    if (token !== undefined && tokenField !== undefined) token[tokenField] = (token[tokenField] ?? '') + text;
  });
  parser.on('closetag', () => {
    if (body.reading) body.close();
    if (stack.length === 2 && headerStart !== undefined && header === undefined && inHeader(stack)) {
      header = { start: headerStart, end: parser.position };
    }
    stack.pop();
    tokenField = undefined;
  });
  parser.on('comment', () => body.spoil());
  parser.on('cdata', () => body.spoil());
  parser.on('processinginstruction', () => body.spoil());
  parser.write(xml).close();
  if (version === undefined) throw malformedEnvelope();
  const plainBody = body.result;
  return {
    version,
    bodyElement,
    usernameToken: token,
    securityHeader,
    ...(header ? { header } : {}),
    ...(plainBody ? { plainBody } : {}),
  };
}

function inHeader(stack: readonly SaxesTagNS[]): boolean {
  return stack[1]?.local === 'Header' && stack[1].uri === stack[0].uri;
}
