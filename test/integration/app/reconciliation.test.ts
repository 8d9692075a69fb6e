import { PassThrough } from 'node:stream';
import { Pool } from 'pg';
import type * as soap from 'soap';
import { createDataSource, Tenant } from '../../../src/db';
import { JobRunner, STATUS_RECHECK_JOB } from '../../../src/jobs';
import { createLogger } from '../../../src/logging';
import { ApiUserService } from '../../../src/services/accounts';
import { ReconciliationService } from '../../../src/services/reconciliation';
import { SecretBox, generateMasterKey } from '../../../src/services/secrets';
import { WebUserService } from '../../../src/services/web-access';
import { Corpus, type CorpusDocument } from '../../../src/sat-simulator/corpus';
import { fromMexicoTime } from '../../../src/sat-simulator/mexico-time';
import { parseCsv } from '../../helpers/csv';
import { signedSoapClient } from '../../helpers/demo-soap-client';
import { eventually } from '../../helpers/eventually';
import { FINAL_ESTADOS as FINAL } from '../../helpers/solicitud-checks';
import { Browser } from '../../helpers/web-browser';
import { startWithSimulatedSat, type SimulatedSatApp } from '../../helpers/simulated-sat-app';

/*
 * Reconciliation end to end: real solicitudes (metadata and XML, issued and received) against the
 * simulator, gaps planted the way they happen (a package lost from storage, a document row lost,
 * documents cancelled after their XML was downloaded and seen cancelled by a later metadata download,
 * XML of days no metadata covers), and the report, over SOAP, the web page and the CSV, must name
 * exactly the classes an independent reading of the same corpus predicts.
 */

const RFC = 'EKU9003173C9';
const SEED = 'reconciliation';
const DOCUMENTS_PER_DAY = 6;
const FROM = '2026-01-01T00:00:00';
/** Metadata covers up to here; XML two days more, so those two days have XML without metadata. */
const METADATA_TO = '2026-01-20T23:59:59';
const TO = '2026-01-22T23:59:59';
const FORMULA = '=HYPERLINK("http://ejemplo.invalid","clic")';

type Clase = 'ConXml' | 'SinXml' | 'XmlDeCancelado' | 'RecibidoCanceladoSinXml' | 'XmlSinMetadata';
const CLASES: readonly Clase[] = [
  'ConXml',
  'SinXml',
  'XmlDeCancelado',
  'RecibidoCanceladoSinXml',
  'XmlSinMetadata',
];

interface Diferencia {
  Uuid: string;
  Tipo: Clase;
  RfcEmisor: string;
  RfcReceptor: string;
  FechaEmision?: string;
  Estatus?: string;
}

function at(text: string): Date {
  return fromMexicoTime(text) as Date;
}

function faultCode(error: unknown): string | undefined {
  return (
    error as { root?: { Envelope?: { Body?: { Fault?: { detail?: { Falla?: { Codigo: string } } } } } } }
  )?.root?.Envelope?.Body?.Fault?.detail?.Falla?.Codigo;
}

function faultField(error: unknown): string | undefined {
  return (
    error as { root?: { Envelope?: { Body?: { Fault?: { detail?: { Falla?: { Campo?: string } } } } } } }
  )?.root?.Envelope?.Body?.Fault?.detail?.Falla?.Campo;
}

