import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser, XMLSerializer, type Element } from '@xmldom/xmldom';

// Validates the contract files against the WSDL 1.1 and XML Schema schemas with xmllint, offline: the
// schemas live in fixtures/schemas/ (sources and licences in its README.md) and a catalog maps the one
// network location they import (xml.xsd) to the local copy.

const root = path.join(__dirname, '../../..');
const schemas = path.join(root, 'fixtures/schemas');
const WSDL_SCHEMA = path.join(schemas, 'wsdl11.xsd');
const XML_SCHEMA = path.join(schemas, 'XMLSchema.xsd');
const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const XS_NS = 'http://www.w3.org/2001/XMLSchema';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
/** Binding namespaces whose elements must all be declared (the WSDL schema only checks them laxly). */
const BINDING_SCHEMAS: Record<string, string> = {
  'http://schemas.xmlsoap.org/wsdl/soap/': path.join(schemas, 'wsdl-soap.xsd'),
  'http://schemas.xmlsoap.org/wsdl/soap12/': path.join(schemas, 'wsdl-soap12.xsd'),
};

const contractDir = path.join(root, 'wsdl');
const wsdlFiles = readdirSync(contractDir).filter((file) => file.endsWith('.wsdl'));
const xsdFiles = readdirSync(contractDir).filter((file) => file.endsWith('.xsd'));
const scratch = mkdtempSync(path.join(tmpdir(), 'dm-wsdl-schema-'));

interface Verdict {
  ok: boolean;
  output: string;
}

function xmllint(schema: string, file: string): Verdict {
  const result = spawnSync('xmllint', ['--nonet', '--noout', '--schema', schema, file], {
    encoding: 'utf8',
    env: { ...process.env, XML_CATALOG_FILES: path.join(schemas, 'catalog.xml') },
  });
  if (result.error) throw result.error;
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

function parse(text: string) {
  return new DOMParser().parseFromString(text, 'text/xml');
}

function writeScratch(name: string, text: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, text);
  return file;
}

/** Names of the top-level elements a binding schema declares. */
function declaredElements(schemaFile: string): Set<string> {
  const schema = parse(readFileSync(schemaFile, 'utf8')).documentElement;
  const names = Array.from(schema?.childNodes ?? [])
    .filter((node): node is Element => node.nodeType === 1 && (node as Element).localName === 'element')
    .map((element) => element.getAttribute('name') ?? '');
  return new Set(names);
}

/** Elements of the SOAP binding namespaces that their schema does not declare (lax wildcards let them by). */
function undeclaredBindingElements(wsdlText: string): string[] {
  const document = parse(wsdlText);
  return Object.entries(BINDING_SCHEMAS).flatMap(([namespace, schemaFile]) => {
    const declared = declaredElements(schemaFile);
    return Array.from(document.getElementsByTagNameNS(namespace, '*'))
      .filter((element) => !declared.has(element.localName ?? ''))
      .map((element) => `{${namespace}}${element.localName}`);
  });
}

/** A WSDL passes when xmllint validates it against WSDL 1.1 + bindings and no binding element is unknown. */
function validateWsdl(name: string, wsdlText: string): Verdict {
  const verdict = xmllint(WSDL_SCHEMA, writeScratch(name, wsdlText));
  const unknown = undeclaredBindingElements(wsdlText);
  return {
    ok: verdict.ok && unknown.length === 0,
    output: unknown.length ? `${verdict.output}undeclared binding elements: ${unknown.join(', ')}` : verdict.output,
  };
}

/** Each xs:schema inside wsdl:types, as a standalone document carrying the namespaces in scope. */
function inlineSchemas(wsdlText: string): string[] {
  const document = parse(wsdlText);
  const types = Array.from(document.getElementsByTagNameNS(WSDL_NS, 'types'));
  const schemaElements = types.flatMap((type) =>
    Array.from(type.childNodes).filter(
      (node): node is Element =>
        node.nodeType === 1 && (node as Element).namespaceURI === XS_NS && (node as Element).localName === 'schema',
    ),
  );
  return schemaElements.map((schema) => {
    const copy = schema.cloneNode(true) as Element;
    for (let ancestor = schema.parentNode; ancestor && ancestor.nodeType === 1; ancestor = ancestor.parentNode) {
      for (const attribute of Array.from((ancestor as Element).attributes)) {
        if (attribute.namespaceURI === XMLNS_NS && !copy.hasAttribute(attribute.name)) {
          copy.setAttributeNS(XMLNS_NS, attribute.name, attribute.value);
        }
      }
    }
    return new XMLSerializer().serializeToString(copy);
  });
}

/** Applies one textual change, failing if it did not apply (a mutation that changes nothing proves nothing). */
function mutate(text: string, from: string | RegExp, to: string): string {
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`mutation ${String(from)} did not apply`);
  return changed;
}

const readContract = (file: string): string => readFileSync(path.join(contractDir, file), 'utf8');

