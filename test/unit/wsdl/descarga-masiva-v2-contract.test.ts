import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import * as soap from 'soap';

// Contract v2 (docs/contract-notes.md, "Contract v2"): the shape generated clients need, checked on the
// files themselves with xmllint (offline, fixtures/schemas) and a DOM walk.

const root = path.join(__dirname, '../../..');
const wsdlPath = path.join(root, 'wsdl/v2/DescargaMasiva.wsdl');
const xsdPath = path.join(root, 'wsdl/v2/DescargaMasiva.xsd');
const schemas = path.join(root, 'fixtures/schemas');
const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const XS_NS = 'http://www.w3.org/2001/XMLSchema';
const WSAW_NS = 'http://www.w3.org/2006/05/addressing/wsdl';
const NS = 'urn:descarga-masiva:v2';
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
const scratch = mkdtempSync(path.join(tmpdir(), 'dm-v2-contract-'));

function parse(file: string): Document {
  return new DOMParser().parseFromString(readFileSync(file, 'utf8'), 'text/xml');
}

function all(parent: Document | Element, namespace: string, name: string): Element[] {
  return Array.from(parent.getElementsByTagNameNS(namespace, name));
}

function childElements(parent: Element, name?: string): Element[] {
  return Array.from(parent.childNodes).filter(
    (node): node is Element => node.nodeType === 1 && (name === undefined || (node as Element).localName === name),
  );
}

