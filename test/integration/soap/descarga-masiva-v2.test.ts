import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import * as soap from 'soap';
import { invoicePaidInPartialities, printed } from '../../helpers/payment-corpus';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';
import { eventually } from '../../helpers/eventually';
import { FINAL_ESTADOS as FINAL_STATES } from '../../helpers/solicitud-checks';

/*
 * Contract v2 (wsdl/v2, urn:descarga-masiva:v2) over real HTTP, with node-soap clients generated from
 * the served WSDLs and the simulated SAT: the whole story, the harmless defaults generated .NET and
 * mono clients send, the list limits, the Fault in v2's namespace, and v1 still answering beside it.
 * Every request sent and every answer received is validated against wsdl/v2/DescargaMasiva.xsd.
 */

const V2_NS = 'urn:descarga-masiva:v2';
const RFC = 'EKU9003173C9';
const xsdPath = path.join(__dirname, '../../../wsdl/v2/DescargaMasiva.xsd');
const scratch = mkdtempSync(path.join(tmpdir(), 'dm-soap-v2-'));

interface FaultDetail {
  Codigo: string;
  Mensaje: string;
  MensajeEn: string;
  Campo?: string;
}

type Fields = Record<string, unknown>;

function list<T = Fields>(value: unknown): T[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as T[];
}

/** The first element inside the SOAP Body, as a document of its own (what the XSD describes). */
function bodyPayload(envelope: string): string {
  const document = new DOMParser().parseFromString(envelope, 'text/xml');
  const body = Array.from(document.documentElement?.childNodes ?? []).find(
    (node) => (node as Element).localName === 'Body',
  ) as Element | undefined;
  const payload = Array.from(body?.childNodes ?? []).find((node) => node.nodeType === 1) as
    Element | undefined;
  if (!payload) throw new Error(`no body payload in ${envelope.slice(0, 200)}`);
  return payload.toString();
}

let validated = 0;
function expectValidV2(xml: string): void {
  validated += 1;
  const file = path.join(scratch, `payload-${validated}.xml`);
  writeFileSync(file, xml);
  const result = spawnSync('xmllint', ['--nonet', '--noout', '--schema', xsdPath, file], {
    encoding: 'utf8',
  });
  expect(`${result.stdout}${result.stderr}`).toContain('validates');
}

/** node-soap rejects with the parsed Fault under `root.Envelope.Body.Fault` and the raw answer as `body`. */
function faultOf(error: unknown): FaultDetail & { raw: string } {
  const caught = error as {
    root?: { Envelope?: { Body?: { Fault?: { detail?: { Falla?: FaultDetail } } } } };
    body?: string;
  };
  const detail = caught.root?.Envelope?.Body?.Fault?.detail?.Falla;
  if (!detail) throw error;
  return { ...detail, raw: caught.body ?? '' };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a Fault');
    },
    (caught: unknown) => caught,
  );
}

