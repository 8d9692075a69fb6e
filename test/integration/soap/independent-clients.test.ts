import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DOMParser, type Element } from '@xmldom/xmldom';
import type * as soap from 'soap';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../../src/config';
import { createDataSource } from '../../../src/db';
import { PackageIndexer } from '../../../src/services/pipeline';
import { LocalDiskObjectStore } from '../../../src/storage';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';
import { eventually } from '../../helpers/eventually';
import { storePackage, zipOf } from '../../helpers/stored-packages';
import { CFDI_FIELDS_ADDED_IN_V1 } from '../../helpers/contract-fields';

/*
 * The documented examples, run as they are by independent SOAP stacks against the running server:
 * Python's zeep, PHP's SoapClient, Ruby's Net::HTTP + REXML and C# on Mono (Debian packages installed by
 * .ci/run from .ci/apt-packages.txt), Java's HttpClient + DOM (JDK 17), node-soap, and plain curl.
 * Each does the whole story: register, poll until Completada, fetch a package through its link and
 * check its SHA-256, list with filter, order and page size, search the CFDI index and fetch one XML.
 * Each uses a period of its own, so none meets another's solicitud as Duplicada in the ledger.
 * zeep and SoapClient also read every field ConsultarCfdi and ConsultarPagos answer (issue 19): their
 * periods hold third-party metadata and payments, and one CFDI with every optional header attribute.
 */

const examples = path.join(__dirname, '../../../docs/examples');

interface Story {
  idSolicitud: string;
  estado: string;
  paquetes: number;
  sha256Ok: boolean;
  listTotal: number | string;
  listed: string[];
  cfdiTotal: number | string;
  uuid: string;
  xmlHasUuid: boolean;
  /** zeep and PHP only: every Cfdi, Pago and Saldo as the client read it, each value as text. */
  cfdis?: Record<string, unknown>[];
  pagosTotal?: number | string;
  pagos?: Record<string, unknown>[];
  saldos?: Record<string, unknown>[];
}

type Fields = Record<string, unknown>;

/** Whole days, YYYY-MM-DD. */
interface Period {
  readonly from: string;
  readonly to: string;
}

/** The fields ConsultarCfdi's Cfdi gained within v1: each must reach the clients that read them. */
const ADDED_CFDI_FIELDS = CFDI_FIELDS_ADDED_IN_V1;

function elements(parent: Element, name?: string): Element[] {
  return Array.from(parent.childNodes).filter(
    (node): node is Element =>
      node.nodeType === 1 && (name === undefined || (node as Element).localName === name),
  );
}

/** An element's children as text by name; the listed ones are lists, read by `lists`. */
function read(element: Element, lists: Record<string, (list: Element) => unknown>): Fields {
  return Object.fromEntries(
    elements(element).map((child) => {
      const name = child.localName ?? '';
      const list = lists[name];
      return [name, list ? list(child) : (child.textContent ?? '')];
    }),
  );
}

/** A CFDI with every optional header attribute the simulator's documents lack, for the example periods. */
function fullHeaderCfdi(uuid: string, day: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital"' +
    ` Version="4.0" Serie="F" Folio="1001" Fecha="${day}T12:00:00" SubTotal="1000.00" Descuento="100.50"` +
    ' Total="1043.42" Moneda="USD" TipoCambio="17.250000" TipoDeComprobante="I" Exportacion="01" MetodoPago="PPD"' +
    ' FormaPago="99" LugarExpedicion="64000">' +
    '<cfdi:Emisor Rfc="EKU9003173C9" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>' +
    '<cfdi:Receptor Rfc="XAXX010101000" Nombre="PUBLICO EN GENERAL" DomicilioFiscalReceptor="64000"' +
    ' RegimenFiscalReceptor="616" UsoCFDI="S01"/>' +
    '<cfdi:Conceptos><cfdi:Concepto ClaveProdServ="01010101" Cantidad="1" ClaveUnidad="ACT" Descripcion="Servicio"' +
    ' ValorUnitario="1000.00" Importe="1000.00" Descuento="100.50" ObjetoImp="02"/></cfdi:Conceptos>' +
    `<cfdi:Complemento><tfd:TimbreFiscalDigital Version="1.1" UUID="${uuid}" FechaTimbrado="${day}T12:01:00"` +
    ' RfcProvCertif="SAT970701NN3"/></cfdi:Complemento></cfdi:Comprobante>'
  );
}

