import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import * as soap from 'soap';
import { CFDI_FIELDS_ADDED_IN_V1 } from '../../helpers/contract-fields';

const root = path.join(__dirname, '../../..');
const wsdlPath = path.join(root, 'wsdl/DescargaMasiva.wsdl');
const xsdPath = path.join(root, 'wsdl/DescargaMasiva.xsd');
const examples = path.join(root, 'docs/examples/soap');
const fixtureCases = path.join(root, 'fixtures/soap');
const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const OPERATIONS = [
  'RegistrarSolicitud',
  'RecuperarSolicitud',
  'RecuperarLinkDescarga',
  'RecuperarListaSolicitudes',
  'ConsultarCfdi',
  'RecuperarCfdi',
  'ConsultarConciliacion',
  'ConsultarPagos',
];
/** The elements of ConsultarCfdi's Cfdi as first published; the rest were added within v1. */
const FIRST_CFDI = [
  'Uuid',
  'RfcEmisor',
  'NombreEmisor',
  'RfcReceptor',
  'NombreReceptor',
  'FechaEmision',
  'FechaCertificacion',
  'Monto',
  'Efecto',
  'Estatus',
  'FechaCancelacion',
  'TieneXml',
];
/** fixtures/soap cases whose request the XSD refuses on purpose: they test the server's own checks. */
const INVALID_BY_DESIGN = [
  'ConsultarCfdi__uuid-invalido',
  'ConsultarConciliacion__contexto-invalido',
  'ConsultarPagos__uuid-invalido',
  'RecuperarListaSolicitudes__pagina-demasiado-grande',
  'RegistrarSolicitud__sin-rfc',
];
const NS = 'urn:descarga-masiva:v1';

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