describe('contract files against the WSDL 1.1 and XML Schema schemas (xmllint)', () => {
  it('finds the contract files', () => {
    expect(wsdlFiles).toEqual(['DescargaMasiva.wsdl', 'FactWSFront.wsdl']);
    expect(xsdFiles).toEqual(['DescargaMasiva.xsd']);
  });

  it.each(wsdlFiles)('%s is a valid WSDL 1.1 document with valid SOAP 1.1 and 1.2 bindings', (file) => {
    const verdict = validateWsdl(file, readContract(file));
    expect(verdict.output).toContain('validates');
    expect(verdict.ok).toBe(true);
  });

  // Contract v2 lives in wsdl/v2/ (its own shape is checked in descarga-masiva-v2-contract.test.ts).
  it.each(['v2/DescargaMasiva.wsdl'])('%s is a valid WSDL 1.1 document with valid SOAP 1.1 and 1.2 bindings', (file) => {
    const verdict = validateWsdl(file.replace('/', '-'), readContract(file));
    expect(verdict.output).toContain('validates');
    expect(verdict.ok).toBe(true);
  });

  it.each(['v2/DescargaMasiva.xsd'])('%s is a valid XML Schema document', (file) => {
    const verdict = xmllint(XML_SCHEMA, path.join(contractDir, file));
    expect(verdict.output).toContain('validates');
    expect(verdict.ok).toBe(true);
  });

  it.each(xsdFiles)('%s is a valid XML Schema document', (file) => {
    const verdict = xmllint(XML_SCHEMA, path.join(contractDir, file));
    expect(verdict.output).toContain('validates');
    expect(verdict.ok).toBe(true);
  });

  it.each(wsdlFiles)('the inline schemas of %s are valid XML Schema documents', (file) => {
    const found = inlineSchemas(readContract(file));
    expect(found.length).toBe(1);
    found.forEach((schema, index) => {
      const verdict = xmllint(XML_SCHEMA, writeScratch(`inline-${index}-${file}.xsd`, schema));
      expect(verdict.output).toContain('validates');
      expect(verdict.ok).toBe(true);
    });
  });

  describe('refuses broken copies', () => {
    const descargaMasiva = readContract('DescargaMasiva.wsdl');
    const factWsFront = readContract('FactWSFront.wsdl');

    it('a portType operation moved out of its portType', () => {
      const operation = /\s*<wsdl:operation name="RecuperarSolicitud">\s*<wsdl:input [^>]*message="tns:RecuperarSolicitudRequest"\/>[\s\S]*?<\/wsdl:operation>/;
      const moved = descargaMasiva.match(operation)?.[0] ?? '';
      const broken = mutate(mutate(descargaMasiva, operation, ''), '</wsdl:definitions>', `${moved}\n</wsdl:definitions>`);
      const verdict = validateWsdl('moved-operation.wsdl', broken);
      expect(verdict.ok).toBe(false);
      expect(verdict.output).toMatch(/\{http:\/\/schemas\.xmlsoap\.org\/wsdl\/\}operation': This element is not expected/);
    });

    it('a misspelled WSDL element', () => {
      const broken = mutate(factWsFront, /wsdl:portType\b/g, 'wsdl:porttype');
      const verdict = validateWsdl('misspelled.wsdl', broken);
      expect(verdict.ok).toBe(false);
      expect(verdict.output).toMatch(/porttype': This element is not expected/);
    });

    it('a message part without its name', () => {
      const broken = mutate(factWsFront, '<wsdl:part name="parameters" element="tns:RequestTransaction" />', '<wsdl:part element="tns:RequestTransaction" />');
      const verdict = validateWsdl('nameless-part.wsdl', broken);
      expect(verdict.ok).toBe(false);
      expect(verdict.output).toMatch(/The attribute 'name' is required/);
    });

    it('a SOAP 1.1 binding with an unknown use', () => {
      const broken = mutate(descargaMasiva, '<soap:body use="literal"/>', '<soap:body use="literally"/>');
      const verdict = validateWsdl('soap11-use.wsdl', broken);
      expect(verdict.ok).toBe(false);
      expect(verdict.output).toMatch(/soap\/\}body', attribute 'use'/);
    });

    it('a SOAP 1.2 binding with a misspelled attribute', () => {
      const broken = mutate(factWsFront, '<soap12:operation soapAction=', '<soap12:operation soapActon=');
      const verdict = validateWsdl('soap12-attribute.wsdl', broken);
      expect(verdict.ok).toBe(false);
      expect(verdict.output).toMatch(/soap12\/\}operation', attribute 'soapActon': The attribute 'soapActon' is not allowed/);
    });

    it('a SOAP 1.2 port with a misspelled address element', () => {
      const broken = mutate(descargaMasiva, '<soap12:address ', '<soap12:adress ');
      const verdict = validateWsdl('soap12-element.wsdl', broken);
      expect(verdict.ok).toBe(false);
      expect(verdict.output).toContain('undeclared binding elements: {http://schemas.xmlsoap.org/wsdl/soap12/}adress');
    });

    it('an XSD with an attribute inside a sequence', () => {
      const xsd = readContract('DescargaMasiva.xsd');
      const broken = mutate(xsd, /<xs:sequence>/, '<xs:sequence><xs:attribute name="Extra" type="xs:string"/>');
      const verdict = xmllint(XML_SCHEMA, writeScratch('attribute-in-sequence.xsd', broken));
      expect(verdict.ok).toBe(false);
      expect(verdict.output).toMatch(/XMLSchema\}attribute': This element is not expected/);
    });

    it('an inline schema with a misspelled compositor', () => {
      const [schema] = inlineSchemas(mutate(factWsFront, '<s:sequence>', '<s:sequense>').replace('</s:sequence>', '</s:sequense>'));
      const verdict = xmllint(XML_SCHEMA, writeScratch('inline-misspelled.xsd', schema ?? ''));
      expect(verdict.ok).toBe(false);
      expect(verdict.output).toMatch(/sequense': This element is not expected/);
    });
  });
});
