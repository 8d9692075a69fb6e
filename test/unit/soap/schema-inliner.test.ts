import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser, XMLSerializer, type Element } from '@xmldom/xmldom';
import { WSDL } from 'soap';
import { ConfigError } from '../../../src/errors';
import { inlineLocalSchemas } from '../../../src/soap/infra/schema-inliner';

const root = path.join(__dirname, '../../..');
const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const XS = 'http://www.w3.org/2001/XMLSchema';
const XMLNS = 'http://www.w3.org/2000/xmlns/';
const schemas = path.join(root, 'fixtures/schemas');

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'dm-inliner-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function contract(file: string): [string, Map<string, string>] {
  const wsdl = readFileSync(path.join(root, file), 'utf8');
  const xsd = file.replace(/\.wsdl$/, '.xsd');
  const documents = new Map([[path.basename(file), wsdl]]);
  try {
    documents.set(path.basename(xsd), readFileSync(path.join(root, xsd), 'utf8'));
  } catch {
    // a WSDL with its schema inline has no sibling
  }
  return [wsdl, documents];
}

function xmllint(args: string[]): { ok: boolean; output: string } {
  const result = spawnSync('xmllint', ['--nonet', '--noout', ...args], {
    encoding: 'utf8',
    env: { ...process.env, XML_CATALOG_FILES: path.join(schemas, 'catalog.xml') },
  });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

function write(name: string, text: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, text);
  return file;
}

function schemasIn(wsdlText: string): Element[] {
  const document = new DOMParser().parseFromString(wsdlText, 'text/xml');
  const types = document.getElementsByTagNameNS(WSDL_NS, 'types')[0] as Element;
  return Array.from(types.childNodes).filter(
    (node): node is Element => node.nodeType === 1 && (node as Element).namespaceURI === XS,
  );
}

/** One inlined xs:schema as a standalone file, with the namespaces the WSDL puts in scope. */
function standalone(schema: Element): string {
  const copy = schema.cloneNode(true) as Element;
  for (const attribute of Array.from((schema.parentNode?.parentNode as Element).attributes)) {
    if (attribute.namespaceURI === XMLNS && !copy.hasAttribute(attribute.name))
      copy.setAttributeNS(XMLNS, attribute.name, attribute.value);
  }
  return new XMLSerializer().serializeToString(copy);
}

function parsesWithNodeSoap(text: string): Promise<string[]> {
  return new Promise((done, fail) => {
    const wsdl = new WSDL(text, path.join(scratch, 'served.wsdl'), {});
    wsdl.onReady((error?: unknown) => {
      if (error) fail(error);
      else done(Object.keys(wsdl.definitions.messages));
    });
  });
}

describe('inlineLocalSchemas on wsdl/DescargaMasiva.wsdl', () => {
  const [wsdl, documents] = contract('wsdl/DescargaMasiva.wsdl');
  const served = inlineLocalSchemas(wsdl, documents, 'DescargaMasiva.wsdl');

  it('replaces the import-only schema with the XSD itself, without its XML declaration', () => {
    expect(served).not.toContain('schemaLocation');
    expect(served.match(/<\?xml /g)).toHaveLength(1);
    const [schema, ...others] = schemasIn(served);
    expect(others).toEqual([]);
    expect(schema?.getAttribute('targetNamespace')).toBe('urn:descarga-masiva:v1');
    expect(schema?.getElementsByTagNameNS(XS, 'import')).toHaveLength(0);
    const declared = Array.from(schema?.childNodes ?? [])
      .filter((node) => (node as Element).localName === 'element')
      .map((node) => (node as Element).getAttribute('name'));
    expect(declared).toEqual(
      expect.arrayContaining(['RegistrarSolicitud', 'ConsultarConciliacionResponse', 'Falla']),
    );
    // The rest of the WSDL is as written.
    expect(served).toContain('<wsdl:message name="FallaException">');
    expect(served).toContain('<soap:address location="http://localhost:8080/soap/DescargaMasiva"/>');
  });

  it('is still a valid WSDL 1.1 document whose inline schema is the contract (xmllint)', () => {
    const verdict = xmllint(['--schema', path.join(schemas, 'wsdl11.xsd'), write('served.wsdl', served)]);
    expect(verdict.output).toContain('validates');
    const xsd = write('inlined.xsd', standalone(schemasIn(served)[0] as Element));
    const body = write(
      'body.xml',
      '<RecuperarSolicitud xmlns="urn:descarga-masiva:v1"><IdSolicitud>x</IdSolicitud></RecuperarSolicitud>',
    );
    expect(xmllint(['--schema', xsd, body]).output).toContain('validates');
    const wrong = write(
      'wrong.xml',
      '<RecuperarSolicitud xmlns="urn:descarga-masiva:v1"><Otro/></RecuperarSolicitud>',
    );
    expect(xmllint(['--schema', xsd, wrong]).ok).toBe(false);
  });

  it('is read by node-soap without the XSD beside it', async () => {
    expect(await parsesWithNodeSoap(served)).toContain('FallaException');
  });
});

