import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Element } from '@xmldom/xmldom';
import {
  SignatureProblem,
  verifyEnvelopedSignature,
  verifyWsSecurity,
} from '../../../src/sat-simulator/signature';
import { childElements, parseXml } from '../../../src/sat-simulator/xml';

/*
 * The simulator's signature check against requests really signed by phpcfdi and nodecfdi (the shared
 * fixtures, as copied to fixtures/sat): each is accepted as it is, and refused once any single signed
 * character is changed, whichever signed value it sits in.
 */

const fixtures = path.join(__dirname, '../../../fixtures/sat');

/**
 * The fixtures are pretty-printed for reading; what was signed (and what clients send) has no
 * whitespace between elements (notes §4.6, fixtures' SOURCES.md).
 */
function signedFixture(file: string): string {
  return readFileSync(path.join(fixtures, file), 'utf8').replace(/>\s+</g, '><');
}
const SIGNED_REQUESTS = [
  'phpcfdi/query/request-issued.xml',
  'phpcfdi/query/request-received.xml',
  'phpcfdi/query/request-item.xml',
  'phpcfdi/verify/request.xml',
  'phpcfdi/download/request.xml',
  'nodecfdi/query/request-issued.xml',
  'nodecfdi/query/request-received.xml',
  'nodecfdi/query/request-item.xml',
  'nodecfdi/verify/request.xml',
  'nodecfdi/download/request.xml',
  'phpcfdi-v1.4-legacy/query/request-issued.xml',
  'phpcfdi-v1.4-legacy/query/request-received-by-filters.xml',
  'phpcfdi-v1.4-legacy/query/request-received-by-uuid.xml',
];

/** The same character class, one step on: the text stays well-formed XML and the same shape. */
function flip(character: string): string {
  if (/\d/.test(character)) return String((Number(character) + 1) % 10);
  if (/[a-y]/i.test(character)) return String.fromCharCode(character.charCodeAt(0) + 1);
  if (character === 'z') return 'a';
  if (character === 'Z') return 'A';
  return character;
}

/** `xml` with one character changed inside the `occurrence`-th match of `pattern`'s first group. */
function alter(xml: string, pattern: RegExp, label: string): { label: string; xml: string } {
  const match = pattern.exec(xml);
  if (!match?.[1]) throw new Error(`nothing to alter for ${label}`);
  const start = match.index + match[0].indexOf(match[1]);
  const offset = [...match[1]].findIndex((character) => flip(character) !== character);
  const at = start + offset;
  return { label, xml: xml.slice(0, at) + flip(xml.charAt(at)) + xml.slice(at + 1) };
}

function operationOf(xml: string): { operation: Element; parameters: Element } {
  const envelope = parseXml(xml).documentElement as unknown as Element;
  const body = childElements(envelope).find((element) => element.localName === 'Body') as Element;
  const operation = childElements(body)[0] as Element;
  return { operation, parameters: childElements(operation)[0] as Element };
}

function verify(xml: string): string {
  const { operation, parameters } = operationOf(xml);
  return verifyEnvelopedSignature(operation, parameters).subject;
}

/** One altered copy per signed attribute value, plus the digest and the signature value. */
function alterations(xml: string): { label: string; xml: string }[] {
  const start = /<des:(?:solicitud|peticionDescarga) ([^>]*)>/.exec(xml)?.[1] ?? '';
  const attributes = [...start.matchAll(/(\w+)="[^"]*"/g)].map((match) => match[1] as string);
  return [
    ...attributes.map((name) => alter(xml, new RegExp(`<des:\\w+ [^>]*\\b${name}="([^"]+)"`), name)),
    alter(xml, /<DigestValue>([^<]+)</, 'DigestValue'),
    alter(xml, /<SignatureValue>([^<]+)</, 'SignatureValue'),
  ];
}

describe('simulator signature check on real signed requests', () => {
  it.each(SIGNED_REQUESTS)('accepts %s as signed', (file) => {
    const xml = signedFixture(file);
    expect(verify(xml)).toContain('EKU9003173C9');
  });

  it.each(SIGNED_REQUESTS)('refuses %s once any single signed character changes', (file) => {
    const xml = signedFixture(file);
    const altered = alterations(xml);
    expect(altered.length).toBeGreaterThanOrEqual(4);
    for (const { label, xml: changed } of altered) {
      expect(changed).not.toBe(xml);
      expect({
        label,
        outcome: (() => {
          try {
            verify(changed);
            return 'accepted';
          } catch (error) {
            return error instanceof SignatureProblem ? 'refused' : String(error);
          }
        })(),
      }).toEqual({ label, outcome: 'refused' });
    }
  });

  it('accepts the Autentica WS-Security signature and refuses it once the Timestamp or signature changes', () => {
    const xml = signedFixture('phpcfdi/authenticate/request.xml');
    const envelope = (text: string): Element => parseXml(text).documentElement as unknown as Element;
    const accepted = verifyWsSecurity(envelope(xml));
    expect(accepted.certificate.subject).toContain('EKU9003173C9');
    expect(accepted.expires.getTime()).toBeGreaterThan(accepted.created.getTime());
    for (const { label, xml: changed } of [
      alter(xml, /<u:Created>([^<]+)</, 'Created'),
      alter(xml, /<u:Expires>([^<]+)</, 'Expires'),
      alter(xml, /<DigestValue>([^<]+)</, 'DigestValue'),
      alter(xml, /<SignatureValue>([^<]+)</, 'SignatureValue'),
    ]) {
      expect({
        label,
        refused: (() => {
          try {
            verifyWsSecurity(envelope(changed));
            return false;
          } catch (error) {
            return error instanceof SignatureProblem;
          }
        })(),
      }).toEqual({ label, refused: true });
    }
  });
});
