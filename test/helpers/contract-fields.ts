import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';

/*
 * The input elements of a WSDL's operations, read straight from the WSDL and its XSD with a plain DOM
 * walk: an oracle independent of node-soap and of the service's own reading, so that a field the
 * service forgot to type-check is still fuzzed.
 */

const XS = 'http://www.w3.org/2001/XMLSchema';
const WSDL = 'http://schemas.xmlsoap.org/wsdl/';

export type LeafType =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'enumeration'; readonly values: readonly string[] }
  | { readonly kind: 'date-time' }
  | { readonly kind: 'text' };

export interface XsdNode {
  readonly name: string;
  readonly required: boolean;
  readonly repeatable: boolean;
  readonly leaf?: LeafType;
  readonly children?: readonly XsdNode[];
}

export interface Operation {
  readonly name: string;
  readonly namespace: string;
  readonly input: XsdNode;
}

export interface TypedField {
  readonly operation: string;
  /** Element names from the operation element down, e.g. ['Filtro', 'PeriodoDesde']. */
  readonly path: readonly string[];
  readonly node: XsdNode;
  readonly type: Exclude<LeafType, { kind: 'text' }>;
}

const INT_RANGES: Record<string, [number, number]> = {
  int: [-2_147_483_648, 2_147_483_647],
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  short: [-32_768, 32_767],
  integer: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function parse(file: string): Element {
  const root = new DOMParser().parseFromString(readFileSync(file, 'utf8'), 'text/xml').documentElement;
  if (!root) throw new Error(`cannot read ${file}`);
  return root;
}

function children(parent: Element, namespace: string, name?: string): Element[] {
  return Array.from(parent.childNodes).filter(
    (node): node is Element =>
      node.nodeType === 1 &&
      (node as Element).namespaceURI === namespace &&
      (name === undefined || (node as Element).localName === name),
  );
}

function local(qualified: string): string {
  return qualified.slice(qualified.indexOf(':') + 1);
}

function isBuiltin(element: Element, qualified: string): boolean {
  const prefix = qualified.includes(':') ? qualified.slice(0, qualified.indexOf(':')) : '';
  return element.lookupNamespaceURI(prefix || null) === XS;
}

class Schema {
  private readonly simpleTypes = new Map<string, Element>();
  private readonly complexTypes = new Map<string, Element>();
  readonly elements = new Map<string, Element>();

  constructor(root: Element) {
    for (const element of children(root, XS, 'simpleType'))
      this.simpleTypes.set(element.getAttribute('name') ?? '', element);
    for (const element of children(root, XS, 'complexType'))
      this.complexTypes.set(element.getAttribute('name') ?? '', element);
    for (const element of children(root, XS, 'element'))
      this.elements.set(element.getAttribute('name') ?? '', element);
  }

  node(element: Element): XsdNode {
    const name = element.getAttribute('name') ?? '';
    const required = (element.getAttribute('minOccurs') ?? '1') !== '0';
    const max = element.getAttribute('maxOccurs') ?? '1';
    const repeatable = max === 'unbounded' || Number(max) > 1;
    const type = element.getAttribute('type');
    const base = { name, required, repeatable };
    if (type) {
      if (isBuiltin(element, type)) return { ...base, leaf: this.builtin(local(type), {}) };
      const simple = this.simpleTypes.get(local(type));
      if (simple) return { ...base, leaf: this.simple(simple) };
      const complex = this.complexTypes.get(local(type));
      if (complex) return { ...base, children: this.complex(complex) };
      throw new Error(`unknown type ${type} of ${name}`);
    }
    const [inlineSimple] = children(element, XS, 'simpleType');
    if (inlineSimple) return { ...base, leaf: this.simple(inlineSimple) };
    const [inlineComplex] = children(element, XS, 'complexType');
    if (inlineComplex) return { ...base, children: this.complex(inlineComplex) };
    return { ...base, leaf: { kind: 'text' } };
  }

  private complex(type: Element): XsdNode[] {
    const nodes: XsdNode[] = [];
    for (const content of children(type, XS, 'complexContent')) {
      for (const extension of children(content, XS, 'extension')) {
        const baseType = this.complexTypes.get(local(extension.getAttribute('base') ?? ''));
        if (baseType) nodes.push(...this.complex(baseType));
        nodes.push(...this.particles(extension));
      }
    }
    nodes.push(...this.particles(type));
    return nodes;
  }

  private particles(parent: Element): XsdNode[] {
    return ['sequence', 'all', 'choice'].flatMap((group) =>
      children(parent, XS, group).flatMap((particle) =>
        children(particle, XS, 'element').map((element) => this.node(element)),
      ),
    );
  }

  private simple(type: Element): LeafType {
    const [restriction] = children(type, XS, 'restriction');
    if (!restriction) return { kind: 'text' };
    const facet = (name: string): string[] =>
      children(restriction, XS, name).map((element) => element.getAttribute('value') ?? '');
    const baseName = restriction.getAttribute('base') ?? '';
    const values = facet('enumeration');
    if (values.length > 0) return { kind: 'enumeration', values };
    if (facet('pattern').some((pattern) => pattern.startsWith('\\d{4}-\\d{2}-\\d{2}T')))
      return { kind: 'date-time' };
    const bounds = {
      min: facet('minInclusive').map(Number)[0],
      max: facet('maxInclusive').map(Number)[0],
    };
    if (isBuiltin(restriction, baseName)) return this.builtin(local(baseName), bounds);
    const named = this.simpleTypes.get(local(baseName));
    return named ? this.simple(named) : { kind: 'text' };
  }

  private builtin(name: string, bounds: { min?: number; max?: number }): LeafType {
    if (name === 'boolean') return { kind: 'boolean' };
    const range = INT_RANGES[name];
    if (range) return { kind: 'integer', min: bounds.min ?? range[0], max: bounds.max ?? range[1] };
    return { kind: 'text' };
  }
}

/** Every operation of the WSDL's port types, with its input element as a tree from the XSD. */
export function readOperations(wsdlPath: string): Operation[] {
  const wsdl = parse(wsdlPath);
  const [types] = children(wsdl, WSDL, 'types');
  const imported = types
    ? children(types, XS, 'schema').flatMap((schema) => children(schema, XS, 'import'))
    : [];
  const schemas = imported.map(
    (element) =>
      new Schema(parse(path.join(path.dirname(wsdlPath), element.getAttribute('schemaLocation') ?? ''))),
  );
  const namespace = wsdl.getAttribute('targetNamespace') ?? '';
  const messages = new Map(
    children(wsdl, WSDL, 'message').map((message) => [
      message.getAttribute('name') ?? '',
      local(children(message, WSDL, 'part')[0]?.getAttribute('element') ?? ''),
    ]),
  );
  return children(wsdl, WSDL, 'portType').flatMap((portType) =>
    children(portType, WSDL, 'operation').map((operation) => {
      const message = local(children(operation, WSDL, 'input')[0]?.getAttribute('message') ?? '');
      const elementName = messages.get(message) ?? '';
      const element = schemas.map((schema) => schema.elements.get(elementName)).find(Boolean);
      if (!element) throw new Error(`no input element for ${operation.getAttribute('name')}`);
      return { name: operation.getAttribute('name') ?? '', namespace, input: schemas[0]!.node(element) };
    }),
  );
}

/** The typed (boolean, integer, enumeration, date-time) fields under an operation's input, at any depth. */
export function typedFields(operation: Operation): TypedField[] {
  const walk = (node: XsdNode, trail: string[]): TypedField[] => {
    if (node.children) return node.children.flatMap((child) => walk(child, [...trail, child.name]));
    if (!node.leaf || node.leaf.kind === 'text') return [];
    return [{ operation: operation.name, path: trail, node, type: node.leaf }];
  };
  return walk(operation.input, []);
}

/** A value its type accepts, for required siblings of a field under test. */
export function sampleValue(type: LeafType): string {
  switch (type.kind) {
    case 'boolean':
      return 'true';
    case 'integer':
      return String(Math.max(type.min, 1));
    case 'enumeration':
      return type.values[0] ?? '';
    case 'date-time':
      return '2026-01-01T00:00:00';
    case 'text':
      return 'x';
  }
}

/** The elements ConsultarCfdi's `Cfdi` gained within v1, in contract order: optional, at its end. */
export const CFDI_FIELDS_ADDED_IN_V1: readonly string[] = [
  'RfcPac',
  'RfcACuentaTerceros',
  'NombreACuentaTerceros',
  'Version',
  'TipoComprobante',
  'Serie',
  'Folio',
  'Fecha',
  'FechaTimbrado',
  'SubTotal',
  'Descuento',
  'Total',
  'Moneda',
  'TipoCambio',
  'MetodoPago',
  'FormaPago',
  'UsoCfdi',
  'LugarExpedicion',
  'Complementos',
];
