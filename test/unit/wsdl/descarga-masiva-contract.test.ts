import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import * as soap from 'soap';

const root = path.join(__dirname, '../../..');
const wsdlPath = path.join(root, 'wsdl/DescargaMasiva.wsdl');
const xsdPath = path.join(root, 'wsdl/DescargaMasiva.xsd');
const examples = path.join(root, 'docs/examples/soap');
const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const OPERATIONS = [
  'RegistrarSolicitud',
  'RecuperarSolicitud',
  'RecuperarLinkDescarga',
  'RecuperarListaSolicitudes',
  'ConsultarCfdi',
  'RecuperarCfdi',
  'ConsultarConciliacion',
];

function parse(file: string): Document {
  return new DOMParser().parseFromString(readFileSync(file, 'utf8'), 'text/xml');
}

function children(parent: Document | Element, namespace: string, name: string): Element[] {
  return Array.from(parent.getElementsByTagNameNS(namespace, name));
}

function xmllint(args: string[]): { status: number | null; output: string } {
  const result = spawnSync('xmllint', args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The first element inside the SOAP Body, as a standalone document (what the XSD describes). */
function bodyPayload(file: string): string {
  const document = parse(file);
  const body = Array.from(document.documentElement?.childNodes ?? []).find(
    (node) => (node as Element).localName === 'Body',
  ) as Element | undefined;
  const payload = Array.from(body?.childNodes ?? []).find((node) => node.nodeType === 1) as Element | undefined;
  if (!payload) throw new Error(`no body payload in ${file}`);
  return payload.toString();
}

describe('wsdl/DescargaMasiva.wsdl', () => {
  const wsdl = parse(wsdlPath);

  it('is well-formed and its XSD compiles (xmllint)', () => {
    expect(xmllint(['--noout', wsdlPath]).status).toBe(0);
    const directory = mkdtempSync(path.join(tmpdir(), 'dm-xsd-'));
    const probe = path.join(directory, 'probe.xml');
    writeFileSync(probe, '<RecuperarSolicitud xmlns="urn:descarga-masiva:v1"><IdSolicitud>x</IdSolicitud></RecuperarSolicitud>');
    const result = xmllint(['--noout', '--schema', xsdPath, probe]);
    expect(result.output).toContain('validates');
  });

  it('offers every operation, each bound in SOAP 1.1 and 1.2 with its SOAPAction and the Falla fault', () => {
    const portOperations = children(wsdl, WSDL_NS, 'portType').flatMap((portType) => children(portType, WSDL_NS, 'operation'));
    expect(portOperations.map((operation) => operation.getAttribute('name'))).toEqual(OPERATIONS);
    for (const operation of portOperations) expect(children(operation, WSDL_NS, 'fault')).toHaveLength(1);
    const bindings = children(wsdl, WSDL_NS, 'binding');
    expect(bindings.map((binding) => binding.getAttribute('name'))).toEqual(['DescargaMasivaSoap11', 'DescargaMasivaSoap12']);
    for (const binding of bindings) {
      const bound = children(binding, WSDL_NS, 'operation');
      expect(bound.map((operation) => operation.getAttribute('name'))).toEqual(OPERATIONS);
      for (const operation of bound) {
        const action = Array.from(operation.childNodes).find((node) => (node as Element).localName === 'operation') as Element;
        expect(action.getAttribute('soapAction')).toBe(`urn:descarga-masiva:v1/${operation.getAttribute('name')}`);
      }
    }
  });

  it('carries what generated clients need without changing the wire (docs/contract-notes.md, "Generated clients")', () => {
    const definitions = wsdl.documentElement as Element;
    const first = Array.from(definitions.childNodes).find((node) => node.nodeType === 1) as Element;
    expect([first.namespaceURI, first.localName]).toEqual(['http://java.sun.com/xml/ns/jaxws', 'bindings']);
    expect(first.textContent?.trim()).toBe('false');
    const messages = children(wsdl, WSDL_NS, 'message').map((message) => message.getAttribute('name'));
    expect(messages).toContain('FallaException');
    expect(messages).not.toContain('Falla');
    const faults = children(wsdl, WSDL_NS, 'fault');
    expect(faults.every((fault) => fault.getAttribute('name') === 'Falla')).toBe(true);
    const [soap11, soap12] = children(wsdl, WSDL_NS, 'binding');
    expect(children(soap11 as Element, WSDL_NS, 'fault')).toHaveLength(OPERATIONS.length);
    expect(children(soap12 as Element, WSDL_NS, 'fault')).toHaveLength(0);
    const inputs = children(children(wsdl, WSDL_NS, 'portType')[0] as Element, WSDL_NS, 'input');
    expect(inputs.map((input) => input.getAttributeNS('http://www.w3.org/2006/05/addressing/wsdl', 'Action'))).toEqual(
      OPERATIONS.map((operation) => `urn:descarga-masiva:v1/${operation}`),
    );
  });

  it('declares in the XSD every element a message part references', () => {
    const xsd = readFileSync(xsdPath, 'utf8');
    const parts = children(wsdl, WSDL_NS, 'part').map((part) => part.getAttribute('element')?.replace('tns:', ''));
    expect(parts.length).toBe(OPERATIONS.length * 2 + 1);
    for (const element of parts) expect(xsd).toContain(`<xs:element name="${element}">`);
  });

  it.each(readdirSync(examples).filter((file) => file.endsWith('.xml')))('example %s validates against the XSD', (file) => {
    const directory = mkdtempSync(path.join(tmpdir(), 'dm-example-'));
    const payload = path.join(directory, 'payload.xml');
    writeFileSync(payload, bodyPayload(path.join(examples, file)));
    const result = xmllint(['--noout', '--schema', xsdPath, payload]);
    expect(result.output).toContain('validates');
    expect(result.status).toBe(0);
  });

  it('rejects a malformed date and an unknown Contexto (the XSD is strict)', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'dm-bad-'));
    const bad = path.join(directory, 'bad.xml');
    writeFileSync(
      bad,
      '<RegistrarSolicitud xmlns="urn:descarga-masiva:v1"><Rfc>EKU9003173C9</Rfc><FechaInicial>2026-01-01</FechaInicial><Contexto>Todos</Contexto></RegistrarSolicitud>',
    );
    const result = xmllint(['--noout', '--schema', xsdPath, bad]);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/FechaInicial/);
  });

  it('is read by node-soap with both ports and all operations', async () => {
    const client = await soap.createClientAsync(wsdlPath);
    const description = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(description.DescargaMasiva ?? {})).toEqual(['DescargaMasivaSoap11', 'DescargaMasivaSoap12']);
    expect(Object.keys(description.DescargaMasiva?.DescargaMasivaSoap12 ?? {})).toEqual(OPERATIONS);
  });
});
