import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { Client } from 'pg';
import * as soap from 'soap';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../../src/db';
import { PackageIndexer } from '../../../src/services/pipeline';
import type { CorpusDoctoRelacionado, CorpusDocument } from '../../../src/sat-simulator/corpus';
import { LocalDiskObjectStore } from '../../../src/storage';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';
import { invoicePaidInPartialities, printed, wallClock } from '../../helpers/payment-corpus';
import { finalSolicitud } from '../../helpers/solicitud-checks';
import { storePackage } from '../../helpers/stored-packages';

interface FaultDetail {
  Codigo: string;
  Mensaje: string;
  MensajeEn: string;
  Campo?: string;
}

/** node-soap rejects with the parsed Fault under `root.Envelope.Body.Fault`. */
function faultOf(error: unknown): FaultDetail {
  const body = (
    error as { root?: { Envelope?: { Body?: { Fault?: { detail?: { Falla?: FaultDetail } } } } } }
  ).root;
  const detail = body?.Envelope?.Body?.Fault?.detail?.Falla;
  if (!detail) throw error;
  return detail;
}

describe('DescargaMasiva SOAP binding over HTTP', () => {
  let application: PostgresTestApp;
  let client: soap.Client;
  let wsdlUrl: string;

  beforeAll(async () => {
    application = await startTestApp({ name: 'dm_soap', env: { WORKERS_ENABLED: 'false' } });
    wsdlUrl = `${application.url}/soap/DescargaMasiva?wsdl`;
    client = await application.soapClient();
  });

  afterAll(async () => {
    await application.close();
  });

  it('serves the WSDL with this server as the address and its XSD inline, the XSD itself beside it', async () => {
    const wsdl = await (await fetch(wsdlUrl)).text();
    expect(wsdl).toContain(`location="${application.url}/soap/DescargaMasiva"`);
    // Inline, as mono svcutil needs it: no import left to resolve, the contract's types in wsdl:types.
    expect(wsdl).not.toContain('schemaLocation');
    expect(wsdl).toMatch(/<xs:schema [^>]*targetNamespace="urn:descarga-masiva:v1"/);
    expect(wsdl).toContain('<xs:element name="RegistrarSolicitud">');
    const xsd = await fetch(`${application.url}/soap/DescargaMasiva?xsd=DescargaMasiva.xsd`);
    expect(xsd.status).toBe(200);
    expect(await xsd.text()).toContain('<xs:element name="RegistrarSolicitud">');
  });

  it('registers, then recovers and lists what it registered', async () => {
    const [registered] = await client.RegistrarSolicitudAsync({
      Rfc: 'EKU9003173C9',
      FechaInicial: '2026-01-01T00:00:00',
      FechaFinal: '2026-01-31T23:59:59',
      Contexto: 'Ambos',
      TipoSolicitud: 'Metadata',
      ReferenciaCliente: 'soap-test-1',
    });
    const resultados = registered.Resultados.Resultado as {
      IdSolicitud: string;
      Contexto: string;
      Estado: string;
    }[];
    expect(resultados.map((r) => [r.Contexto, r.Estado])).toEqual([
      ['Emitidos', 'Registrada'],
      ['Recibidos', 'Registrada'],
    ]);

    const [recovered] = await client.RecuperarSolicitudAsync({ IdSolicitud: resultados[1]?.IdSolicitud });
    expect(recovered.Solicitud).toMatchObject({
      Rfc: 'EKU9003173C9',
      Contexto: 'Recibidos',
      FechaInicial: '2026-01-01T00:00:00',
      FechaFinal: '2026-01-31T23:59:59',
      Estado: 'Registrada',
    });

    const [listed] = await client.RecuperarListaSolicitudesAsync({
      Filtro: { Contexto: 'Recibidos' },
      Orden: { Campo: 'FechaRegistro', Direccion: 'DESC' },
      Pagina: 1,
      TamanoPagina: 10,
    });
    expect(Number(listed.Total)).toBe(1);
    expect(Number(listed.TotalPaginas)).toBe(1);
  });

  it('answers bad input with a Fault naming the field, in Spanish and English', async () => {
    const error = await client
      .RegistrarSolicitudAsync({
        Rfc: 'XYZ',
        FechaInicial: '2026-01-01T00:00:00',
        FechaFinal: '2026-01-02T00:00:00',
        Contexto: 'Emitidos',
        TipoSolicitud: 'CFDI',
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(faultOf(error)).toMatchObject({ Codigo: 'DM-9001', Campo: 'Rfc' });
    expect(faultOf(error).MensajeEn).toContain('RFC');
  });

  it('answers an unknown IdSolicitud with DM-9009 and wrong credentials with DM-3001', async () => {
    const missing = await client
      .RecuperarSolicitudAsync({ IdSolicitud: '00000000-0000-4000-8000-000000000000' })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(faultOf(missing).Codigo).toBe('DM-9009');

    const intruder = await soap.createClientAsync(wsdlUrl);
    intruder.setSecurity(new soap.WSSecurity('demo', 'wrong', { passwordType: 'PasswordText' }));
    const denied = await intruder.RecuperarListaSolicitudesAsync({}).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(faultOf(denied).Codigo).toBe('DM-3001');
  });

  it('writes an audit row for every call, successful or not, with no secret in it', async () => {
    await client.RecuperarListaSolicitudesAsync({ TamanoPagina: 1 });
    const intruder = await soap.createClientAsync(wsdlUrl);
    intruder.setSecurity(new soap.WSSecurity('demo', 'secreto-equivocado', { passwordType: 'PasswordText' }));
    await intruder.RecuperarListaSolicitudesAsync({}).catch(() => undefined);

    const pg = new Client({ connectionString: application.database.url });
    await pg.connect();
    try {
      // Rows are committed before the answer goes out: both are there already, no waiting.
      const { rows } = await pg.query<Record<string, unknown>>(
        `SELECT actor_type, actor_name, operacion, resultado, codigo, request_id, ip, tenant_id IS NOT NULL AS tenant
           FROM audit_log WHERE operacion = 'DescargaMasiva.RecuperarListaSolicitudes' ORDER BY id DESC LIMIT 2`,
      );
      expect(rows).toEqual([
        expect.objectContaining({ resultado: 'error', codigo: 'DM-3001', actor_name: null, tenant: false }),
        expect.objectContaining({ resultado: 'ok', codigo: null, actor_name: 'demo', tenant: true }),
      ]);
      expect(rows.every((row) => typeof row.request_id === 'string' && typeof row.ip === 'string')).toBe(
        true,
      );
      const { rows: leaked } = await pg.query(
        `SELECT count(*)::int AS total FROM audit_log WHERE audit_log::text LIKE '%secreto-equivocado%'`,
      );
      expect(leaked[0]?.total).toBe(0);
    } finally {
      await pg.end();
    }
  });

  it('has the audit row of every call of a concurrent burst committed by the time its answer arrives', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        client.RecuperarListaSolicitudesAsync({ TamanoPagina: 1 }).then(() => client.lastResponseHeaders),
      ),
    );
    const requestIds = answers.map((headers) => String(headers?.['x-request-id']));
    expect(new Set(requestIds).size).toBe(40);
    const pg = new Client({ connectionString: application.database.url });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ total: number }>(
        `SELECT count(*)::int AS total FROM audit_log WHERE request_id = ANY($1) AND resultado = 'ok'`,
        [requestIds],
      );
      expect(rows[0]?.total).toBe(40);
    } finally {
      await pg.end();
    }
  });

  it('counts SOAP calls and solicitudes by state in /metrics', async () => {
    const text = await (await fetch(`${application.url}/metrics`)).text();
    expect(text).toMatch(
      /descarga_masiva_soap_calls_total\{operation="RegistrarSolicitud",result="ok"\} [1-9]/,
    );
    expect(text).toMatch(
      /descarga_masiva_soap_calls_total\{operation="RecuperarSolicitud",result="DM-9009"\} 1/,
    );
    expect(text).toMatch(/descarga_masiva_solicitudes\{estado="Registrada"\} 2/);
    expect(text).toMatch(/descarga_masiva_job_queue_depth \d+/);
  });

  it('answers ConsultarConciliacion: an empty report before any download, DM-9040 for an RFC not of the account', async () => {
    const [empty] = await client.ConsultarConciliacionAsync({
      Rfc: 'EKU9003173C9',
      FechaInicial: '2026-01-01T00:00:00',
      FechaFinal: '2026-01-31T23:59:59',
    });
    expect(empty.Resumen).toEqual({
      DocumentosEnMetadata: 0,
      ConXml: 0,
      SinXml: 0,
      XmlDeCancelados: 0,
      RecibidosCanceladosSinXml: 0,
    });
    expect([empty.Total, empty.Pagina, empty.TotalPaginas]).toEqual([0, 1, 0]);
    const error = await client
      .ConsultarConciliacionAsync({
        Rfc: 'AAA010101AAA',
        FechaInicial: '2026-01-01T00:00:00',
        FechaFinal: '2026-01-31T23:59:59',
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(faultOf(error).Codigo).toBe('DM-9040');
  });
});

