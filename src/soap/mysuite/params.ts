import { DOMParser, type Element } from '@xmldom/xmldom';
import { SaxesParser } from 'saxes';
import { invalidField } from '../../errors';

/**
 * Base64 parameter documents are small (the biggest real one, an inline e.firma, is about 180 KB);
 * anything bigger is refused before decoding.
 */
export const MAX_PARAMETER_BASE64_CHARS = 512 * 1024;
/** A Dictionary or Filters document is two levels deep; deep nesting only serves to exhaust a parser. */
export const MAX_PARAMETER_DEPTH = 32;

/**
 * A streaming pass that stops at the first element nested too deep, before the tree parser (which
 * builds every level, and took seconds and hundreds of MB on a document 190k levels deep) sees it.
 */
function checkDepth(field: string, xml: string): void {
  const parser = new SaxesParser({ position: false });
  let depth = 0;
  parser.on('opentag', () => {
    depth += 1;
    if (depth > MAX_PARAMETER_DEPTH) {
      throw invalidField(field, `nested deeper than ${MAX_PARAMETER_DEPTH} levels`);
    }
  });
  parser.on('closetag', () => {
    depth -= 1;
  });
  parser.on('error', () => {
    throw invalidField(field, 'not well-formed XML');
  });
  parser.write(xml).close();
}

/**
 * Decodes a Base64 XML parameter and parses it with no DTD allowed: a DOCTYPE (external entities,
 * entity expansion) is refused outright rather than ignored.
 */
function parseBase64Xml(field: string, base64: string): Element {
  if (base64.length > MAX_PARAMETER_BASE64_CHARS) {
    throw invalidField(field, `larger than ${MAX_PARAMETER_BASE64_CHARS} Base64 characters`);
  }
  if (!/^[A-Za-z0-9+/=\s]*$/.test(base64)) throw invalidField(field, 'not Base64');
  const xml = Buffer.from(base64, 'base64').toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw invalidField(field, 'DTDs are not accepted');
  checkDepth(field, xml);
  let failed = false;
  let root: Element | null = null;
  try {
    root = new DOMParser({
      onError: () => {
        failed = true;
      },
    }).parseFromString(xml, 'text/xml').documentElement;
  } catch {
    // xmldom reports some errors to onError and throws on fatal ones.
    failed = true;
  }
  if (failed || !root) throw invalidField(field, 'not well-formed XML');
  return root;
}

function elements(parent: Element, name: string): Element[] {
  return Array.from(parent.childNodes).filter(
    (node): node is Element => node.nodeType === 1 && (node as Element).localName === name,
  );
}

/** `Data1`: `<Dictionary name="Params"><Entry k="..." v="..."/>...</Dictionary>`, keys case-insensitive. */
export function parseDictionary(base64: string | undefined): Map<string, string> {
  const entries = new Map<string, string>();
  if (!base64?.trim()) return entries;
  const root = parseBase64Xml('Data1', base64.trim());
  if (root.localName !== 'Dictionary') throw invalidField('Data1', 'expected a <Dictionary> element');
  for (const entry of elements(root, 'Entry')) {
    const key = entry.getAttribute('k');
    if (key) entries.set(key.toLowerCase(), entry.getAttribute('v') ?? '');
  }
  return entries;
}

export interface MySuiteFilter {
  readonly name: string;
  readonly oper: string;
  readonly value1: string;
  readonly value2: string;
}

/** The `Filters` key: Base64 `<Filters><Filter Name="" Oper="" Value1="" Value2=""/>...</Filters>`. */
export function parseFilters(base64: string | undefined): MySuiteFilter[] {
  if (!base64?.trim()) return [];
  const root = parseBase64Xml('Filters', base64.trim());
  if (root.localName !== 'Filters') throw invalidField('Filters', 'expected a <Filters> element');
  return elements(root, 'Filter').map((filter) => ({
    name: filter.getAttribute('Name') ?? '',
    oper: (filter.getAttribute('Oper') ?? '').trim().toUpperCase(),
    value1: filter.getAttribute('Value1') ?? '',
    value2: filter.getAttribute('Value2') ?? '',
  }));
}