describe('independent SOAP clients against the running server', () => {
  let application: PostgresTestApp;
  let config: AppConfig;
  let dataSource: DataSource;
  let client: soap.Client;

  beforeAll(async () => {
    application = await startTestApp({
      name: 'dm_independent_clients',
      env: { SIMULATOR_DELAY_SECONDS: '0', VERIFY_INITIAL_DELAY_SECONDS: '1' },
    });
    config = application.config;
    dataSource = createDataSource({ url: application.database.url, poolSize: 2, applicationName: 'dm-test' });
    await dataSource.initialize();
    client = await application.soapClient();
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await application.close();
  });

  /**
   * What an example's period holds besides the CFDI it downloads itself: SAT's metadata (RfcPac and
   * third parties), and a CFDI with every optional header attribute, stored and indexed as a package.
   */
  async function prepareIndex(firstDay: string, lastDay: string, uuid: string, day: string): Promise<void> {
    const [registered] = await client.RegistrarSolicitudAsync({
      Rfc: 'EKU9003173C9',
      FechaInicial: `${firstDay}T00:00:00`,
      FechaFinal: `${lastDay}T23:59:59`,
      Contexto: 'Emitidos',
      TipoSolicitud: 'Metadata',
    });
    const idSolicitud = String(
      registered.Resultados.Resultado[0]?.IdSolicitud ?? registered.Resultados.Resultado.IdSolicitud,
    );
    await eventually(
      async () => {
        const [answer] = await client.RecuperarSolicitudAsync({ IdSolicitud: idSolicitud });
        if (answer.Solicitud.Estado !== 'Completada')
          throw new Error(`metadata solicitud still ${String(answer.Solicitud.Estado)}`);
      },
      { timeoutMs: 90_000, intervalMs: 300 },
    );
    const [{ tenantId } = { tenantId: '' }] = await dataSource.query<{ tenantId: string }[]>(
      `SELECT tenant_id::text AS "tenantId" FROM api_users WHERE username = 'demo'`,
    );
    const store = new LocalDiskObjectStore({
      directory: config.storage.kind === 'local' ? config.storage.directory : '',
      baseUrl: () => '',
      linkSecret: Buffer.alloc(32),
    });
    const stored = await storePackage(dataSource, store, {
      tenantId,
      rfc: 'EKU9003173C9',
      idPaquete: `FULL_HEADER_${firstDay}`,
      contexto: 'Emitidos',
      tipoSolicitud: 'CFDI',
      fechaInicial: new Date(`${firstDay}T06:00:00Z`),
      storedAt: new Date(),
      zip: zipOf([{ name: `${uuid}.xml`, content: fullHeaderCfdi(uuid, day) }]),
    });
    await new PackageIndexer(dataSource, store).index(stored.paqueteId);
  }

  /** One v1 call over plain HTTP, its answer read with a DOM: what the server sent, as text. */
  async function rawAnswer(operation: string, body: string): Promise<Element> {
    const response = await fetch(`${application.url}/soap/DescargaMasiva`, {
      method: 'POST',
      headers: {
        'Content-Type': 'text/xml; charset=utf-8',
        SOAPAction: `"urn:descarga-masiva:v1/${operation}"`,
        Authorization: `Basic ${Buffer.from('demo:demo').toString('base64')}`,
      },
      body:
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
        `<${operation} xmlns="urn:descarga-masiva:v1">${body}</${operation}></soap:Body></soap:Envelope>`,
    });
    expect(response.status).toBe(200);
    const document = new DOMParser().parseFromString(await response.text(), 'text/xml');
    return document.getElementsByTagNameNS('urn:descarga-masiva:v1', `${operation}Response`)[0] as Element;
  }

  /** The example's ConsultarCfdi and ConsultarPagos readings, field by field, against the server's answer. */
  async function expectEveryFieldRead(
    story: Story,
    firstDay: string,
    lastDay: string,
    uuid: string,
  ): Promise<void> {
    const period = `<FechaDesde>${firstDay}T00:00:00</FechaDesde><FechaHasta>${lastDay}T23:59:59</FechaHasta>`;
    const found = await rawAnswer(
      'ConsultarCfdi',
      `<Filtro><RfcEmisor>EKU9003173C9</RfcEmisor>${period}</Filtro>` +
        '<Orden><Campo>FechaEmision</Campo><Direccion>ASC</Direccion></Orden><TamanoPagina>100</TamanoPagina>',
    );
    const cfdis = elements(elements(found, 'Cfdis')[0] as Element, 'Cfdi').map((cfdi) =>
      read(cfdi, { Complementos: (list) => elements(list).map((item) => item.textContent ?? '') }),
    );
    expect(story.cfdis).toEqual(cfdis);
    const seen = new Set(cfdis.flatMap((cfdi) => Object.keys(cfdi)));
    expect(ADDED_CFDI_FIELDS.filter((field) => !seen.has(field))).toEqual([]);
    expect(story.cfdis?.find((cfdi) => cfdi.Uuid === uuid)).toMatchObject({
      Serie: 'F',
      Folio: '1001',
      SubTotal: '1000',
      Descuento: '100.5',
      Total: '1043.42',
      Moneda: 'USD',
      TipoCambio: '17.25',
      MetodoPago: 'PPD',
      FormaPago: '99',
      UsoCfdi: 'S01',
      LugarExpedicion: '64000',
      Complementos: ['TimbreFiscalDigital'],
    });

    const pagos = await rawAnswer(
      'ConsultarPagos',
      `<Filtro><RfcEmisor>EKU9003173C9</RfcEmisor><FechaPagoDesde>${firstDay}T00:00:00</FechaPagoDesde>` +
        `<FechaPagoHasta>${lastDay}T23:59:59</FechaPagoHasta></Filtro><Pagina>1</Pagina><TamanoPagina>100</TamanoPagina>`,
    );
    const doctos = (list: Element): Fields[] =>
      elements(list, 'DoctoRelacionado').map((docto) => read(docto, {}));
    const pagosRead = elements(elements(pagos, 'Pagos')[0] as Element, 'Pago').map((pago) =>
      read(pago, { DoctosRelacionados: doctos }),
    );
    expect(pagosRead.length).toBeGreaterThan(0);
    expect(Number(story.pagosTotal)).toBe(pagosRead.length);
    expect(story.pagos).toEqual(pagosRead);
    const saldos = elements(elements(pagos, 'Saldos')[0] as Element, 'Saldo').map((saldo) => read(saldo, {}));
    expect(saldos.length).toBeGreaterThan(0);
    expect(story.saldos).toEqual(saldos);
  }

  const exec = promisify(execFile);

  async function run(command: string, args: string[]): Promise<Story> {
    const { stdout } = await exec(command, args, {
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Story;
  }

  /** What an example program tells of the period, signed in as the demo user. */
  function runExample(command: string, program: string, from: string, to: string): Promise<Story> {
    return run(command, [program, application.url, 'demo', 'demo', from, to]);
  }

  function expectWholeStory(story: Story): void {
    expect(story.estado).toBe('Completada');
    expect(story.paquetes).toBeGreaterThan(0);
    expect(story.sha256Ok).toBe(true);
    expect(Number(story.listTotal)).toBeGreaterThanOrEqual(1);
    // Newest registration first, two per page: the one just made is at the top.
    expect(story.listed[0]).toBe(story.idSolicitud);
    expect(story.listed.length).toBeLessThanOrEqual(2);
    expect(Number(story.cfdiTotal)).toBeGreaterThan(0);
    expect(story.uuid).toMatch(/^[0-9a-f-]{36}$/i);
    expect(story.xmlHasUuid).toBe(true);
  }

  // Periods whose documents include third-party metadata and payment CFDIs (the simulator's corpus).
  /** The whole story of an example that reads every field, over an index holding `uuid` on `day`. */
  async function expectEveryField(
    command: string,
    program: string,
    period: Period,
    uuid: string,
    day: string,
  ) {
    await prepareIndex(period.from, period.to, uuid, day);
    const story = await runExample(command, program, period.from, period.to);
    expectWholeStory(story);
    await expectEveryFieldRead(story, period.from, period.to, uuid);
  }

  it('Python zeep (WS-Security UsernameToken), every field of ConsultarCfdi and ConsultarPagos', async () => {
    const program = path.join(examples, 'python/descarga_masiva.py');
    const period = { from: '2026-05-11', to: '2026-05-20' };
    await expectEveryField(
      '/usr/bin/python3',
      program,
      period,
      'f0f0f0f0-1111-4222-8333-000000000019',
      '2026-05-15',
    );
  });

  it('PHP SoapClient (HTTP Basic), every field of ConsultarCfdi and ConsultarPagos', async () => {
    const program = path.join(examples, 'php/descarga_masiva.php');
    const period = { from: '2026-05-21', to: '2026-05-30' };
    await expectEveryField('php', program, period, 'f0f0f0f0-1111-4222-8333-000000000020', '2026-05-25');
  });

  it('curl and xmllint (the shell example of docs/integration.md)', async () => {
    expectWholeStory(
      await runExample('bash', path.join(examples, 'curl/descarga-masiva.sh'), '2026-07-01', '2026-07-10'),
    );
  });

  it('Java 17 HttpClient and DOM (WS-Security PasswordDigest, SOAP 1.1)', async () => {
    expectWholeStory(
      await runExample('java', path.join(examples, 'java/DescargaMasiva.java'), '2026-08-01', '2026-08-10'),
    );
  });

  it('Ruby Net::HTTP and REXML (WS-Security PasswordText with Created, SOAP 1.2)', async () => {
    expectWholeStory(
      await runExample('ruby', path.join(examples, 'ruby/descarga_masiva.rb'), '2026-09-01', '2026-09-10'),
    );
  });

  it('JavaScript node-soap (WS-Security PasswordDigest, client built from the WSDL)', async () => {
    expectWholeStory(
      await runExample(
        process.execPath,
        path.join(examples, 'javascript/descarga-masiva.js'),
        '2026-10-01',
        '2026-10-10',
      ),
    );
  });

  it('C# HttpClient and XDocument, compiled by Mono (HTTP Basic, SOAP 1.2)', async () => {
    const build = await mkdtemp(path.join(tmpdir(), 'dm-csharp-example-'));
    try {
      const program = path.join(build, 'DescargaMasiva.exe');
      await exec('mcs', [
        '-warnaserror',
        '-r:System.Net.Http.dll',
        '-r:System.Xml.Linq.dll',
        `-out:${program}`,
        path.join(examples, 'csharp/DescargaMasiva.cs'),
      ]);
      expectWholeStory(await runExample('mono', program, '2026-11-01', '2026-11-10'));
    } finally {
      await rm(build, { recursive: true, force: true });
    }
  });
});