/*
 * ConsultarCfdi's fields added within v1 and ConsultarPagos, over what the product downloaded from the
 * simulated SAT (CFDI and metadata of a period in which one invoice is paid in three partialities)
 * and over SAT's real CFDI 3.2 fixture: values checked against an independent reading of the
 * corpus, every answer validated against wsdl/DescargaMasiva.xsd.
 */
describe('DescargaMasiva v1: the index over SOAP (ConsultarCfdi fields, ConsultarPagos)', () => {
  const RFC = 'EKU9003173C9';
  const FIXTURE_UUID = '11111111-2222-3333-4444-000000000001';
  const paid = invoicePaidInPartialities(RFC, 2025);
  const xsdPath = path.join(__dirname, '../../../wsdl/DescargaMasiva.xsd');
  const scratch = mkdtempSync(path.join(tmpdir(), 'dm-soap-index-'));
  let application: PostgresTestApp;
  let client: soap.Client;
  let dataSource: DataSource;
  let validated = 0;

  type Fields = Record<string, unknown>;
  const list = (value: unknown): Fields[] =>
    value === undefined || value === null ? [] : ((Array.isArray(value) ? value : [value]) as Fields[]);
  const text = (value: unknown): string | undefined =>
    value === undefined || value === null ? undefined : String(value);

  /** The answer's body payload must validate against the v1 XSD. */
  function expectValid(envelope: string): void {
    const document = new DOMParser().parseFromString(envelope, 'text/xml');
    const body = Array.from(document.documentElement?.childNodes ?? []).find(
      (node) => (node as Element).localName === 'Body',
    ) as Element | undefined;
    const payload = Array.from(body?.childNodes ?? []).find((node) => node.nodeType === 1) as Element;
    validated += 1;
    const file = path.join(scratch, `answer-${validated}.xml`);
    writeFileSync(file, payload.toString());
    const result = spawnSync('xmllint', ['--nonet', '--noout', '--schema', xsdPath, file], {
      encoding: 'utf8',
    });
    expect(`${result.stdout}${result.stderr}`).toContain('validates');
  }

  async function call(operation: string, args: Fields): Promise<{ answer: Fields; raw: string }> {
    const method = client[`${operation}Async`] as (input: Fields) => Promise<[Fields, string]>;
    const [answer, raw] = await method(args);
    expectValid(raw);
    return { answer, raw };
  }

  async function cfdis(filtro: Fields, extra: Fields = {}): Promise<Fields[]> {
    const { answer } = await call('ConsultarCfdi', { Filtro: filtro, TamanoPagina: 500, ...extra });
    return list((answer.Cfdis as Fields | undefined)?.Cfdi);
  }

  async function untilFinal(idSolicitud: string): Promise<string> {
    return String((await finalSolicitud(client, idSolicitud)).Estado);
  }

  beforeAll(async () => {
    application = await startTestApp({
      name: 'dm_soap_index',
      env: { SIMULATOR_DELAY_SECONDS: '0', VERIFY_INITIAL_DELAY_SECONDS: '1' },
    });
    const { config } = application;
    client = await application.soapClient();
    dataSource = createDataSource({ url: application.database.url, poolSize: 2, applicationName: 'dm-test' });
    await dataSource.initialize();

    // CFDI and metadata of the period, as SAT sends them.
    const [registered] = await client.RegistrarSolicitudAsync({
      Rfc: RFC,
      FechaInicial: paid.fechaInicial,
      FechaFinal: paid.fechaFinal,
      Contexto: 'Emitidos',
      TipoSolicitud: 'Ambos',
    });
    const ids = list(registered.Resultados.Resultado).map((resultado) => String(resultado.IdSolicitud));
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(await untilFinal(id)).toBe('Completada');

    // SAT's real CFDI 3.2 package, stored and indexed for the same account as the pipeline would.
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
      rfc: 'AAA010101AAA',
      idPaquete: 'PHPCFDI_CFDI_32_01',
      contexto: 'Emitidos',
      tipoSolicitud: 'CFDI',
      fechaInicial: new Date('2015-02-01T06:00:00Z'),
      storedAt: new Date(),
      zip: createReadStream(path.join(__dirname, '../../../fixtures/sat/phpcfdi/zip/cfdi.zip')),
    });
    await new PackageIndexer(dataSource, store).index(stored.paqueteId);
  }, 180_000);

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await application?.close();
  });

  it('answers every field the index holds, amounts without trailing zeros, third parties from the metadata', async () => {
    const { answer, raw } = await call('ConsultarCfdi', {
      Filtro: { RfcEmisor: RFC, FechaDesde: paid.fechaInicial, FechaHasta: paid.fechaFinal },
      TamanoPagina: 500,
    });
    const rows = list((answer.Cfdis as Fields).Cfdi);
    expect(rows.map((row) => String(row.Uuid)).sort()).toEqual(
      paid.issued.map((document) => document.uuid.toLowerCase()).sort(),
    );
    for (const row of rows) {
      const document = paid.issued.find((item) => item.uuid.toLowerCase() === row.Uuid) as CorpusDocument;
      const complements = list((row.Complementos as Fields | undefined)?.Complemento).map(String);
      expect({
        Uuid: row.Uuid,
        Monto: text(row.Monto),
        RfcPac: row.RfcPac,
        RfcACuentaTerceros: row.RfcACuentaTerceros,
        NombreACuentaTerceros: row.NombreACuentaTerceros,
        Version: row.Version,
        TipoComprobante: row.TipoComprobante,
        Fecha: row.Fecha,
        SubTotal: text(row.SubTotal),
        Total: text(row.Total),
        Moneda: row.Moneda,
        UsoCfdi: row.UsoCfdi,
        LugarExpedicion: row.LugarExpedicion,
        TieneXml: row.TieneXml,
        timbre: complements.includes('TimbreFiscalDigital'),
        pagos: complements.includes('Pagos'),
      }).toEqual({
        Uuid: document.uuid.toLowerCase(),
        Monto: printed(document.monto),
        RfcPac: document.rfcPac,
        RfcACuentaTerceros: document.rfcACuentaTerceros,
        NombreACuentaTerceros: document.nombreACuentaTerceros,
        Version: document.version,
        TipoComprobante: document.efecto,
        Fecha: wallClock(document.fechaEmision),
        SubTotal: printed(document.monto),
        Total: printed(document.monto),
        Moneda: document.moneda,
        UsoCfdi: 'G03',
        LugarExpedicion: '06000',
        TieneXml: true,
        timbre: true,
        pagos: document.efecto === 'P',
      });
    }
    // The period holds what this test is about: third parties, amounts SAT wrote with a trailing zero.
    expect(paid.issued.some((document) => document.rfcACuentaTerceros)).toBe(true);
    expect(paid.issued.some((document) => /\.\d*0$/.test(document.monto) && Number(document.monto) > 0)).toBe(
      true,
    );
    const amounts = /<(?:\w+:)?(?:Monto|SubTotal|Descuento|Total|TipoCambio)>([^<]*)</g;
    const printedAmounts = [...raw.matchAll(amounts)].map((match) => match[1] ?? '');
    expect(printedAmounts.length).toBeGreaterThan(rows.length);
    expect(printedAmounts.filter((amount) => /\.\d*0$|\.$/.test(amount))).toEqual([]);
  });

  it('filters by TipoComprobante, Complemento, Moneda and third party, and sorts by Total', async () => {
    const period = { RfcEmisor: RFC, FechaDesde: paid.fechaInicial, FechaHasta: paid.fechaFinal };
    const uuids = (rows: Fields[]): string[] => rows.map((row) => String(row.Uuid)).sort();
    const expected = (keep: (document: CorpusDocument) => boolean): string[] =>
      paid.issued
        .filter(keep)
        .map((document) => document.uuid.toLowerCase())
        .sort();
    const payments = expected((document) => document.efecto === 'P');
    expect(payments.length).toBeGreaterThanOrEqual(3);
    expect(uuids(await cfdis({ ...period, TipoComprobante: 'P' }))).toEqual(payments);
    expect(uuids(await cfdis({ ...period, Complemento: 'Pagos' }))).toEqual(payments);
    const usd = expected((document) => document.moneda === 'USD');
    expect(usd.length).toBeGreaterThan(0);
    expect(uuids(await cfdis({ ...period, Moneda: 'usd' }))).toEqual(usd);
    const tercero = paid.issued.find((document) => document.rfcACuentaTerceros) as CorpusDocument;
    expect(uuids(await cfdis({ ...period, RfcACuentaTerceros: tercero.rfcACuentaTerceros }))).toEqual(
      expected((document) => document.rfcACuentaTerceros === tercero.rfcACuentaTerceros),
    );
    const byTotal = await cfdis(period, { Orden: { Campo: 'Total', Direccion: 'DESC' } });
    const totals = byTotal.map((row) => Number(row.Total));
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    expect(totals[0]).toBe(Math.max(...paid.issued.map((document) => Number(document.monto))));
  });

  it("returns SAT's real CFDI 3.2 with its header read from lower-case attributes, found by Serie and Folio", async () => {
    const [found] = await cfdis({ Serie: 'C', Folio: '38' });
    expect(found).toMatchObject({
      Uuid: FIXTURE_UUID,
      RfcEmisor: 'AAA010101AAA',
      RfcReceptor: 'E&Ñ831019M53',
      Version: '3.2',
      TipoComprobante: 'I',
      Serie: 'C',
      Folio: '38',
      Fecha: '2015-02-25T13:50:00',
      FechaTimbrado: '2019-07-24T11:58:36',
      Moneda: 'Pesos',
      MetodoPago: 'No Identificado',
      FormaPago: 'PAGO EN UNA SOLA EXHIBICION',
      LugarExpedicion: 'Monterrey, Nuevo León',
      TieneXml: true,
    });
    expect([found?.Monto, found?.SubTotal, found?.Descuento, found?.Total].map(text)).toEqual([
      '40600',
      '35000',
      '0',
      '40600',
    ]);
    expect(list((found?.Complementos as Fields).Complemento).map(String)).toEqual(['TimbreFiscalDigital']);
    expect(await cfdis({ Serie: 'C', Folio: '39' })).toEqual([]);
  });

  it('answers ConsultarPagos: the three partialities of an invoice and its balance', async () => {
    const invoice = paid.invoice.uuid.toLowerCase();
    const { answer } = await call('ConsultarPagos', { Filtro: { UuidDocumento: paid.invoice.uuid } });
    const pagos = list((answer.Pagos as Fields).Pago);
    expect(Number(answer.Total)).toBe(paid.partialities.length);
    const settling = pagos.map((pago) => {
      const docto = list((pago.DoctosRelacionados as Fields).DoctoRelacionado).find(
        (item) => item.IdDocumento === invoice,
      ) as Fields;
      return {
        UuidPago: pago.UuidPago,
        Version: pago.Version,
        FechaPago: pago.FechaPago,
        NumParcialidad: text(docto.NumParcialidad),
        ImpSaldoAnt: text(docto.ImpSaldoAnt),
        ImpPagado: text(docto.ImpPagado),
        ImpSaldoInsoluto: text(docto.ImpSaldoInsoluto),
      };
    });
    expect(settling).toEqual(
      paid.partialities.map(({ payment, docto }) => ({
        UuidPago: payment.uuid.toLowerCase(),
        Version: payment.version === '3.3' ? '1.0' : '2.0',
        FechaPago: wallClock(payment.fechaEmision),
        NumParcialidad: String(docto.numParcialidad),
        ImpSaldoAnt: printed(docto.impSaldoAnt),
        ImpPagado: printed(docto.impPagado),
        ImpSaldoInsoluto: printed(docto.impSaldoInsoluto),
      })),
    );
    const last = paid.partialities.at(-1)?.docto as CorpusDoctoRelacionado;
    const paidCents = paid.partialities.reduce(
      (sum, { docto }) => sum + Math.round(Number(docto.impPagado) * 100),
      0,
    );
    const saldo = list((answer.Saldos as Fields).Saldo).find((item) => item.UuidDocumento === invoice);
    expect(saldo).toMatchObject({ MonedaDR: paid.invoice.moneda });
    expect(
      [saldo?.SaldoInsoluto, saldo?.TotalPagado, saldo?.Parcialidades, saldo?.UltimaParcialidad].map(text),
    ).toEqual([
      printed(last.impSaldoInsoluto),
      printed((paidCents / 100).toFixed(2)),
      String(paid.partialities.length),
      String(last.numParcialidad),
    ]);
    expect(paidCents + Math.round(Number(last.impSaldoInsoluto) * 100)).toBe(
      Math.round(Number(paid.invoice.monto) * 100),
    );
  });

  it('pages ConsultarPagos and filters it by payment, payment date and RFCs; refuses a bad UuidDocumento', async () => {
    const period = { FechaPagoDesde: paid.fechaInicial, FechaPagoHasta: paid.fechaFinal, RfcEmisor: RFC };
    const { answer: whole } = await call('ConsultarPagos', { Filtro: period, TamanoPagina: 500 });
    const all = list((whole.Pagos as Fields).Pago);
    const expectedPagos = paid.issued.reduce((sum, document) => sum + (document.pagos?.length ?? 0), 0);
    expect(all).toHaveLength(expectedPagos);
    const paged: unknown[] = [];
    for (let Pagina = 1; Pagina <= all.length; Pagina += 1) {
      const { answer } = await call('ConsultarPagos', { Filtro: period, Pagina, TamanoPagina: 1 });
      expect([answer.Total, answer.Pagina, answer.TotalPaginas].map(Number)).toEqual([
        all.length,
        Pagina,
        all.length,
      ]);
      paged.push(
        ...list((answer.Pagos as Fields).Pago).map(
          (pago) => `${String(pago.UuidPago)}|${String(pago.Indice)}`,
        ),
      );
    }
    expect(paged).toEqual(all.map((pago) => `${String(pago.UuidPago)}|${String(pago.Indice)}`));
    const [first] = all;
    const { answer: one } = await call('ConsultarPagos', {
      Filtro: { UuidPago: String(first?.UuidPago).toUpperCase() },
    });
    expect(list((one.Pagos as Fields).Pago).map((pago) => pago.UuidPago)).toEqual(
      all.filter((pago) => pago.UuidPago === first?.UuidPago).map((pago) => pago.UuidPago),
    );
    const { answer: none } = await call('ConsultarPagos', {
      Filtro: { ...period, RfcReceptor: 'AAA010101AAA', RfcEmisor: 'AAA010101AAA' },
    });
    expect([none.Total, list((none.Pagos as Fields | null)?.Pago).length]).toEqual([0, 0]);
    const error = await client.ConsultarPagosAsync({ Filtro: { UuidDocumento: 'factura-1' } }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(faultOf(error)).toMatchObject({ Codigo: 'DM-2002', Campo: 'UuidDocumento' });
  });
});