describe('reconciliation of metadata against held XML, over the simulated corpus', () => {
  const corpus = new Corpus({ documentsPerDay: DOCUMENTS_PER_DAY, seed: SEED });
  let sat: SimulatedSatApp;
  let otherClient: soap.Client;
  let demoTenant: string;
  /** What the report must say of each UUID, computed from the corpus and the planted gaps. */
  const expected = new Map<string, { clase: Clase; document: CorpusDocument }>();
  const planted = { removed: new Set<string>(), cancelled: new Set<string>() };
  let documents: CorpusDocument[] = [];

  async function register(request: Record<string, unknown>): Promise<string[]> {
    const [answer] = await sat.client.RegistrarSolicitudAsync({
      Rfc: RFC,
      TipoDocumento: 'CFDI',
      ...request,
    });
    const results = ([] as { IdSolicitud?: string; Estado: string }[]).concat(answer.Resultados.Resultado);
    expect(results.map((result) => result.Estado)).toEqual(results.map(() => 'Registrada'));
    return results.map((result) => result.IdSolicitud as string);
  }

  /**
   * Waits until these solicitudes, and any the service registered on its own meanwhile (metadata that
   * sizes an XML period, say), have ended; these must end Completada.
   */
  async function settle(ids: string[]): Promise<void> {
    const mine = await eventually(
      async () => {
        const { rows } = await sat.pg.query<{ id: string; estado: string }>(
          'SELECT id, estado FROM solicitudes',
        );
        const ended = rows.filter((row) => ids.includes(row.id));
        if (ended.length === ids.length && rows.every((row) => FINAL.includes(row.estado))) return ended;
        throw new Error(`still ${rows.map((row) => row.estado).join(', ')}`);
      },
      { timeoutMs: 120_000, intervalMs: 300 },
    );
    expect(mine.map((row) => row.estado)).toEqual(ids.map(() => 'Completada'));
  }

  async function conciliar(
    soapClient: soap.Client,
    request: Record<string, unknown>,
  ): Promise<{ resumen: Record<string, number>; diferencias: Diferencia[]; pages: number }> {
    const diferencias: Diferencia[] = [];
    for (let pagina = 1; ; pagina += 1) {
      const [answer] = await soapClient.ConsultarConciliacionAsync({
        Rfc: RFC,
        FechaInicial: FROM,
        FechaFinal: TO,
        ...request,
        Pagina: pagina,
        TamanoPagina: 7,
      });
      diferencias.push(...([] as Diferencia[]).concat(answer.Diferencias?.Diferencia ?? []));
      const pages = Number(answer.TotalPaginas);
      expect(Number(answer.Pagina)).toBe(pagina);
      expect(Number(answer.Total)).toBeGreaterThanOrEqual(diferencias.length);
      if (pagina >= pages) {
        expect(diferencias).toHaveLength(Number(answer.Total));
        const resumen = Object.fromEntries(
          Object.entries(answer.Resumen as Record<string, unknown>).map(([key, value]) => [
            key,
            Number(value),
          ]),
        );
        return { resumen, diferencias, pages };
      }
    }
  }

  function expectedOf(clases: readonly Clase[], contexto: 'Emitidos' | 'Recibidos' | 'Ambos' = 'Ambos') {
    return [...expected]
      .filter(([, item]) => clases.includes(item.clase))
      .filter(
        ([, item]) =>
          contexto === 'Ambos' ||
          (contexto === 'Emitidos' ? item.document.rfcEmisor : item.document.rfcReceptor) === RFC,
      )
      .map(([uuid, item]) => ({ uuid, clase: item.clase }))
      .sort((a, b) => a.uuid.localeCompare(b.uuid));
  }

  const issued = (document: CorpusDocument): boolean => document.rfcEmisor === RFC;
  // SAT serves the issuer's XML whatever its status, the receiver's only while valid.
  const downloaded = (document: CorpusDocument): boolean => issued(document) || document.vigente;

  /** Fills `expected` from the corpus, the planted gaps and what the metadata covers. */
  function classify(items: CorpusDocument[], inMetadata: (document: CorpusDocument) => boolean): void {
    expected.clear();
    for (const document of items) {
      const vigente = document.vigente && !planted.cancelled.has(document.uuid);
      const xml = downloaded(document) && !planted.removed.has(document.uuid);
      let clase: Clase | undefined;
      if (!inMetadata(document)) clase = xml ? 'XmlSinMetadata' : undefined;
      else if (xml) clase = vigente ? 'ConXml' : 'XmlDeCancelado';
      else clase = !vigente && !issued(document) ? 'RecibidoCanceladoSinXml' : 'SinXml';
      if (clase) expected.set(document.uuid, { clase, document });
    }
  }

  function countOf(clase: Clase, contexto: 'Emitidos' | 'Recibidos' | 'Ambos' = 'Ambos'): number {
    return expectedOf([clase], contexto).length;
  }

  beforeAll(async () => {
    sat = await startWithSimulatedSat(
      { delaySeconds: 0, documentsPerDay: DOCUMENTS_PER_DAY, seed: SEED, perPackage: 5 },
      {
        name: 'dm_reconciliation',
        env: { VERIFY_INITIAL_DELAY_SECONDS: '1', RECONCILIATION_RECHECK_DAYS: '30' },
      },
    );

    // Another account holding the same RFC, with nothing downloaded: it must see none of the demo's.
    const dataSource = createDataSource({ url: sat.app.database.url, poolSize: 1 });
    await dataSource.initialize();
    const other = await dataSource.getRepository(Tenant).save({ slug: 'otra-conciliacion', nombre: 'Otra' });
    await sat.pg.query(`INSERT INTO contribuyentes (tenant_id, rfc, nombre) VALUES ($1, $2, 'OTRA')`, [
      other.id,
      RFC,
    ]);
    await new ApiUserService(dataSource, new SecretBox(generateMasterKey(), [])).create(
      other.id,
      'otra-erp',
      {
        secret: 'clave-otra-erp',
      },
    );
    await new WebUserService(dataSource, { maxFailures: 5, lockoutMinutes: 10 }).create(
      other.id,
      'otra@conciliacion.mx',
      'clave-otra',
      { role: 'user' },
    );
    await dataSource.destroy();
    otherClient = await signedSoapClient(sat.app.url, 'otra-erp', 'clave-otra-erp');

    // Metadata of both sides for the period; XML of both sides for two days more.
    await settle([
      ...(await register({
        FechaInicial: FROM,
        FechaFinal: METADATA_TO,
        Contexto: 'Ambos',
        TipoSolicitud: 'Metadata',
      })),
      ...(await register({ FechaInicial: FROM, FechaFinal: TO, Contexto: 'Ambos', TipoSolicitud: 'CFDI' })),
    ]);
    const { rows: tenants } = await sat.pg.query<{ tenant_id: string }>(
      `SELECT DISTINCT tenant_id FROM solicitudes`,
    );
    demoTenant = tenants[0]?.tenant_id as string;

    documents = [...corpus.documents(RFC, 'cfdi', at(FROM), new Date(at(TO).getTime() + 1000))];
    const inMetadata = (document: CorpusDocument): boolean =>
      document.fechaEmision.getTime() < at(METADATA_TO).getTime() + 1000;
    // Gap 0: the last two days' metadata never downloaded (their XML was). Deleted rather than left
    // out of the request: the service may size an XML period with metadata of its own.
    await sat.pg.query(`DELETE FROM cfdi_metadata WHERE tenant_id = $1 AND fecha_emision >= $2`, [
      demoTenant,
      new Date(at(METADATA_TO).getTime() + 1000),
    ]);

    // Gap 1: a package of received XML lost from storage (its rows go with it).
    const { rows: packages } = await sat.pg.query<{ id: string; uuids: string[] }>(
      `SELECT p.id, array_agg(upper(d.uuid::text)) AS uuids
         FROM paquetes p JOIN solicitudes s ON s.id = p.solicitud_id JOIN cfdi_documents d ON d.paquete_id = p.id
        WHERE s.tipo_solicitud = 'CFDI' AND s.contexto = 'Recibidos'
        GROUP BY p.id, p.id_paquete ORDER BY p.id_paquete LIMIT 1`,
    );
    const lostPackage = packages[0] as { id: string; uuids: string[] };
    await sat.pg.query('DELETE FROM paquetes WHERE id = $1', [lostPackage.id]);
    for (const uuid of lostPackage.uuids) planted.removed.add(uuid);
    // Gap 2: one issued document's row lost from the index.
    const lostRow = documents.find(
      (document) => issued(document) && document.vigente && inMetadata(document),
    );
    await sat.pg.query('DELETE FROM cfdi_documents WHERE upper(uuid::text) = $1', [lostRow?.uuid]);
    planted.removed.add(lostRow?.uuid as string);

    // Gap 3: one received and one issued document, valid and held, cancelled after the download; a
    // forced metadata download of the period brings their new status.
    const held = (document: CorpusDocument): boolean =>
      downloaded(document) && !planted.removed.has(document.uuid) && inMetadata(document) && document.vigente;
    for (const pick of [
      documents.find((document) => held(document) && !issued(document)),
      documents.find((document) => held(document) && issued(document)),
    ]) {
      const response = await fetch(`${sat.simulator.url}/_simulator/cancellations`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ uuid: pick?.uuid.toLowerCase() }),
      });
      expect(response.status).toBe(201);
      planted.cancelled.add(pick?.uuid as string);
    }
    await settle(
      await register({
        FechaInicial: FROM,
        FechaFinal: METADATA_TO,
        Contexto: 'Ambos',
        TipoSolicitud: 'Metadata',
        Forzar: true,
      }),
    );

    // What the report must say, from the corpus alone.
    classify(documents, inMetadata);
    // The corpus must exercise every class, or the assertions below prove little.
    for (const clase of CLASES) expect({ clase, count: countOf(clase) > 0 }).toEqual({ clase, count: true });
    expect(planted.cancelled.size).toBe(2);

    // A name some issuer chose to be a spreadsheet formula.
    const named = expectedOf(['SinXml'])[0]?.uuid as string;
    await sat.pg.query(`UPDATE cfdi_metadata SET nombre_emisor = $1 WHERE upper(uuid::text) = $2`, [
      FORMULA,
      named,
    ]);
  }, 300_000);

  afterAll(() => sat.close());

  it('finds over SOAP exactly the planted gaps and the corpus’s own cancellations, paged', async () => {
    const { resumen, diferencias, pages } = await conciliar(sat.client, {});
    const differences: Clase[] = ['SinXml', 'XmlDeCancelado', 'RecibidoCanceladoSinXml'];
    expect(resumen).toEqual({
      DocumentosEnMetadata: CLASES.filter((clase) => clase !== 'XmlSinMetadata').reduce(
        (sum, clase) => sum + countOf(clase),
        0,
      ),
      ConXml: countOf('ConXml'),
      SinXml: countOf('SinXml'),
      XmlDeCancelados: countOf('XmlDeCancelado'),
      RecibidosCanceladosSinXml: countOf('RecibidoCanceladoSinXml'),
    });
    expect(pages).toBe(Math.ceil(diferencias.length / 7));
    expect(
      diferencias
        .map((item) => ({ uuid: item.Uuid.toUpperCase(), clase: item.Tipo }))
        .sort((a, b) => a.uuid.localeCompare(b.uuid)),
    ).toEqual(expectedOf(differences));
    // Exactly the planted gaps: the XML missing is the XML removed, nothing else.
    expect(
      diferencias
        .filter((item) => item.Tipo === 'SinXml')
        .map((item) => item.Uuid.toUpperCase())
        .sort(),
    ).toEqual([...planted.removed].filter((uuid) => expected.get(uuid)?.clase === 'SinXml').sort());
    expect(
      [...planted.removed]
        .filter((uuid) => expected.has(uuid))
        .every((uuid) => expected.get(uuid)?.clase === 'SinXml'),
    ).toBe(true);
    for (const uuid of planted.cancelled) {
      const found = diferencias.find((item) => item.Uuid.toUpperCase() === uuid);
      expect(found).toMatchObject({ Tipo: 'XmlDeCancelado', Estatus: 'Cancelado' });
    }
    // Ordered by issue date; each row says who issued and received it.
    const dates = diferencias.map((item) => item.FechaEmision as string);
    expect(dates).toEqual([...dates].sort());
    for (const item of diferencias) {
      const document = expected.get(item.Uuid.toUpperCase())?.document as CorpusDocument;
      expect([item.RfcEmisor, item.RfcReceptor]).toEqual([document.rfcEmisor, document.rfcReceptor]);
    }

    // Asked for, the XML no metadata describes is listed and counted too.
    const withUnmatched = await conciliar(sat.client, { IncluirXmlSinMetadata: true });
    expect(withUnmatched.resumen.XmlSinMetadata).toBe(countOf('XmlSinMetadata'));
    expect(
      withUnmatched.diferencias
        .map((item) => ({ uuid: item.Uuid.toUpperCase(), clase: item.Tipo }))
        .sort((a, b) => a.uuid.localeCompare(b.uuid)),
    ).toEqual(expectedOf([...differences, 'XmlSinMetadata']));

    // One side at a time.
    for (const contexto of ['Emitidos', 'Recibidos'] as const) {
      const side = await conciliar(sat.client, { Contexto: contexto, IncluirXmlSinMetadata: true });
      expect(side.resumen).toMatchObject({
        ConXml: countOf('ConXml', contexto),
        SinXml: countOf('SinXml', contexto),
        XmlDeCancelados: countOf('XmlDeCancelado', contexto),
        RecibidosCanceladosSinXml: countOf('RecibidoCanceladoSinXml', contexto),
        XmlSinMetadata: countOf('XmlSinMetadata', contexto),
      });
    }
    expect(countOf('RecibidoCanceladoSinXml', 'Emitidos')).toBe(0);
  });

  it('validates its input over SOAP, naming the field', async () => {
    const cases: [Record<string, unknown>, string, string | undefined][] = [
      [{ TamanoPagina: 501 }, 'DM-2002', 'TamanoPagina'],
      [{ Pagina: 0 }, 'DM-2002', 'Pagina'],
      [{ Contexto: 'Todos' }, 'DM-2002', 'Contexto'],
      [{ FechaFinal: '2026-01-32T00:00:00' }, 'DM-9002', 'FechaFinal'],
      [{ FechaFinal: '2025-12-31T23:59:59' }, 'DM-9003', 'FechaFinal'],
      [{ Rfc: 'NO-ES-RFC' }, 'DM-9001', 'Rfc'],
    ];
    for (const [change, code, field] of cases) {
      const error = await sat.client
        .ConsultarConciliacionAsync({ Rfc: RFC, FechaInicial: FROM, FechaFinal: TO, ...change })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect({ change, code: faultCode(error), field: faultField(error) }).toEqual({ change, code, field });
    }
  });

  it('keeps each account to its own data, over SOAP and on the web', async () => {
    const { resumen, diferencias } = await conciliar(otherClient, { IncluirXmlSinMetadata: true });
    expect(resumen).toEqual({
      DocumentosEnMetadata: 0,
      ConXml: 0,
      SinXml: 0,
      XmlDeCancelados: 0,
      RecibidosCanceladosSinXml: 0,
      XmlSinMetadata: 0,
    });
    expect(diferencias).toEqual([]);
    const unknown = await otherClient
      .ConsultarConciliacionAsync({ Rfc: 'AAA010101AAA', FechaInicial: FROM, FechaFinal: TO })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(faultCode(unknown)).toBe('DM-9040');

    const other = new Browser(sat.app.url);
    await other.signIn('otra@conciliacion.mx', 'clave-otra');
    const query = `rfc=${RFC}&desde=2026-01-01&hasta=2026-01-22&clase=Todas`;
    const page = await (await other.get(`/conciliacion?${query}`)).text();
    for (const clase of CLASES) expect(page).toContain(`data-clase="${clase}" data-total="0"`);
    const csv = await (await other.get(`/conciliacion/exportar.csv?${query}`)).text();
    expect(parseCsv(csv.replace(/^\uFEFF/, ''))).toHaveLength(1);
    const foreign = await other.get(`/conciliacion?rfc=AAA010101AAA&desde=2026-01-01&hasta=2026-01-22`);
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain('DM-9040');
  });

  it('shows the totals and each class’s documents on the web page, linked to the explorer', async () => {
    const demo = new Browser(sat.app.url);
    await demo.signIn('demo', 'demo');
    const empty = await (await demo.get('/conciliacion')).text();
    expect(empty).toMatch(/href="\/conciliacion"\s+aria-current="page"/);
    expect(empty).not.toContain('data-total');

    const base = `rfc=${RFC}&desde=2026-01-01&hasta=2026-01-22&contexto=Ambos`;
    const page = await (await demo.get(`/conciliacion?${base}`)).text();
    for (const clase of CLASES)
      expect(page).toContain(`data-clase="${clase}" data-total="${countOf(clase)}"`);
    for (const clase of CLASES) {
      const listed: string[] = [];
      for (let pagina = 1; ; pagina += 1) {
        const html = await (await demo.get(`/conciliacion?${base}&clase=${clase}&pagina=${pagina}`)).text();
        const rows = [...html.matchAll(/<tr data-uuid="([0-9a-f-]{36})" data-clase="(\w+)">/g)];
        expect(rows.every((row) => row[2] === clase)).toBe(true);
        for (const row of rows) {
          listed.push((row[1] as string).toUpperCase());
          expect(html).toContain(`<a href="/cfdi/${row[1]}">`);
        }
        if (!html.includes('rel="next"')) break;
      }
      expect(listed.sort()).toEqual(expectedOf([clase]).map((item) => item.uuid));
    }
    const invalid = await demo.get(`/conciliacion?rfc=${RFC}&desde=2026-01-22&hasta=2026-01-01`);
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain('DM-9003');
  });

  it('exports the report as CSV: BOM, RFC 4180 quoting, formulas neutralised, every row once', async () => {
    const demo = new Browser(sat.app.url);
    await demo.signIn('demo', 'demo');
    const response = await demo.get(
      `/conciliacion/exportar.csv?rfc=${RFC}&desde=2026-01-01&hasta=2026-01-22&clase=Todas`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="conciliacion-EKU9003173C9-/,
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...records] = parseCsv(bytes.toString('utf8').slice(1));
    expect(header).toEqual([
      'Clase',
      'Uuid',
      'Contexto',
      'TipoDocumento',
      'RfcEmisor',
      'NombreEmisor',
      'RfcReceptor',
      'NombreReceptor',
      'FechaEmision',
      'Efecto',
      'Monto',
      'Estatus',
      'FechaCancelacion',
      'IdPaquete',
    ]);
    expect(Number(response.headers.get('x-total-count'))).toBe(expected.size);
    expect(
      records
        .map((record) => ({ uuid: record[1], clase: record[0] }))
        .sort((a, b) => (a.uuid ?? '').localeCompare(b.uuid ?? '')),
    ).toEqual(expectedOf(CLASES));
    // Names as the index holds them (quotes, commas, accents intact); a formula only with its apostrophe.
    const { rows } = await sat.pg.query<{ uuid: string; nombre_emisor: string | null }>(
      `SELECT upper(uuid::text) AS uuid, nombre_emisor FROM cfdi_metadata WHERE tenant_id = $1`,
      [demoTenant],
    );
    const names = new Map(rows.map((row) => [row.uuid, row.nombre_emisor]));
    let formulas = 0;
    for (const record of records) {
      const stored = names.get(record[1] as string);
      if (stored === undefined || stored === null) continue;
      if (stored === FORMULA) {
        formulas += 1;
        expect(record[5]).toBe(`'${FORMULA}`);
      } else expect(record[5]).toBe(stored);
    }
    expect(formulas).toBe(1);
    expect(records.some((record) => `${record[5]}${record[7]}`.includes('"'))).toBe(true);
    // Held XML names its package; the dates are Mexico City wall clock like SAT's.
    for (const record of records) {
      const item = expected.get(record[1] as string);
      const held =
        item?.clase === 'ConXml' || item?.clase === 'XmlDeCancelado' || item?.clase === 'XmlSinMetadata';
      expect({ uuid: record[1], paquete: (record[13] ?? '') !== '' }).toEqual({
        uuid: record[1],
        paquete: held,
      });
      expect(record[8]).toMatch(/^2026-01-(0[1-9]|1\d|2[0-2])T\d{2}:\d{2}:\d{2}$/);
    }
    // In the report's order (issue date, then UUID), whatever the batch size the export reads with:
    // batches of three make the two sides (metadata, XML without it) merge across many boundaries.
    const order = records.map((record) => `${record[8]}|${record[1]?.toLowerCase()}`);
    expect(order).toEqual([...order].sort());
    const dataSource = createDataSource({ url: sat.app.database.url, poolSize: 1 });
    await dataSource.initialize();
    try {
      const small = await new ReconciliationService(dataSource, { batchSize: 3 }).exportCsv(demoTenant, {
        rfc: RFC,
        fechaInicial: FROM,
        fechaFinal: TO,
        clases: CLASES,
      });
      const chunks: string[] = [];
      for await (const chunk of small.stream) chunks.push(chunk as string);
      expect(Buffer.from(chunks.join(''), 'utf8').equals(bytes)).toBe(true);
    } finally {
      await dataSource.destroy();
    }
  });

  it('re-checks statuses on schedule: a forced metadata solicitud per month with XML held', async () => {
    // Turned on with a 30-day interval: nothing ran at start-up.
    const system = `SELECT s.id, s.estado, s.contexto, s.tipo_solicitud, s.forzar, r.referencia_cliente
                      FROM solicitudes s JOIN registros r ON r.id = s.registro_id
                     WHERE r.canal = 'system' AND r.referencia_cliente LIKE 'conciliacion:%'`;
    expect((await sat.pg.query(system)).rows).toEqual([]);
    // A received document whose XML is held but no metadata covers yet is cancelled at SAT.
    const late = documents.find(
      (document) =>
        !issued(document) && document.vigente && expected.get(document.uuid)?.clase === 'XmlSinMetadata',
    ) as CorpusDocument;
    expect(late).toBeDefined();
    await fetch(`${sat.simulator.url}/_simulator/cancellations`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ uuid: late.uuid }),
    });
    planted.cancelled.add(late.uuid);

    // The clock reaches the next run: moved to now, as the runner moves a pending job.
    const pool = new Pool({ connectionString: sat.app.database.url, max: 2 });
    const runner = new JobRunner({
      pool,
      logger: createLogger({ stream: new PassThrough() }),
      name: 'reconciliation-test',
      maxConcurrency: 1,
    });
    await runner.enqueue(STATUS_RECHECK_JOB, 'global', new Date());
    await runner.stop();
    await pool.end();

    const rows = await eventually(
      async () => {
        const found = (
          await sat.pg.query<{
            id: string;
            estado: string;
            contexto: string;
            tipo_solicitud: string;
            forzar: boolean;
            referencia_cliente: string;
          }>(system)
        ).rows;
        if (found.length === 2 && found.every((row) => FINAL.includes(row.estado))) return found;
        throw new Error(`re-check solicitudes: ${JSON.stringify(found)}`);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    // January is the only month with XML held: both sides, metadata, forced, one reference for the run.
    expect(rows.map((row) => [row.contexto, row.tipo_solicitud, row.forzar, row.estado]).sort()).toEqual([
      ['Emitidos', 'Metadata', true, 'Completada'],
      ['Recibidos', 'Metadata', true, 'Completada'],
    ]);
    expect(rows[0]?.referencia_cliente).toMatch(/^conciliacion:EKU9003173C9:CFDI:2026-01:\d{4}-\d{2}-\d{2}$/);
    const { rows: periods } = await sat.pg.query<{ inicio: Date; fin: Date }>(
      `SELECT fecha_inicial AS inicio, fecha_final AS fin FROM solicitudes WHERE id = $1`,
      [rows[0]?.id],
    );
    expect([periods[0]?.inicio.getTime(), periods[0]?.fin.getTime()]).toEqual([
      at('2026-01-01T00:00:00').getTime(),
      at('2026-02-01T00:00:00').getTime(),
    ]);
    // The next run is one interval away.
    const { rows: next } = await sat.pg.query<{ at: Date }>(
      `SELECT next_run_at AS at FROM agenda_jobs WHERE name = $1`,
      [STATUS_RECHECK_JOB],
    );
    expect(next[0]?.at.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    // Now the whole month has metadata: no XML without it, and the late cancellation shows.
    classify(documents, () => true);
    expect(countOf('XmlSinMetadata')).toBe(0);
    expect(expected.get(late.uuid)?.clase).toBe('XmlDeCancelado');
    const { resumen, diferencias } = await conciliar(sat.client, { IncluirXmlSinMetadata: true });
    expect(resumen).toEqual({
      DocumentosEnMetadata: expected.size,
      ConXml: countOf('ConXml'),
      SinXml: countOf('SinXml'),
      XmlDeCancelados: countOf('XmlDeCancelado'),
      RecibidosCanceladosSinXml: countOf('RecibidoCanceladoSinXml'),
      XmlSinMetadata: 0,
    });
    expect(
      diferencias
        .map((item) => ({ uuid: item.Uuid.toUpperCase(), clase: item.Tipo }))
        .sort((a, b) => a.uuid.localeCompare(b.uuid)),
    ).toEqual(expectedOf(['SinXml', 'XmlDeCancelado', 'RecibidoCanceladoSinXml']));
  });
});