describe('inlineLocalSchemas in general', () => {
  const xsd = (namespace: string, body = ''): string =>
    `<?xml version="1.0"?>\n<!-- ${namespace} -->\n<xs:schema xmlns:xs="${XS}" targetNamespace="${namespace}">${body}</xs:schema>`;
  const wsdlWith = (types: string, attributes = ''): string =>
    `<?xml version="1.0"?><wsdl:definitions xmlns:wsdl="${WSDL_NS}" xmlns:xs="${XS}"${attributes}>` +
    `<wsdl:types>${types}</wsdl:types><wsdl:portType name="P"/></wsdl:definitions>`;

  it('leaves a WSDL without local imports byte for byte as it is (FactWSFront)', () => {
    const [wsdl, documents] = contract('wsdl/FactWSFront.wsdl');
    expect(inlineLocalSchemas(wsdl, documents, 'FactWSFront.wsdl')).toBe(wsdl);
    const remote = wsdlWith(
      `<xs:schema><xs:import namespace="urn:b" schemaLocation="http://x/b.xsd"/></xs:schema>`,
    );
    expect(inlineLocalSchemas(remote, new Map([['b.xsd', xsd('urn:b')]]), 'w')).toBe(remote);
  });

  it('follows imports between sibling schemas, inlining each once, and keeps their comments', () => {
    const a = xsd('urn:a', `<xs:import namespace="urn:b" schemaLocation="b.xsd"/><xs:element name="A"/>`);
    const b = xsd('urn:b', `<xs:import namespace="urn:a" schemaLocation="a.xsd"/><xs:element name="B"/>`);
    const wsdl = wsdlWith(`<xs:schema><xs:import namespace="urn:a" schemaLocation="a.xsd"/></xs:schema>`);
    const served = inlineLocalSchemas(
      wsdl,
      new Map([
        ['a.xsd', a],
        ['b.xsd', b],
      ]),
      'w',
    );
    expect(schemasIn(served).map((schema) => schema.getAttribute('targetNamespace'))).toEqual([
      'urn:a',
      'urn:b',
    ]);
    expect(served).not.toContain('schemaLocation');
    // Each keeps its namespace import: within one wsdl:types the namespace is enough.
    expect(served).toContain('<xs:import namespace="urn:b"/>');
    expect(served).toContain('<!-- urn:b -->');
  });

  it('keeps a schema that declares more than imports, and its other imports as they are', () => {
    const wsdl = wsdlWith(
      `<xs:schema targetNamespace="urn:w"><xs:import namespace="urn:a" schemaLocation="a.xsd"/>` +
        `<xs:import namespace="urn:r" schemaLocation="http://x/r.xsd"/><xs:element name="W"/></xs:schema>`,
    );
    const served = inlineLocalSchemas(wsdl, new Map([['a.xsd', xsd('urn:a')]]), 'w');
    expect(schemasIn(served).map((schema) => schema.getAttribute('targetNamespace'))).toEqual([
      'urn:w',
      'urn:a',
    ]);
    expect(served).toContain('<xs:import namespace="urn:a"/>');
    expect(served).toContain('schemaLocation="http://x/r.xsd"');
  });

  it('keeps a WSDL default namespace from reaching into a schema that never had one', () => {
    const wsdl = wsdlWith(
      `<xs:schema><xs:import namespace="urn:a" schemaLocation="a.xsd"/></xs:schema>`,
      ` xmlns="${WSDL_NS}"`,
    );
    const served = inlineLocalSchemas(
      wsdl,
      new Map([['a.xsd', xsd('urn:a', '<xs:element name="A" type="T"/>')]]),
      'w',
    );
    const [schema] = schemasIn(served);
    expect(schema?.lookupNamespaceURI(null)).toBeNull();
    const kept = wsdlWith(`<xs:schema><xs:import namespace="urn:a" schemaLocation="a.xsd"/></xs:schema>`);
    expect(inlineLocalSchemas(kept, new Map([['a.xsd', xsd('urn:a')]]), 'w')).not.toContain('xmlns=""');
  });

  it('refuses, as a configuration error, a sibling that is not a schema', () => {
    const wsdl = wsdlWith(`<xs:schema><xs:import namespace="urn:a" schemaLocation="a.xsd"/></xs:schema>`);
    expect(() => inlineLocalSchemas(wsdl, new Map([['a.xsd', '<nada/>']]), 'w')).toThrow(ConfigError);
    expect(() => inlineLocalSchemas(wsdl, new Map([['a.xsd', '<xs:schema']]), 'w')).toThrow(ConfigError);
  });
});
