import { createHash } from 'node:crypto';
import * as soap from 'soap';
import { Client } from 'pg';
import { startTestApp, TEST_MASTER_KEY, type PostgresTestApp } from '../../helpers/app';
import { runCliProcess } from '../../helpers/cli';
import { finalSolicitud } from '../../helpers/solicitud-checks';

interface Paquete {
  IdPaquete: string;
  Tamano?: string;
  Sha256?: string;
  Estado: string;
}

describe('a solicitud driven through SAT (simulator) by the workers', () => {
  let application: PostgresTestApp;
  let client: soap.Client;

  beforeAll(async () => {
    application = await startTestApp({
      name: 'dm_pipeline',
      env: { SIMULATOR_DELAY_SECONDS: '0', VERIFY_INITIAL_DELAY_SECONDS: '1' },
    });
    client = await application.soapClient();
  });

  afterAll(async () => {
    await application.close();
  });

  async function waitForFinalState(
    idSolicitud: string,
  ): Promise<{ Estado: string; Paquetes?: { Paquete?: Paquete | Paquete[] } }> {
    return finalSolicitud(client, idSolicitud, { timeoutMs: 45_000, intervalMs: 500 });
  }

  async function count(sql: string, id: string): Promise<number> {
    const pg = new Client({ connectionString: application.database.url });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ total: number }>(sql, [id]);
      return rows[0]?.total ?? -1;
    } finally {
      await pg.end();
    }
  }

  it('registers over SOAP, then solicita, verifica, descarga and indexa until Completada', async () => {
    const [registered] = await client.RegistrarSolicitudAsync({
      Rfc: 'EKU9003173C9',
      FechaInicial: '2026-01-01T00:00:00',
      FechaFinal: '2026-01-20T23:59:59',
      Contexto: 'Emitidos',
      TipoSolicitud: 'CFDI',
    });
    const idSolicitud = (registered.Resultados.Resultado as { IdSolicitud: string }[])[0]
      ?.IdSolicitud as string;
    const solicitud = (await waitForFinalState(idSolicitud)) as {
      Estado: string;
      NumeroCFDIs?: string;
      Paquetes?: { Paquete?: Paquete | Paquete[] };
    };
    expect(solicitud.Estado).toBe('Completada');
    const paquetes = ([] as Paquete[]).concat(solicitud.Paquetes?.Paquete ?? []);
    expect(paquetes.length).toBeGreaterThan(0);
    const indexed = await count(
      `SELECT count(*)::int AS total FROM cfdi_documents d JOIN paquetes p ON p.id = d.paquete_id WHERE p.solicitud_id = $1`,
      idSolicitud,
    );
    expect(indexed).toBe(Number(solicitud.NumeroCFDIs));
    const first = paquetes[0] as Paquete;
    const [link] = await client.RecuperarLinkDescargaAsync({
      IdSolicitud: idSolicitud,
      IdPaquete: first.IdPaquete,
      VigenciaSegundos: 120,
    });
    expect(link.NombreArchivo).toBe(`${first.IdPaquete}.zip`);
    const download = await fetch(link.Url as string);
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(first.Sha256);
    const missing = await client
      .RecuperarLinkDescargaAsync({ IdSolicitud: idSolicitud, IdPaquete: 'NOPE_01' })
      .then(
        () => undefined,
        (error: {
          root?: { Envelope?: { Body?: { Fault?: { detail?: { Falla?: { Codigo: string } } } } } };
        }) => error,
      );
    expect(missing?.root?.Envelope?.Body?.Fault?.detail?.Falla?.Codigo).toBe('DM-9012');
    for (const paquete of paquetes) {
      expect(paquete.Estado).toBe('Indexado');
      expect(paquete.Sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(Number(paquete.Tamano)).toBeGreaterThan(100);
    }
  });

  function faultCode(error: unknown): string | undefined {
    return (
      error as {
        root?: { Envelope?: { Body?: { Fault?: { detail?: { Falla?: { Codigo: string } } } } } };
      }
    )?.root?.Envelope?.Body?.Fault?.detail?.Falla?.Codigo;
  }

  it('searches the index (ConsultarCfdi) and returns one XML read from its package (RecuperarCfdi)', async () => {
    const [registered] = await client.RegistrarSolicitudAsync({
      Rfc: 'EKU9003173C9',
      FechaInicial: '2026-03-01T00:00:00',
      FechaFinal: '2026-03-10T23:59:59',
      Contexto: 'Recibidos',
      TipoSolicitud: 'CFDI',
      EstadoComprobante: 'Vigente',
    });
    const idSolicitud = (registered.Resultados.Resultado as { IdSolicitud: string }[])[0]
      ?.IdSolicitud as string;
    expect((await waitForFinalState(idSolicitud)).Estado).toBe('Completada');

    const filtro = {
      RfcReceptor: 'EKU9003173C9',
      FechaDesde: '2026-03-01T00:00:00',
      FechaHasta: '2026-03-10T23:59:59',
    };
    const [all] = await client.ConsultarCfdiAsync({ Filtro: filtro, TamanoPagina: 500 });
    const total = Number(all.Total);
    expect(total).toBeGreaterThan(2);
    const cfdis = (
      [] as { Uuid: string; TieneXml: boolean | string; RfcReceptor: string; FechaEmision: string }[]
    ).concat(all.Cfdis.Cfdi ?? []);
    expect(cfdis).toHaveLength(total);
    expect(
      cfdis.every((item) => item.RfcReceptor === 'EKU9003173C9' && String(item.TieneXml) === 'true'),
    ).toBe(true);
    expect(cfdis.every((item) => item.FechaEmision >= '2026-03-01' && item.FechaEmision < '2026-03-11')).toBe(
      true,
    );

    // Paged and sorted: the pages together are the whole, in order.
    const [first] = await client.ConsultarCfdiAsync({
      Filtro: filtro,
      Orden: { Campo: 'Uuid' },
      TamanoPagina: 2,
    });
    const [second] = await client.ConsultarCfdiAsync({
      Filtro: filtro,
      Orden: { Campo: 'Uuid' },
      Pagina: 2,
      TamanoPagina: 2,
    });
    expect(Number(first.TotalPaginas)).toBe(Math.ceil(total / 2));
    const paged = [...first.Cfdis.Cfdi, ...second.Cfdis.Cfdi].map((item: { Uuid: string }) => item.Uuid);
    expect(paged).toEqual(
      cfdis
        .map((item) => item.Uuid)
        .sort()
        .slice(0, 4),
    );

    const uuid = cfdis[0]?.Uuid as string;
    const [asBase64] = await client.RecuperarCfdiAsync({ Uuid: uuid });
    const xml = Buffer.from(asBase64.Xml as string, 'base64').toString('utf8');
    expect(asBase64.NombreArchivo).toBe(`${uuid}.xml`);
    expect(xml).toMatch(/^<\?xml/);
    expect(xml).toContain(`UUID="${uuid.toUpperCase()}"`);
    expect(xml).toContain('Rfc="EKU9003173C9"');

    const [asLink] = await client.RecuperarCfdiAsync({ Uuid: uuid.toUpperCase(), Formato: 'Link' });
    expect(asLink.Xml).toBeUndefined();
    const fetched = await fetch(asLink.Url as string);
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toBe(xml);

    const unknown = await client.RecuperarCfdiAsync({ Uuid: '00000000-0000-4000-8000-000000000000' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(faultCode(unknown)).toBe('DM-9017');
    const badFilter = await client.ConsultarCfdiAsync({ Filtro: { Uuid: 'no-es-uuid' } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(faultCode(badFilter)).toBe('DM-2002');
  });

  it('indexes a metadata solicitud row by row into cfdi_metadata', async () => {
    const [registered] = await client.RegistrarSolicitudAsync({
      Rfc: 'EKU9003173C9',
      FechaInicial: '2026-02-01T00:00:00',
      FechaFinal: '2026-02-28T23:59:59',
      Contexto: 'Recibidos',
      TipoSolicitud: 'Metadata',
    });
    const idSolicitud = (registered.Resultados.Resultado as { IdSolicitud: string }[])[0]
      ?.IdSolicitud as string;
    const solicitud = (await waitForFinalState(idSolicitud)) as { Estado: string; NumeroCFDIs?: string };
    expect(solicitud.Estado).toBe('Completada');
    const rows = await count(
      `SELECT count(*)::int AS total FROM cfdi_metadata m JOIN paquetes p ON p.id = m.paquete_id WHERE p.solicitud_id = $1`,
      idSolicitud,
    );
    expect(rows).toBe(Number(solicitud.NumeroCFDIs));
    expect(rows).toBeGreaterThan(0);
    // Every record the simulator wrote was read: no package carries a list of unreadable lines.
    const withProblems = await count(
      `SELECT count(*)::int AS total FROM paquetes WHERE solicitud_id = $1 AND mensaje IS NOT NULL`,
      idSolicitud,
    );
    expect(withProblems).toBe(0);

    // Known by its metadata only: RecuperarCfdi says so, and how to get the XML.
    const pg = new Client({ connectionString: application.database.url });
    await pg.connect();
    const { rows: onlyMetadata } = await pg.query<{ uuid: string }>(
      `SELECT m.uuid::text AS uuid FROM cfdi_metadata m JOIN paquetes p ON p.id = m.paquete_id
        WHERE p.solicitud_id = $1
          AND NOT EXISTS (SELECT 1 FROM cfdi_documents d WHERE d.tenant_id = m.tenant_id AND d.uuid = m.uuid)
        LIMIT 1`,
      [idSolicitud],
    );
    await pg.end();
    const error = await client.RecuperarCfdiAsync({ Uuid: onlyMetadata[0]?.uuid }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(faultCode(error)).toBe('DM-9018');
  });
  it('keeps tenants apart: another account sees none of this one’s solicitudes, packages or CFDI', async () => {
    const env = { DATABASE_URL: application.database.url, MASTER_KEY: TEST_MASTER_KEY };
    expect(runCliProcess(['tenant', 'create', 'otra-cuenta'], env).status).toBe(0);
    const created = runCliProcess(['user', 'create', 'intruso', '--tenant', 'otra-cuenta'], env);
    const secret = /Secret \(WS-Security \/ HTTP Basic password\): (\S+)/.exec(created.stdout)?.[1] as string;
    const intruder = await soap.createClientAsync(`${application.url}/soap/DescargaMasiva?wsdl`);
    intruder.setSecurity(new soap.WSSecurity('intruso', secret, { passwordType: 'PasswordText' }));

    // What the demo account has: a completed solicitud, its package, and an indexed CFDI with its XML.
    const [own] = await client.RecuperarListaSolicitudesAsync({ Filtro: { Estado: ['Completada'] } });
    const theirs = ([] as { IdSolicitud: string }[]).concat(own.Solicitudes.Solicitud ?? []);
    expect(theirs.length).toBeGreaterThan(0);
    const idSolicitud = theirs[0]?.IdSolicitud as string;
    const [detail] = await client.RecuperarSolicitudAsync({ IdSolicitud: idSolicitud });
    const idPaquete = ([] as Paquete[]).concat(detail.Solicitud.Paquetes?.Paquete ?? [])[0]?.IdPaquete;
    const [cfdis] = await client.ConsultarCfdiAsync({ TamanoPagina: 500 });
    const withXml = ([] as { Uuid: string; TieneXml: boolean | string }[])
      .concat(cfdis.Cfdis.Cfdi ?? [])
      .find((item) => String(item.TieneXml) === 'true');
    expect(withXml).toBeDefined();

    const failure = (call: Promise<unknown>): Promise<string | undefined> =>
      call.then(
        () => 'answered',
        (error: unknown) => faultCode(error),
      );
    // Exactly what an id that does not exist gets.
    expect(await failure(intruder.RecuperarSolicitudAsync({ IdSolicitud: idSolicitud }))).toBe('DM-9009');
    expect(
      await failure(intruder.RecuperarLinkDescargaAsync({ IdSolicitud: idSolicitud, IdPaquete: idPaquete })),
    ).toBe('DM-9009');
    expect(await failure(intruder.RecuperarCfdiAsync({ Uuid: withXml?.Uuid }))).toBe('DM-9017');
    const [list] = await intruder.RecuperarListaSolicitudesAsync({});
    expect(Number(list.Total)).toBe(0);
    const [search] = await intruder.ConsultarCfdiAsync({ Filtro: { Uuid: withXml?.Uuid } });
    expect(Number(search.Total)).toBe(0);
    // And it cannot download for an RFC whose e.firma is not in its account.
    const [registered] = await intruder.RegistrarSolicitudAsync({
      Rfc: 'EKU9003173C9',
      FechaInicial: '2026-01-01T00:00:00',
      FechaFinal: '2026-01-20T23:59:59',
      Contexto: 'Emitidos',
      TipoSolicitud: 'CFDI',
    });
    expect(registered.Resultados.Resultado).toEqual([
      expect.objectContaining({ Estado: 'Rechazada', Codigo: 'DM-9011' }),
    ]);
  });
});
