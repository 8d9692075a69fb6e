import { DOMParser, XMLSerializer, type Document, type Element, type Node } from '@xmldom/xmldom';
import { ConfigError, generalErrors } from '../../errors';

const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
const ELEMENT_NODE = 1;
const COMMENT_NODE = 8;

function elementChildren(parent: Node): Element[] {
  return Array.from(parent.childNodes).filter((node): node is Element => node.nodeType === ELEMENT_NODE);
}

function isXsd(node: Element, localName: string): boolean {
  return node.namespaceURI === XSD_NS && node.localName === localName;
}

function parse(text: string, source: string): Document {
  try {
    return new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(text, 'text/xml');
  } catch (error) {
    throw new ConfigError(generalErrors.configInvalid, {
      params: { variable: source, reason: 'XML ilegible / unreadable XML' },
      cause: error,
    });
  }
}

/**
 * The served form of a WSDL whose `wsdl:types` import schema files from beside it: each such schema is
 * copied into `wsdl:types` (and the schemas it imports from beside it, in turn), the imports keep only
 * their namespace, and a `<xs:schema>` that did nothing but import them is dropped. Generated clients then
 * get the whole contract in one document: mono svcutil, given a WSDL importing its XSD by an absolute
 * URL, loads that schema a second time and gives up ("already declared"); files on disk stay as written.
 * `documents` holds the files that may be inlined, by the name the imports use. `xs:include` is left as it
 * is (no contract of ours uses it). Returns the text unchanged when nothing was inlined.
 */
export function inlineLocalSchemas(
  wsdlText: string,
  documents: ReadonlyMap<string, string>,
  source: string,
): string {
  const wsdl = parse(wsdlText, source);
  const definitions = wsdl.documentElement;
  const types =
    definitions === null
      ? undefined
      : elementChildren(definitions).find(
          (node) => node.namespaceURI === WSDL_NS && node.localName === 'types',
        );
  if (types === undefined) return wsdlText;

  const isLocal = (location: string | null): location is string =>
    location !== null && /\.xsd$/i.test(location) && documents.has(location);
  const pending: string[] = [];
  /** Drops the location of each import of a file we inline (it is inlined too); true if all were such. */
  const detachLocalImports = (schema: Element): boolean => {
    let onlyLocalImports = true;
    for (const child of elementChildren(schema)) {
      const location = isXsd(child, 'import') ? child.getAttribute('schemaLocation') : null;
      if (isLocal(location)) {
        pending.push(location);
        child.removeAttribute('schemaLocation');
      } else {
        onlyLocalImports = false;
      }
    }
    return onlyLocalImports;
  };

  let anchor: Node | null = null;
  for (const schema of elementChildren(types).filter((node) => isXsd(node, 'schema'))) {
    const before = pending.length;
    const onlyLocalImports = detachLocalImports(schema);
    if (pending.length === before) continue;
    anchor ??= schema.nextSibling;
    // A schema that only pointed at those files declares nothing once they are here.
    if (onlyLocalImports) types.removeChild(schema);
  }
  if (pending.length === 0) return wsdlText;

  // The XSD never declared a default namespace; the WSDL around it must not lend it one.
  const defaultNamespace = types.lookupNamespaceURI(null);
  const inlined = new Set<string>();
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    if (inlined.has(name)) continue;
    inlined.add(name);
    const xsd = parse(documents.get(name) as string, name);
    const root = xsd.documentElement;
    if (root === null || !isXsd(root, 'schema')) {
      throw new ConfigError(generalErrors.configInvalid, {
        params: { variable: name, reason: 'no es un xs:schema / not an xs:schema' },
      });
    }
    detachLocalImports(root);
    if (defaultNamespace && !root.hasAttribute('xmlns')) root.setAttribute('xmlns', '');
    // The comments before the root say what the schema is; the XML declaration is not the WSDL's to have.
    for (const node of Array.from(xsd.childNodes)) {
      if (node.nodeType === COMMENT_NODE || node === root) {
        types.insertBefore(wsdl.importNode(node, true), anchor);
      }
    }
  }
  return new XMLSerializer().serializeToString(wsdl);
}
