import { PassThrough } from 'node:stream';
import { Client } from 'pg';
import * as soap from 'soap';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logging';
import { startApplication, type RunningApplication } from '../../../src/main';
import { createEmptyDatabase, type EmptyDatabase } from '../../helpers/empty-database';

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
  let database: EmptyDatabase;
  let application: RunningApplication;
  let client: soap.Client;
  let wsdlUrl: string;

  beforeAll(async () => {
    database = await createEmptyDatabase('dm_soap');
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
      SAT_MODE: 'simulator',
      WORKERS_ENABLED: 'false',
      DATA_DIR: '/tmp/dm-soap-test',
    });
    application = await startApplication(config, createLogger({ stream: new PassThrough() }), {
      announce: () => undefined,
    });
    wsdlUrl = `${application.url}/soap/DescargaMasiva?wsdl`;
    client = await soap.createClientAsync(wsdlUrl);
    client.setSecurity(new soap.WSSecurity('demo', 'demo', { passwordType: 'PasswordText' }));
  });

  afterAll(async () => {
    await application.close();
    await database.drop();
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

    const pg = new Client({ connectionString: database.url });
    await pg.connect();
    try {
      // Rows are written after the answer: wait for both.
      let rows: Record<string, unknown>[] = [];
      for (let attempt = 0; attempt < 50 && rows.length < 2; attempt += 1) {
        ({ rows } = await pg.query(
          `SELECT actor_type, actor_name, operacion, resultado, codigo, request_id, ip, tenant_id IS NOT NULL AS tenant
             FROM audit_log WHERE operacion = 'DescargaMasiva.RecuperarListaSolicitudes' ORDER BY id DESC LIMIT 2`,
        ));
        if (rows.length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
      }
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