function xmllint(schema: string, xml: string, name: string): { ok: boolean; output: string } {
  const file = path.join(scratch, name);
  writeFileSync(file, xml);
  const result = spawnSync('xmllint', ['--nonet', '--noout', '--schema', schema, file], {
    encoding: 'utf8',
    env: { ...process.env, XML_CATALOG_FILES: path.join(schemas, 'catalog.xml') },
  });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

const request = (operation: string, peticion: string): string =>
  `<${operation} xmlns="${NS}"><Peticion>${peticion}</Peticion></${operation}>`;

/** Requests of every operation: plain ones, and ones carrying every optional value at its default. */
const REQUESTS: Record<string, string> = {
  'RegistrarSolicitud, by period': request(
    'RegistrarSolicitud',
    '<Rfc>EKU9003173C9</Rfc><FechaInicial>2026-01-01T00:00:00</FechaInicial><FechaFinal>2026-01-31T23:59:59</FechaFinal>' +
      '<Contexto>Emitidos</Contexto><TipoSolicitud>CFDI</TipoSolicitud><TipoDocumento>CFDI</TipoDocumento>' +
      '<RfcContraparte><Rfc>AAA010101AAA</Rfc><Rfc>BBB010101BBB</Rfc></RfcContraparte>' +
      '<TipoComprobante>I</TipoComprobante><EstadoComprobante>Vigente</EstadoComprobante>' +
      '<ReferenciaCliente>erp-1</ReferenciaCliente><Forzar>true</Forzar><Simular>true</Simular>',
  ),
  'RegistrarSolicitud, every value type at its default (as mono svcutil sends it)': request(
    'RegistrarSolicitud',
    '<Rfc>EKU9003173C9</Rfc><FechaInicial>2026-01-01T00:00:00</FechaInicial><FechaFinal>2026-01-31T23:59:59</FechaFinal>' +
      '<Contexto>Emitidos</Contexto><TipoSolicitud>CFDI</TipoSolicitud><TipoDocumento>CFDI</TipoDocumento>' +
      '<TipoComprobante>Todos</TipoComprobante><EstadoComprobante>Todos</EstadoComprobante>' +
      '<Forzar>false</Forzar><Simular>false</Simular>',
  ),
  'RegistrarSolicitud, by Uuid only': request(
    'RegistrarSolicitud',
    '<Rfc>EKU9003173C9</Rfc><Uuid>0b6f1a3e-1111-4222-8333-444455556666</Uuid>',
  ),
  RecuperarSolicitud: request('RecuperarSolicitud', '<IdSolicitud>abc</IdSolicitud>'),
  RecuperarLinkDescarga: request(
    'RecuperarLinkDescarga',
    '<IdSolicitud>abc</IdSolicitud><IdPaquete>P1</IdPaquete><VigenciaSegundos>300</VigenciaSegundos>',
  ),
  'RecuperarLinkDescarga, VigenciaSegundos 0': request(
    'RecuperarLinkDescarga',
    '<IdSolicitud>abc</IdSolicitud><IdPaquete>P1</IdPaquete><VigenciaSegundos>0</VigenciaSegundos>',
  ),
  RecuperarListaSolicitudes: request(
    'RecuperarListaSolicitudes',
    '<Filtro><Rfc>EKU9003173C9</Rfc><Estados><Estado>Completada</Estado><Estado>Error</Estado></Estados>' +
      '<Contexto>Recibidos</Contexto><TipoSolicitud>Metadata</TipoSolicitud><TipoDocumento>Retenciones</TipoDocumento>' +
      '<ReferenciaCliente>erp-1</ReferenciaCliente><RegistradaDesde>2026-01-01T00:00:00</RegistradaDesde></Filtro>' +
      '<Orden><Campo>FechaRegistro</Campo><Direccion>DESC</Direccion></Orden><Pagina>2</Pagina><TamanoPagina>500</TamanoPagina>',
  ),
  'RecuperarListaSolicitudes, defaults': request(
    'RecuperarListaSolicitudes',
    '<Filtro><Contexto>Todos</Contexto><TipoSolicitud>Todos</TipoSolicitud><TipoDocumento>Todos</TipoDocumento></Filtro>' +
      '<Pagina>0</Pagina><TamanoPagina>0</TamanoPagina>',
  ),
  'RecuperarListaSolicitudes, empty Peticion': request('RecuperarListaSolicitudes', ''),
  ConsultarCfdi: request(
    'ConsultarCfdi',
    '<Filtro><RfcEmisor>EKU9003173C9</RfcEmisor><Efecto>Todos</Efecto><Estatus>Vigente</Estatus></Filtro>' +
      '<Orden><Campo>FechaEmision</Campo></Orden><Pagina>0</Pagina><TamanoPagina>0</TamanoPagina>',
  ),
  RecuperarCfdi: request(
    'RecuperarCfdi',
    '<Uuid>0b6f1a3e-1111-4222-8333-444455556666</Uuid><Formato>Base64</Formato>',
  ),
  'ConsultarCfdi, the filters on the XML header and the third party, by Total': request(
    'ConsultarCfdi',
    '<Filtro><Efecto>Todos</Efecto><TipoComprobante>P</TipoComprobante><Complemento>Pagos</Complemento>' +
      '<Moneda>MXN</Moneda><Serie>A</Serie><Folio>38</Folio><RfcACuentaTerceros>XAXX010101000</RfcACuentaTerceros></Filtro>' +
      '<Orden><Campo>Total</Campo><Direccion>DESC</Direccion></Orden>',
  ),
  'ConsultarCfdi, TipoComprobante at its default': request(
    'ConsultarCfdi',
    '<Filtro><Efecto>Todos</Efecto><TipoComprobante>Todos</TipoComprobante></Filtro>',
  ),
  ConsultarPagos: request(
    'ConsultarPagos',
    '<Filtro><UuidDocumento>0b6f1a3e-1111-4222-8333-444455556666</UuidDocumento>' +
      '<UuidPago>0b6f1a3e-1111-4222-8333-444455556667</UuidPago><RfcEmisor>EKU9003173C9</RfcEmisor>' +
      '<RfcReceptor>AAA010101AAA</RfcReceptor><FechaPagoDesde>2026-01-01T00:00:00</FechaPagoDesde>' +
      '<FechaPagoHasta>2026-01-31T23:59:59</FechaPagoHasta></Filtro><Pagina>2</Pagina><TamanoPagina>10</TamanoPagina>',
  ),
  'ConsultarPagos, defaults': request('ConsultarPagos', '<Pagina>0</Pagina><TamanoPagina>0</TamanoPagina>'),
  ConsultarConciliacion: request(
    'ConsultarConciliacion',
    '<Rfc>EKU9003173C9</Rfc><FechaInicial>2026-01-01T00:00:00</FechaInicial><FechaFinal>2026-01-31T23:59:59</FechaFinal>' +
      '<Contexto>Ambos</Contexto><Pagina>0</Pagina><TamanoPagina>0</TamanoPagina><IncluirXmlSinMetadata>false</IncluirXmlSinMetadata>',
  ),
};

describe('wsdl/v2/DescargaMasiva.xsd and .wsdl (contract v2)', () => {
  const wsdl = parse(wsdlPath);
  const xsd = parse(xsdPath);
  const schema = xsd.documentElement as Element;
  const named = (kind: string): Map<string, Element> =>
    new Map(childElements(schema, kind).map((element) => [element.getAttribute('name') ?? '', element]));
  const complexTypes = named('complexType');
  const simpleTypes = named('simpleType');
  const globalElements = named('element');

  it('are valid XML Schema and WSDL 1.1 documents', () => {
    const xsdVerdict = xmllint(path.join(schemas, 'XMLSchema.xsd'), readFileSync(xsdPath, 'utf8'), 'v2.xsd');
    expect(xsdVerdict.output).toContain('validates');
    const wsdlVerdict = xmllint(path.join(schemas, 'wsdl11.xsd'), readFileSync(wsdlPath, 'utf8'), 'v2.wsdl');
    expect(wsdlVerdict.output).toContain('validates');
  });

  it('imports the sibling XSD by a relative location', () => {
    const [imported] = all(wsdl, XS_NS, 'import');
    expect(imported?.getAttribute('namespace')).toBe(NS);
    expect(imported?.getAttribute('schemaLocation')).toBe('DescargaMasiva.xsd');
  });

  it.each(OPERATIONS)('%s takes one Peticion and answers one <Operation>Result, of named types', (operation) => {
    for (const [element, child, type] of [
      [operation, 'Peticion', `${operation}Peticion`],
      [`${operation}Response`, `${operation}Result`, `${operation}Resultado`],
    ] as const) {
      const declared = globalElements.get(element);
      expect(declared).toBeDefined();
      const particles = all(declared as Element, XS_NS, 'element');
      expect(particles.map((particle) => [particle.getAttribute('name'), particle.getAttribute('type')])).toEqual([
        [child, `tns:${type}`],
      ]);
      expect(particles[0]?.getAttribute('minOccurs')).toBeNull();
      expect(complexTypes.has(type)).toBe(true);
    }
  });

  it('names every type below the wrappers, and repeats elements only as the one child of a list type', () => {
    const wrappers = new Set([...OPERATIONS, ...OPERATIONS.map((operation) => `${operation}Response`), 'Falla']);
    for (const [name, element] of globalElements) {
      expect(wrappers.has(name)).toBe(true);
      for (const inner of all(element, XS_NS, 'element')) {
        expect(childElements(inner, 'complexType').concat(childElements(inner, 'simpleType'))).toEqual([]);
      }
    }
    for (const type of complexTypes.values()) {
      for (const inner of all(type, XS_NS, 'element')) {
        expect({ element: inner.getAttribute('name'), type: inner.getAttribute('type') }).toEqual({
          element: inner.getAttribute('name'),
          type: expect.stringMatching(/^(tns|xs):\w+$/),
        });
        const maxOccurs = inner.getAttribute('maxOccurs');
        if (maxOccurs === null) continue;
        expect(maxOccurs).toBe('unbounded');
        const sequence = inner.parentNode as Element;
        expect(childElements(sequence)).toHaveLength(1);
        expect(sequence.parentNode).toBe(type);
      }
    }
  });

  it('makes every optional request value harmless at its default: first enum value, 0 or false', () => {
    // Every complex type a request reaches, from the Peticion types down.
    const pending = OPERATIONS.map((operation) => `${operation}Peticion`);
    const reached = new Set<string>();
    while (pending.length > 0) {
      const name = pending.pop() as string;
      if (reached.has(name)) continue;
      reached.add(name);
      for (const element of all(complexTypes.get(name) as Element, XS_NS, 'element')) {
        const typeName = (element.getAttribute('type') ?? '').replace(/^\w+:/, '');
        if (complexTypes.has(typeName)) pending.push(typeName);
      }
    }
    const seen: string[] = [];
    for (const name of reached) {
      for (const element of all(complexTypes.get(name) as Element, XS_NS, 'element')) {
        // List items are sent only when there are some; a list type's own element is optional and nullable.
        if (element.getAttribute('minOccurs') !== '0' || element.getAttribute('maxOccurs') !== null) continue;
        const typeName = (element.getAttribute('type') ?? '').replace(/^\w+:/, '');
        const simple = simpleTypes.get(typeName);
        if (!simple) continue;
        const enumeration = all(simple, XS_NS, 'enumeration').map((value) => value.getAttribute('value'));
        const minimum = all(simple, XS_NS, 'minInclusive')[0]?.getAttribute('value');
        if (enumeration.length > 0) seen.push(`${name}/${element.getAttribute('name')}=${enumeration[0]}`);
        else if (minimum !== undefined) seen.push(`${name}/${element.getAttribute('name')}>=${minimum}`);
      }
    }
    expect(seen.sort()).toEqual(
      [
        'ConsultarCfdiPeticion/Pagina>=0',
        'ConsultarCfdiPeticion/TamanoPagina>=0',
        'ConsultarConciliacionPeticion/Contexto=Ambos',
        'ConsultarConciliacionPeticion/Pagina>=0',
        'ConsultarConciliacionPeticion/TamanoPagina>=0',
        'ConsultarPagosPeticion/Pagina>=0',
        'ConsultarPagosPeticion/TamanoPagina>=0',
        'FiltroCfdi/Efecto=Todos',
        'FiltroCfdi/TipoComprobante=Todos',
        'FiltroSolicitudes/Contexto=Todos',
        'FiltroSolicitudes/TipoDocumento=Todos',
        'FiltroSolicitudes/TipoSolicitud=Todos',
        'Orden/Direccion=ASC',
        'OrdenCfdi/Direccion=ASC',
        'RecuperarCfdiPeticion/Formato=Base64',
        'RecuperarLinkDescargaPeticion/VigenciaSegundos>=0',
        'RecuperarListaSolicitudesPeticion/Pagina>=0',
        'RecuperarListaSolicitudesPeticion/TamanoPagina>=0',
        'RegistrarSolicitudPeticion/Contexto=Emitidos',
        'RegistrarSolicitudPeticion/EstadoComprobante=Todos',
        'RegistrarSolicitudPeticion/TipoComprobante=Todos',
        'RegistrarSolicitudPeticion/TipoDocumento=CFDI',
        'RegistrarSolicitudPeticion/TipoSolicitud=CFDI',
      ].sort(),
    );
  });

  it.each(Object.entries(REQUESTS))('request %s validates', (name, xml) => {
    const verdict = xmllint(xsdPath, xml, `${name.replace(/\W+/g, '-')}.xml`);
    expect(verdict.output).toContain('validates');
    expect(verdict.ok).toBe(true);
  });

  it("answers ConsultarCfdi's added fields and ConsultarPagos' payments and balances in list types", () => {
    const cfdi =
      '<Cfdi><Uuid>0b6f1a3e-1111-4222-8333-444455556667</Uuid><RfcEmisor>EKU9003173C9</RfcEmisor>' +
      '<RfcReceptor>AAA010101AAA</RfcReceptor><Monto>7924.66</Monto><TieneXml>true</TieneXml>' +
      '<RfcPac>SAT970701NN3</RfcPac><RfcACuentaTerceros>XAXX010101000</RfcACuentaTerceros>' +
      '<NombreACuentaTerceros>TERCERO</NombreACuentaTerceros><Version>4.0</Version><TipoComprobante>I</TipoComprobante>' +
      '<Serie>A</Serie><Folio>38</Folio><Fecha>2026-01-05T10:00:00</Fecha><FechaTimbrado>2026-01-05T10:01:00</FechaTimbrado>' +
      '<SubTotal>6831.6</SubTotal><Descuento>0</Descuento><Total>7924.66</Total><Moneda>USD</Moneda>' +
      '<TipoCambio>17.1234</TipoCambio><MetodoPago>PPD</MetodoPago><FormaPago>99</FormaPago><UsoCfdi>G03</UsoCfdi>' +
      '<LugarExpedicion>64000</LugarExpedicion><Complementos><Complemento>TimbreFiscalDigital</Complemento>' +
      '<Complemento>Pagos</Complemento></Complementos></Cfdi>';
    const found =
      `<ConsultarCfdiResponse xmlns="${NS}"><ConsultarCfdiResult><Cfdis>${cfdi}</Cfdis><Total>1</Total><Pagina>1</Pagina>` +
      '<TotalPaginas>1</TotalPaginas></ConsultarCfdiResult></ConsultarCfdiResponse>';
    expect(xmllint(xsdPath, found, 'cfdi-answer.xml').output).toContain('validates');
    const pagos =
      `<ConsultarPagosResponse xmlns="${NS}"><ConsultarPagosResult><Pagos><Pago>` +
      '<UuidPago>0b6f1a3e-1111-4222-8333-444455556667</UuidPago><Indice>1</Indice><Version>1.0</Version>' +
      '<RfcEmisor>EKU9003173C9</RfcEmisor><RfcReceptor>AAA010101AAA</RfcReceptor><FechaPago>2026-01-20T12:00:00</FechaPago>' +
      '<FormaDePagoP>03</FormaDePagoP><MonedaP>MXN</MonedaP><Monto>1000</Monto><DoctosRelacionados><DoctoRelacionado>' +
      '<IdDocumento>0b6f1a3e-1111-4222-8333-444455556666</IdDocumento><MonedaDR>MXN</MonedaDR>' +
      '<NumParcialidad>3</NumParcialidad><ImpSaldoAnt>1000</ImpSaldoAnt><ImpPagado>1000</ImpPagado>' +
      '<ImpSaldoInsoluto>0</ImpSaldoInsoluto></DoctoRelacionado></DoctosRelacionados></Pago></Pagos><Saldos><Saldo>' +
      '<UuidDocumento>0b6f1a3e-1111-4222-8333-444455556666</UuidDocumento><SaldoInsoluto>0</SaldoInsoluto>' +
      '<TotalPagado>3000.5</TotalPagado><Parcialidades>3</Parcialidades><UltimaParcialidad>3</UltimaParcialidad>' +
      '</Saldo></Saldos><Total>1</Total><Pagina>1</Pagina><TotalPaginas>1</TotalPaginas></ConsultarPagosResult></ConsultarPagosResponse>';
    expect(xmllint(xsdPath, pagos, 'pagos-answer.xml').output).toContain('validates');
  });

  it('refuses v1-shaped repeated elements and v1 values outside v2 types', () => {
    const v1Shaped = request(
      'RegistrarSolicitud',
      '<Rfc>EKU9003173C9</Rfc><RfcContraparte>AAA010101AAA</RfcContraparte><RfcContraparte>BBB010101BBB</RfcContraparte>',
    );
    expect(xmllint(xsdPath, v1Shaped, 'v1-shaped.xml').ok).toBe(false);
    const unwrapped = `<RecuperarSolicitud xmlns="${NS}"><IdSolicitud>abc</IdSolicitud></RecuperarSolicitud>`;
    expect(xmllint(xsdPath, unwrapped, 'unwrapped.xml').ok).toBe(false);
    const negative = request('RecuperarListaSolicitudes', '<Pagina>-1</Pagina>');
    expect(xmllint(xsdPath, negative, 'negative.xml').ok).toBe(false);
  });

  it('binds every operation in SOAP 1.1 and 1.2 with v2 actions, faults only where Axis reads them', () => {
    const [portType] = all(wsdl, WSDL_NS, 'portType');
    const operations = childElements(portType as Element, 'operation');
    expect(operations.map((operation) => operation.getAttribute('name'))).toEqual(OPERATIONS);
    for (const operation of operations) {
      const name = operation.getAttribute('name') ?? '';
      const [input] = childElements(operation, 'input');
      expect(input?.getAttributeNS(WSAW_NS, 'Action')).toBe(`urn:descarga-masiva:v2/${name}`);
      expect(childElements(operation, 'fault').map((fault) => fault.getAttribute('message'))).toEqual([
        'tns:FallaException',
      ]);
    }
    const messages = all(wsdl, WSDL_NS, 'message').map((message) => message.getAttribute('name'));
    expect(messages).toContain('FallaException');
    expect(messages).not.toContain('Falla');
    const [soap11, soap12] = all(wsdl, WSDL_NS, 'binding');
    expect(all(soap11 as Element, WSDL_NS, 'fault')).toHaveLength(OPERATIONS.length);
    expect(all(soap12 as Element, WSDL_NS, 'fault')).toHaveLength(0);
    for (const binding of [soap11, soap12] as Element[]) {
      const actions = Array.from(binding.getElementsByTagName('*'))
        .filter((element) => element.localName === 'operation' && element.namespaceURI !== WSDL_NS)
        .map((element) => element.getAttribute('soapAction'));
      expect(actions).toEqual(OPERATIONS.map((operation) => `urn:descarga-masiva:v2/${operation}`));
    }
    const addresses = Array.from(wsdl.getElementsByTagName('*')).filter((element) => element.localName === 'address');
    expect(addresses.map((address) => new URL(address.getAttribute('location') ?? '').pathname)).toEqual([
      '/soap/v2/DescargaMasiva',
      '/soap/v2/DescargaMasiva',
    ]);
  });

  it('is read by node-soap with both ports and all operations, each taking a Peticion', async () => {
    const client = await soap.createClientAsync(wsdlPath);
    const description = client.describe() as Record<string, Record<string, Record<string, { input: object }>>>;
    const soap11 = description.DescargaMasiva?.DescargaMasivaSoap11 ?? {};
    expect(Object.keys(soap11)).toEqual(OPERATIONS);
    for (const operation of OPERATIONS) expect(Object.keys(soap11[operation]?.input ?? {})).toEqual(['Peticion']);
  });
});