/** An xmllint verdict on one payload against the v1 XSD. */
function validates(xml: string): { ok: boolean; output: string } {
  const directory = mkdtempSync(path.join(tmpdir(), 'dm-payload-'));
  const payload = path.join(directory, 'payload.xml');
  writeFileSync(payload, xml);
  const result = xmllint(['--noout', '--schema', xsdPath, payload]);
  return { ok: result.status === 0, output: result.output };
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

  describe('additions within v1 (issue 19) keep every earlier request and answer valid', () => {
    const cases = readdirSync(fixtureCases).sort();

    it.each(cases)('fixture %s: its request is judged as before', (name) => {
      const verdict = validates(readFileSync(path.join(fixtureCases, name, 'request.xml'), 'utf8'));
      expect({ name, ok: verdict.ok }).toEqual({ name, ok: !INVALID_BY_DESIGN.includes(name) });
    });

    // The answers the fixtures expect in full (no placeholders), in the contract's namespace.
    it.each(
      cases.filter((name) => {
        const expected = readFileSync(path.join(fixtureCases, name, 'expected.xml'), 'utf8');
        return !expected.includes('{{') && !expected.startsWith('<Falla>');
      }),
    )('fixture %s: its answer validates', (name) => {
      const expected = readFileSync(path.join(fixtureCases, name, 'expected.xml'), 'utf8').trim();
      const verdict = validates(expected.replace(/^<(\w+)>/, `<$1 xmlns="${NS}">`));
      expect(verdict.output).toContain('validates');
    });

    it("keeps Cfdi's first elements in place and adds only optional ones after them", () => {
      const xsd = parse(xsdPath);
      const cfdi = children(xsd, 'http://www.w3.org/2001/XMLSchema', 'complexType').find(
        (type) => type.getAttribute('name') === 'Cfdi',
      ) as Element;
      const elements = children(cfdi, 'http://www.w3.org/2001/XMLSchema', 'element');
      expect(elements.slice(0, FIRST_CFDI.length).map((element) => element.getAttribute('name'))).toEqual(FIRST_CFDI);
      const added = elements.slice(FIRST_CFDI.length);
      expect(added.map((element) => element.getAttribute('name'))).toEqual(CFDI_FIELDS_ADDED_IN_V1);
      for (const element of added) expect(element.getAttribute('minOccurs')).toBe('0');
    });

    it('takes an answer as first published and one with every added field, and the new filters and sort', () => {
      const first =
        '<Cfdi><Uuid>0b6f1a3e-1111-4222-8333-444455556666</Uuid><RfcEmisor>EKU9003173C9</RfcEmisor>' +
        '<NombreEmisor>ESCUELA KEMPER URGATE</NombreEmisor><RfcReceptor>AAA010101AAA</RfcReceptor>' +
        '<FechaEmision>2026-01-05T10:00:00</FechaEmision><FechaCertificacion>2026-01-05T10:01:00</FechaCertificacion>' +
        '<Monto>7924.660000</Monto><Efecto>I</Efecto><Estatus>Vigente</Estatus><TieneXml>false</TieneXml></Cfdi>';
      const full =
        '<Cfdi><Uuid>0b6f1a3e-1111-4222-8333-444455556667</Uuid><RfcEmisor>EKU9003173C9</RfcEmisor>' +
        '<RfcReceptor>AAA010101AAA</RfcReceptor><Monto>7924.66</Monto><TieneXml>true</TieneXml>' +
        '<RfcPac>SAT970701NN3</RfcPac><RfcACuentaTerceros>XAXX010101000</RfcACuentaTerceros>' +
        '<NombreACuentaTerceros>TERCERO</NombreACuentaTerceros><Version>4.0</Version><TipoComprobante>I</TipoComprobante>' +
        '<Serie>A</Serie><Folio>38</Folio><Fecha>2026-01-05T10:00:00</Fecha><FechaTimbrado>2026-01-05T10:01:00</FechaTimbrado>' +
        '<SubTotal>6831.6</SubTotal><Descuento>0</Descuento><Total>7924.66</Total><Moneda>USD</Moneda>' +
        '<TipoCambio>17.1234</TipoCambio><MetodoPago>PPD</MetodoPago><FormaPago>99</FormaPago><UsoCfdi>G03</UsoCfdi>' +
        '<LugarExpedicion>64000</LugarExpedicion><Complementos><Complemento>TimbreFiscalDigital</Complemento>' +
        '<Complemento>Pagos</Complemento></Complementos></Cfdi>';
      const answer = `<ConsultarCfdiResponse xmlns="${NS}"><Cfdis>${first}${full}</Cfdis><Total>2</Total><Pagina>1</Pagina><TotalPaginas>1</TotalPaginas></ConsultarCfdiResponse>`;
      expect(validates(answer).output).toContain('validates');
      const request =
        `<ConsultarCfdi xmlns="${NS}"><Filtro><RfcEmisor>EKU9003173C9</RfcEmisor><Efecto>I</Efecto>` +
        '<TipoComprobante>P</TipoComprobante><Complemento>Pagos</Complemento><Moneda>MXN</Moneda><Serie>A</Serie>' +
        '<Folio>38</Folio><RfcACuentaTerceros>XAXX010101000</RfcACuentaTerceros></Filtro>' +
        '<Orden><Campo>Total</Campo><Direccion>DESC</Direccion></Orden></ConsultarCfdi>';
      expect(validates(request).output).toContain('validates');
      // Amounts are decimals: a thousands separator never reaches a client.
      expect(validates(answer.replace('<Total>7924.66</Total>', '<Total>7,924.66</Total>')).ok).toBe(false);
    });

    it('describes ConsultarPagos: its filters, paging, payments with their invoices, and balances', () => {
      const request =
        `<ConsultarPagos xmlns="${NS}"><Filtro><UuidDocumento>0b6f1a3e-1111-4222-8333-444455556666</UuidDocumento>` +
        '<UuidPago>0b6f1a3e-1111-4222-8333-444455556667</UuidPago><RfcEmisor>EKU9003173C9</RfcEmisor>' +
        '<RfcReceptor>AAA010101AAA</RfcReceptor><FechaPagoDesde>2026-01-01T00:00:00</FechaPagoDesde>' +
        '<FechaPagoHasta>2026-01-31T23:59:59</FechaPagoHasta></Filtro><Pagina>1</Pagina><TamanoPagina>50</TamanoPagina></ConsultarPagos>';
      expect(validates(request).output).toContain('validates');
      // Pagos 1.0 also settles pre-2014 CFDs, named by serie-folio-number.
      expect(validates(request.replace(/<UuidDocumento>[^<]+/, '<UuidDocumento>123-45-678901234')).ok).toBe(true);
      expect(validates(request.replace(/<UuidDocumento>[^<]+/, '<UuidDocumento>factura-1')).ok).toBe(false);
      expect(validates(`<ConsultarPagos xmlns="${NS}"/>`).ok).toBe(true);
      const answer =
        `<ConsultarPagosResponse xmlns="${NS}"><Pagos><Pago><UuidPago>0b6f1a3e-1111-4222-8333-444455556667</UuidPago>` +
        '<Indice>1</Indice><Version>2.0</Version><RfcEmisor>EKU9003173C9</RfcEmisor><NombreEmisor>ESCUELA</NombreEmisor>' +
        '<RfcReceptor>AAA010101AAA</RfcReceptor><Estatus>Vigente</Estatus><FechaPago>2026-01-20T12:00:00</FechaPago>' +
        '<FormaDePagoP>03</FormaDePagoP><MonedaP>USD</MonedaP><TipoCambioP>17.5</TipoCambioP><Monto>1000</Monto>' +
        '<DoctosRelacionados><DoctoRelacionado><IdDocumento>0b6f1a3e-1111-4222-8333-444455556666</IdDocumento>' +
        '<Serie>A</Serie><Folio>38</Folio><MonedaDR>USD</MonedaDR><EquivalenciaDR>1</EquivalenciaDR>' +
        '<NumParcialidad>2</NumParcialidad><ImpSaldoAnt>3000</ImpSaldoAnt><ImpPagado>1000</ImpPagado>' +
        '<ImpSaldoInsoluto>2000</ImpSaldoInsoluto></DoctoRelacionado></DoctosRelacionados></Pago></Pagos>' +
        '<Saldos><Saldo><UuidDocumento>0b6f1a3e-1111-4222-8333-444455556666</UuidDocumento><MonedaDR>USD</MonedaDR>' +
        '<SaldoInsoluto>2000</SaldoInsoluto><TotalPagado>2000</TotalPagado><Parcialidades>2</Parcialidades>' +
        '<UltimaParcialidad>2</UltimaParcialidad></Saldo></Saldos><Total>1</Total><Pagina>1</Pagina>' +
        '<TotalPaginas>1</TotalPaginas></ConsultarPagosResponse>';
      expect(validates(answer).output).toContain('validates');
      const empty = `<ConsultarPagosResponse xmlns="${NS}"><Pagos/><Saldos/><Total>0</Total><Pagina>1</Pagina><TotalPaginas>0</TotalPaginas></ConsultarPagosResponse>`;
      expect(validates(empty).output).toContain('validates');
    });
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