describe('DescargaMasiva contract v2 over HTTP', () => {
  let application: PostgresTestApp;
  let v2: soap.Client;
  let v1: soap.Client;
  let endpoint: string;

  /** One v2 call through the generated client; the request and the answer must both be valid v2. */
  async function call(operation: string, peticion: Fields): Promise<Fields> {
    const method = v2[`${operation}Async`] as (args: unknown) => Promise<[Fields, string, unknown, string]>;
    const [result, rawResponse, , rawRequest] = await method({ Peticion: peticion });
    expectValidV2(bodyPayload(rawRequest));
    expectValidV2(bodyPayload(rawResponse));
    expect(Object.keys(result)).toEqual([`${operation}Result`]);
    return result[`${operation}Result`] as Fields;
  }

  async function fault(operation: string, peticion: Fields): Promise<FaultDetail & { raw: string }> {
    const method = v2[`${operation}Async`] as (args: unknown) => Promise<unknown>;
    const found = faultOf(await failure(method({ Peticion: peticion })));
    expect(found.raw).toContain(`xmlns:dm="${V2_NS}"`);
    // The detail's Falla is the XSD's global element.
    expectValidV2(/<dm:Falla [\s\S]*<\/dm:Falla>/.exec(found.raw)?.[0] ?? '');
    return found;
  }

  async function untilFinal(idSolicitud: string): Promise<Fields> {
    return eventually(
      async () => {
        const { Solicitud } = await call('RecuperarSolicitud', { IdSolicitud: idSolicitud });
        const solicitud = Solicitud as Fields;
        if (FINAL_STATES.includes(String(solicitud.Estado))) return solicitud;
        throw new Error(`solicitud ${idSolicitud} still ${String(solicitud.Estado)}`);
      },
      { timeoutMs: 90_000, intervalMs: 300 },
    );
  }

  beforeAll(async () => {
    application = await startTestApp({
      name: 'dm_soap_v2',
      env: {
        SIMULATOR_DELAY_SECONDS: '0',
        VERIFY_INITIAL_DELAY_SECONDS: '1',
      },
    });
    endpoint = `${application.url}/soap/v2/DescargaMasiva`;
    v2 = await soap.createClientAsync(`${endpoint}?wsdl`);
    v2.setSecurity(new soap.WSSecurity('demo', 'demo', { passwordType: 'PasswordText' }));
    v1 = await application.soapClient();
  });

  afterAll(async () => {
    await application.close();
  });

  it('serves its WSDL with this server as the address and its v2 schema', async () => {
    const wsdl = await (await fetch(`${endpoint}?wsdl`)).text();
    expect(wsdl).toContain(`targetNamespace="${V2_NS}"`);
    expect(wsdl).toContain(`location="${endpoint}"`);
    const xsd = await (await fetch(`${endpoint}?xsd=DescargaMasiva.xsd`)).text();
    expect(xsd).toContain(`targetNamespace="${V2_NS}"`);
    // Inlined by the publisher, or imported from this endpoint: either way the v2 types are reachable.
    const imported = /schemaLocation="([^"]+)"/.exec(wsdl)?.[1];
    const schema = imported ? await (await fetch(new URL(imported, endpoint))).text() : wsdl;
    expect(schema).toContain('name="RegistrarSolicitudPeticion"');
  });

  it('runs the whole story: register, poll until Completada, link, download, list pages', async () => {
    const registered = await call('RegistrarSolicitud', {
      Rfc: RFC,
      FechaInicial: '2026-03-01T00:00:00',
      FechaFinal: '2026-03-10T23:59:59',
      Contexto: 'Emitidos',
      TipoSolicitud: 'CFDI',
      ReferenciaCliente: 'v2-story',
    });
    const [resultado] = list(record(registered.Resultados).Resultado);
    expect(resultado).toMatchObject({ Contexto: 'Emitidos', TipoSolicitud: 'CFDI', Estado: 'Registrada' });
    const idSolicitud = String(resultado?.IdSolicitud);

    const solicitud = await untilFinal(idSolicitud);
    expect(solicitud).toMatchObject({
      IdSolicitud: idSolicitud,
      Estado: 'Completada',
      ReferenciaCliente: 'v2-story',
    });
    const [paquete] = list(record(solicitud.Paquetes).Paquete);
    expect(paquete).toBeDefined();

    const link = await call('RecuperarLinkDescarga', {
      IdSolicitud: idSolicitud,
      IdPaquete: paquete?.IdPaquete,
      VigenciaSegundos: 300,
    });
    const zip = Buffer.from(await (await fetch(String(link.Url))).arrayBuffer());
    expect(createHash('sha256').update(zip).digest('hex')).toBe(link.Sha256);
    expect(link.Sha256).toBe(paquete?.Sha256);

    // A second registration, so that a list of one per page has two pages.
    await call('RegistrarSolicitud', {
      Rfc: RFC,
      FechaInicial: '2026-03-11T00:00:00',
      FechaFinal: '2026-03-12T23:59:59',
      Contexto: 'Recibidos',
      TipoSolicitud: 'Metadata',
      ReferenciaCliente: 'v2-story-2',
    });
    // One per page, oldest first: the pages together are the whole list, each solicitud once.
    const whole = await call('RecuperarListaSolicitudes', { Filtro: { Rfc: RFC }, TamanoPagina: 500 });
    const total = Number(whole.Total);
    expect(total).toBeGreaterThanOrEqual(2);
    const paged: unknown[] = [];
    for (let Pagina = 1; Pagina <= total; Pagina += 1) {
      const page = await call('RecuperarListaSolicitudes', {
        Filtro: { Rfc: RFC },
        Orden: { Campo: 'FechaRegistro', Direccion: 'ASC' },
        Pagina,
        TamanoPagina: 1,
      });
      expect([Number(page.Pagina), Number(page.TotalPaginas), Number(page.Total)]).toEqual([
        Pagina,
        total,
        total,
      ]);
      const rows = list(record(page.Solicitudes).Solicitud);
      expect(rows).toHaveLength(1);
      paged.push(rows[0]?.IdSolicitud);
    }
    const ids = list(record(whole.Solicitudes).Solicitud).map((item) => item.IdSolicitud);
    expect([...paged].sort()).toEqual([...ids].sort());
    expect(paged).toContain(idSolicitud);

    const completed = await call('RecuperarListaSolicitudes', {
      Filtro: { Estados: { Estado: ['Completada', 'Error'] }, ReferenciaCliente: 'v2-story' },
    });
    expect(list(record(completed.Solicitudes).Solicitud).map((item) => item.IdSolicitud)).toEqual([
      idSolicitud,
    ]);

    const found = await call('ConsultarCfdi', { Filtro: { RfcEmisor: RFC }, TamanoPagina: 50 });
    const cfdi = list(record(found.Cfdis).Cfdi).find((item) => item.TieneXml === true);
    const xml = await call('RecuperarCfdi', { Uuid: cfdi?.Uuid });
    expect(Buffer.from(String(xml.Xml), 'base64').toString('utf8').toUpperCase()).toContain(
      String(cfdi?.Uuid).toUpperCase(),
    );
    const reconciled = await call('ConsultarConciliacion', {
      Rfc: RFC,
      FechaInicial: '2026-03-01T00:00:00',
      FechaFinal: '2026-03-10T23:59:59',
    });
    expect(Object.keys(record(reconciled.Resumen))).toContain('ConXml');
  });

  it('takes every optional value at its default as if it had not been sent', async () => {
    // Nothing may move between the two calls compared: every solicitud so far reaches its end first.
    const all = list(record((await call('RecuperarListaSolicitudes', {})).Solicitudes).Solicitud);
    for (const solicitud of all) await untilFinal(String(solicitud.IdSolicitud));
    const summary = (page: Fields, items: string, item: string, key: string) => ({
      total: Number(page.Total),
      pagina: Number(page.Pagina),
      keys: list(record(page[items])[item])
        .map((row) => String(row[key]))
        .sort(),
    });

    const listed = await call('RecuperarListaSolicitudes', {
      Filtro: { Contexto: 'Todos', TipoSolicitud: 'Todos', TipoDocumento: 'Todos', Estados: {} },
      Pagina: 0,
      TamanoPagina: 0,
    });
    const plain = await call('RecuperarListaSolicitudes', {});
    expect(summary(listed, 'Solicitudes', 'Solicitud', 'IdSolicitud')).toEqual(
      summary(plain, 'Solicitudes', 'Solicitud', 'IdSolicitud'),
    );
    expect([Number(listed.Total), Number(listed.Pagina)]).toEqual([all.length, 1]);

    const cfdis = await call('ConsultarCfdi', { Filtro: { Efecto: 'Todos' }, Pagina: 0, TamanoPagina: 0 });
    const plainCfdis = await call('ConsultarCfdi', {});
    expect(summary(cfdis, 'Cfdis', 'Cfdi', 'Uuid')).toEqual(summary(plainCfdis, 'Cfdis', 'Cfdi', 'Uuid'));
    expect(Number(cfdis.Total)).toBeGreaterThan(0);

    const conciliacion = { Rfc: RFC, FechaInicial: '2026-03-01T00:00:00', FechaFinal: '2026-03-31T23:59:59' };
    expect(
      await call('ConsultarConciliacion', {
        ...conciliacion,
        Contexto: 'Ambos',
        Pagina: 0,
        TamanoPagina: 0,
        IncluirXmlSinMetadata: false,
      }),
    ).toEqual(await call('ConsultarConciliacion', conciliacion));

    const [story] = list(
      record(
        (await call('RecuperarListaSolicitudes', { Filtro: { ReferenciaCliente: 'v2-story' } })).Solicitudes,
      ).Solicitud,
    );
    const { Solicitud: detalle } = await call('RecuperarSolicitud', { IdSolicitud: story?.IdSolicitud });
    const [paquete] = list(record(record(detalle).Paquetes).Paquete);
    const link = await call('RecuperarLinkDescarga', {
      IdSolicitud: story?.IdSolicitud,
      IdPaquete: paquete?.IdPaquete,
      VigenciaSegundos: 0,
    });
    expect((await fetch(String(link.Url))).status).toBe(200);
    const cfdi = await call('RecuperarCfdi', {
      Uuid: list(record(plainCfdis.Cfdis).Cfdi).find((item) => item.TieneXml === true)?.Uuid,
      Formato: 'Base64',
    });
    expect(cfdi).toHaveProperty('Xml');

    // What mono svcutil sends for a request that set only Rfc, the period, Contexto and TipoSolicitud.
    // v1 refuses EstadoComprobante=Todos for received XML (DM-9008); v2 reads it as "no filter".
    const withDefaults = await call('RegistrarSolicitud', {
      Rfc: RFC,
      FechaInicial: '2026-04-01T00:00:00',
      FechaFinal: '2026-04-05T23:59:59',
      Contexto: 'Recibidos',
      TipoSolicitud: 'CFDI',
      TipoDocumento: 'CFDI',
      RfcContraparte: {},
      TipoComprobante: 'Todos',
      EstadoComprobante: 'Todos',
      ReferenciaCliente: 'v2-defaults',
      Forzar: false,
      Simular: false,
    });
    const [first] = list(record(withDefaults.Resultados).Resultado);
    expect(first?.Estado).toBe('Registrada');
    const { Solicitud } = await call('RecuperarSolicitud', { IdSolicitud: first?.IdSolicitud });
    // No TipoComprobante, and the state v1 itself asks SAT for when received XML names none.
    expect(record(Solicitud).Filtros).toEqual({ EstadoComprobante: 'Vigente' });
    expect(record(Solicitud).Forzar).toBe(false);
    // The same request without them is the same request: the period is already asked.
    const without = await call('RegistrarSolicitud', {
      Rfc: RFC,
      FechaInicial: '2026-04-01T00:00:00',
      FechaFinal: '2026-04-05T23:59:59',
      Contexto: 'Recibidos',
      TipoSolicitud: 'CFDI',
    });
    const [second] = list(record(without.Resultados).Resultado);
    expect(second?.Estado).toBe('Duplicada');
    expect(list(record(second?.IdsSolicitudExistentes).IdSolicitud)).toContain(first?.IdSolicitud);

    // A .NET client never sends an enumeration's first value: Contexto Emitidos, TipoSolicitud CFDI.
    const dotNet = await call('RegistrarSolicitud', {
      Rfc: RFC,
      FechaInicial: '2026-04-06T00:00:00',
      FechaFinal: '2026-04-07T23:59:59',
      Simular: true,
    });
    expect(list(record(dotNet.Resultados).Resultado)).toEqual([
      expect.objectContaining({ Contexto: 'Emitidos', TipoSolicitud: 'CFDI', Estado: 'Simulada' }),
    ]);
  });

  it('answers a bad RFC with a Fault whose Falla is in the v2 namespace', async () => {
    const found = await fault('RegistrarSolicitud', {
      Rfc: 'XYZ',
      FechaInicial: '2026-01-01T00:00:00',
      FechaFinal: '2026-01-02T00:00:00',
    });
    expect(found).toMatchObject({ Codigo: 'DM-9001', Campo: 'Rfc' });
    expect(found.raw).not.toContain('urn:descarga-masiva:v1');
  });

  it('enforces the list limits: 6 RfcContraparte for Emitidos, 9 Estado', async () => {
    const six = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF'].map((letters) => `${letters}010101AAA`);
    const counterparts = await fault('RegistrarSolicitud', {
      Rfc: RFC,
      FechaInicial: '2026-05-01T00:00:00',
      FechaFinal: '2026-05-02T00:00:00',
      Contexto: 'Emitidos',
      TipoSolicitud: 'Metadata',
      RfcContraparte: { Rfc: six },
    });
    expect(counterparts.Codigo).toBe('DM-9007');
    expect(counterparts.MensajeEn).toContain('at most 5 RfcContraparte; 6 were given');
    const two = await call('RegistrarSolicitud', {
      Rfc: RFC,
      FechaInicial: '2026-05-01T00:00:00',
      FechaFinal: '2026-05-02T00:00:00',
      Contexto: 'Emitidos',
      TipoSolicitud: 'Metadata',
      RfcContraparte: { Rfc: six.slice(0, 2) },
    });
    const [registered] = list(record(two.Resultados).Resultado);
    const { Solicitud } = await call('RecuperarSolicitud', { IdSolicitud: registered?.IdSolicitud });
    expect(record(Solicitud).Filtros).toEqual({ RfcContraparte: { Rfc: six.slice(0, 2) } });

    const nine = [
      'Registrada',
      'EnProceso',
      'Descargando',
      'Completada',
      'SinDatos',
      'Rechazada',
      'Error',
      'Vencida',
    ];
    const estados = await fault('RecuperarListaSolicitudes', {
      Filtro: { Estados: { Estado: [...nine, 'Completada'] } },
    });
    expect(estados).toMatchObject({ Codigo: 'DM-2002', Campo: 'Estados' });
    const eight = await call('RecuperarListaSolicitudes', { Filtro: { Estados: { Estado: nine } } });
    expect(Number(eight.Total)).toBeGreaterThanOrEqual(3);
  });

  it('answers SOAP 1.2 with HTTP Basic, Faults carrying the v2 Falla too', async () => {
    const post = (body: string, action: string) =>
      fetch(endpoint, {
        method: 'POST',
        headers: {
          'Content-Type': `application/soap+xml; charset=utf-8; action="urn:descarga-masiva:v2/${action}"`,
          Authorization: `Basic ${Buffer.from('demo:demo').toString('base64')}`,
        },
        body:
          '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>' +
          body +
          '</env:Body></env:Envelope>',
      });
    const listed = await post(
      `<RecuperarListaSolicitudes xmlns="${V2_NS}"><Peticion><TamanoPagina>1</TamanoPagina></Peticion></RecuperarListaSolicitudes>`,
      'RecuperarListaSolicitudes',
    );
    expect(listed.status).toBe(200);
    expect(listed.headers.get('content-type')).toContain('application/soap+xml');
    expectValidV2(bodyPayload(await listed.text()));

    const missing = await post(
      `<RecuperarSolicitud xmlns="${V2_NS}"><Peticion><IdSolicitud>00000000-0000-4000-8000-000000000000</IdSolicitud></Peticion></RecuperarSolicitud>`,
      'RecuperarSolicitud',
    );
    expect(missing.status).toBe(400);
    const text = await missing.text();
    expect(text).toMatch(new RegExp(`<dm:Falla xmlns:dm="${V2_NS}"><dm:Codigo>DM-9009</dm:Codigo>`));
  });

  it('challenges a call without credentials with 401 Basic, as v1 does', async () => {
    const answer = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'text/xml; charset=utf-8',
        SOAPAction: '"urn:descarga-masiva:v2/RecuperarCfdi"',
      },
      body:
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
        `<RecuperarCfdi xmlns="${V2_NS}"><Peticion><Uuid>0b6f1a3e-1111-4222-8333-444455556666</Uuid></Peticion></RecuperarCfdi>` +
        '</soap:Body></soap:Envelope>',
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toContain('Basic realm="descarga-masiva"');
    expect(await answer.text()).toContain(`<dm:Falla xmlns:dm="${V2_NS}"><dm:Codigo>DM-3001</dm:Codigo>`);
  });

  it('leaves v1 answering at its own path, over the same solicitudes', async () => {
    const [listed, rawResponse] = (await v1.RecuperarListaSolicitudesAsync({
      Filtro: { ReferenciaCliente: 'v2-story' },
    })) as [Fields, string];
    expect(rawResponse).toContain('xmlns="urn:descarga-masiva:v1"');
    expect(Number(listed.Total)).toBe(1);
    expect(list(record(listed.Solicitudes).Solicitud)[0]).toMatchObject({ ReferenciaCliente: 'v2-story' });
    const error = await failure(
      v1.RecuperarSolicitudAsync({ IdSolicitud: '00000000-0000-4000-8000-000000000000' }),
    );
    const found = faultOf(error);
    expect(found.Codigo).toBe('DM-9009');
    expect(found.raw).toContain('xmlns:dm="urn:descarga-masiva:v1"');
  });

  it("answers ConsultarCfdi's added fields and filters, and ConsultarPagos' partialities and balance", async () => {
    const paid = invoicePaidInPartialities(RFC, 2025);
    const registered = await call('RegistrarSolicitud', {
      Rfc: RFC,
      FechaInicial: paid.fechaInicial,
      FechaFinal: paid.fechaFinal,
      Contexto: 'Emitidos',
      TipoSolicitud: 'Ambos',
    });
    for (const resultado of list(record(registered.Resultados).Resultado))
      expect((await untilFinal(String(resultado.IdSolicitud))).Estado).toBe('Completada');

    const period = { RfcEmisor: RFC, FechaDesde: paid.fechaInicial, FechaHasta: paid.fechaFinal };
    const rows = async (peticion: Fields): Promise<Fields[]> =>
      list(record((await call('ConsultarCfdi', { TamanoPagina: 500, ...peticion })).Cfdis).Cfdi);
    const all = await rows({ Filtro: period });
    expect(all).toHaveLength(paid.issued.length);
    const tercero = paid.issued.find((document) => document.rfcACuentaTerceros);
    expect(all.find((row) => row.Uuid === tercero?.uuid.toLowerCase())).toMatchObject({
      RfcACuentaTerceros: tercero?.rfcACuentaTerceros,
      NombreACuentaTerceros: tercero?.nombreACuentaTerceros,
    });
    for (const row of all) {
      const document = paid.issued.find((item) => item.uuid.toLowerCase() === row.Uuid);
      expect([row.TipoComprobante, row.Version, String(row.Total), row.Moneda, row.UsoCfdi]).toEqual([
        document?.efecto,
        document?.version,
        printed(document?.monto ?? ''),
        document?.moneda,
        'G03',
      ]);
      expect(list(record(row.Complementos).Complemento)).toContain('TimbreFiscalDigital');
    }
    // Todos, the first value a .NET client never sends, does not filter.
    const uuids = (found: Fields[]): string[] => found.map((row) => String(row.Uuid)).sort();
    expect(uuids(await rows({ Filtro: { ...period, TipoComprobante: 'Todos' } }))).toEqual(uuids(all));
    expect(uuids(await rows({ Filtro: { ...period, TipoComprobante: 'P' } }))).toEqual(
      uuids(all.filter((row) => row.TipoComprobante === 'P')),
    );
    const byTotal = await rows({ Filtro: period, Orden: { Campo: 'Total', Direccion: 'DESC' } });
    const totals = byTotal.map((row) => Number(row.Total));
    expect(totals).toEqual([...totals].sort((a, b) => b - a));

    const pagos = await call('ConsultarPagos', {
      Filtro: { UuidDocumento: paid.invoice.uuid },
      Pagina: 0,
      TamanoPagina: 0,
    });
    expect([Number(pagos.Total), Number(pagos.Pagina)]).toEqual([paid.partialities.length, 1]);
    const invoice = paid.invoice.uuid.toLowerCase();
    const numbers = list(record(pagos.Pagos).Pago).map((pago) =>
      list(record(pago.DoctosRelacionados).DoctoRelacionado)
        .filter((docto) => docto.IdDocumento === invoice)
        .map((docto) => [Number(docto.NumParcialidad), String(docto.ImpSaldoInsoluto)]),
    );
    expect(numbers).toEqual(
      paid.partialities.map(({ docto }) => [[docto.numParcialidad, printed(docto.impSaldoInsoluto)]]),
    );
    const last = paid.partialities.at(-1)?.docto;
    const [saldo] = list(record(pagos.Saldos).Saldo).filter((item) => item.UuidDocumento === invoice);
    expect([String(saldo?.SaldoInsoluto), Number(saldo?.Parcialidades)]).toEqual([
      printed(last?.impSaldoInsoluto ?? ''),
      paid.partialities.length,
    ]);
    const cents = (amount: unknown): number => Math.round(Number(amount) * 100);
    expect(cents(saldo?.TotalPagado) + cents(saldo?.SaldoInsoluto)).toBe(cents(paid.invoice.monto));
  });
});

function record(value: unknown): Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};
}
