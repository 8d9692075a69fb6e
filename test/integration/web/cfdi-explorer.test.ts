import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { SaxesParser } from 'saxes';
import * as yauzl from 'yauzl';
import { createDataSource, Tenant } from '../../../src/db';
import { CfdiExports } from '../../../src/services/cfdi';
import { WebUserService } from '../../../src/services/web-access';
import { LocalDiskObjectStore } from '../../../src/storage';
import { CFDI_FIELDS_ADDED_IN_V1 } from '../../helpers/contract-fields';
import { parseCsv } from '../../helpers/csv';
import { eventually } from '../../helpers/eventually';
import { FINAL_ESTADOS as FINAL } from '../../helpers/solicitud-checks';
import { Browser } from '../../helpers/web-browser';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';

const RFC = 'EKU9003173C9';
const TERCERO = 'CACX7605101P8';
const FORMULAS = ['=HYPERLINK("http://ejemplo.invalid","clic")', '+52 55 1234 5678', '-1+2', '@SUM(1,2)'];

/** One document as the index holds it, merged here from both tables without the explorer's SQL. */
interface Indexed {
  rfc: string;
  uuid: string;
  rfcEmisor: string | null;
  nombreEmisor: string | null;
  rfcReceptor: string | null;
  nombreReceptor: string | null;
  fecha: Date | null;
  monto: string | null;
  efecto: string | null;
  estatus: string | null;
  held: boolean;
  serie: string | null;
  folio: string | null;
  moneda: string | null;
  objectKey: string | null;
  entryName: string | null;
  rfcACuentaTerceros: string | null;
  nombreACuentaTerceros: string | null;
  /** The XML's header, as the columns print it. */
  xml: {
    version: string | null;
    tipoComprobante: string | null;
    subTotal: string | null;
    descuento: string | null;
    total: string | null;
    tipoCambio: string | null;
    metodoPago: string | null;
    formaPago: string | null;
    usoCfdi: string | null;
    lugarExpedicion: string | null;
    complementos: string[] | null;
  } | null;
}

/** `7924.660000` → `7924.66`, `100.000000` → `100`: amounts as clients get them. */
function canonical(text: string | null | undefined): string {
  if (!text) return '';
  const [whole = '0', fraction = ''] = text.split('.');
  const kept = fraction.replace(/0+$/, '');
  return kept ? `${whole}.${kept}` : whole;
}

const mexicoDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Mexico_City',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** `yyyy-mm-dd` of an instant on Mexico City's calendar. */
function dayOf(date: Date | null): string {
  return date ? mexicoDay.format(date) : '';
}

/** An exact decimal as millionths, so sums compare exactly. */
function micros(text: string | null | undefined): bigint {
  if (!text) return 0n;
  const [whole = '0', fraction = ''] = text.split('.');
  const negative = whole.startsWith('-');
  const value = BigInt(whole.replace('-', '')) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
  return negative ? -value : value;
}

async function unzip(buffer: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true });
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', reject);
        stream.on('end', () => {
          files.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return files;
}

/** The SAT package entry itself, read here with yauzl from the stored file. */
async function entryOf(file: string, name: string): Promise<Buffer> {
  const files = await unzip(readFileSync(file));
  const found = files.get(name);
  if (!found) throw new Error(`${name} not in ${file}`);
  return found;
}

function totalOf(page: string): number {
  return Number(/data-total="(\d+)"/.exec(page)?.[1] ?? -1);
}

function uuidsOf(page: string): string[] {
  return [...page.matchAll(/<tr data-uuid="([0-9a-f-]{36})"/g)].map((match) => match[1] as string);
}

describe('web interface: the CFDI explorer', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dm-cfdi-explorer-'));
  let application: PostgresTestApp;
  let pg: Client;
  let demoTenant: string;
  let index: Indexed[];
  /** A payment CFDI whose complement settles `settled` (two held invoices) and one unknown document. */
  let payment: string;
  let settled: string[];
  const UNKNOWN = 'ffffffff-0000-4000-8000-00000000000f';
  const demo = (): Browser => browsers.demo as Browser;
  const other = (): Browser => browsers.other as Browser;
  const browsers: { demo?: Browser; other?: Browser } = {};

  async function loadIndex(): Promise<Indexed[]> {
    const { rows: metadata } = await pg.query<Record<string, string | Date | null>>(
      `SELECT rfc, uuid::text AS uuid, rfc_emisor, nombre_emisor, rfc_receptor, nombre_receptor,
              fecha_emision AS fecha, monto::text AS monto, efecto, estatus, rfc_a_cuenta_terceros,
              nombre_a_cuenta_terceros
         FROM cfdi_metadata WHERE tenant_id = $1`,
      [demoTenant],
    );
    const { rows: documents } = await pg.query<Record<string, string | string[] | Date | null>>(
      `SELECT d.rfc, d.uuid::text AS uuid, d.rfc_emisor, d.nombre_emisor, d.rfc_receptor, d.nombre_receptor,
              d.fecha, d.total::text AS monto, d.tipo_comprobante AS efecto, d.serie, d.folio, d.moneda,
              p.object_key, d.entry_name, d.version, d.tipo_comprobante, d.subtotal::text AS subtotal,
              d.descuento::text AS descuento, d.total::text AS total, d.tipo_cambio::text AS tipo_cambio,
              d.metodo_pago, d.forma_pago, d.uso_cfdi, d.lugar_expedicion, d.complementos
         FROM cfdi_documents d JOIN paquetes p ON p.id = d.paquete_id WHERE d.tenant_id = $1`,
      [demoTenant],
    );
    const merged = new Map<string, Indexed>();
    const text = (value: string | string[] | Date | null | undefined): string | null =>
      value === undefined || value === null ? null : String(value);
    for (const row of [...documents, ...metadata]) {
      const key = `${String(row.rfc)}|${String(row.uuid)}`;
      const before = merged.get(key);
      const isMetadata = !('entry_name' in row);
      // Metadata wins where both sides know a value (as the index reads them).
      const pick = <T>(mine: T | null, theirs: T | null | undefined): T | null =>
        isMetadata ? (mine ?? theirs ?? null) : (theirs ?? mine ?? null);
      merged.set(key, {
        rfc: String(row.rfc),
        uuid: String(row.uuid),
        rfcEmisor: pick(text(row.rfc_emisor), before?.rfcEmisor),
        nombreEmisor: pick(text(row.nombre_emisor), before?.nombreEmisor),
        rfcReceptor: pick(text(row.rfc_receptor), before?.rfcReceptor),
        nombreReceptor: pick(text(row.nombre_receptor), before?.nombreReceptor),
        fecha: pick(row.fecha as Date | null, before?.fecha),
        monto: pick(text(row.monto), before?.monto),
        efecto: pick(text(row.efecto), before?.efecto),
        estatus: isMetadata ? text(row.estatus) : (before?.estatus ?? null),
        held: !isMetadata || (before?.held ?? false),
        serie: isMetadata ? (before?.serie ?? null) : text(row.serie),
        folio: isMetadata ? (before?.folio ?? null) : text(row.folio),
        moneda: isMetadata ? (before?.moneda ?? null) : text(row.moneda),
        objectKey: isMetadata ? (before?.objectKey ?? null) : text(row.object_key),
        entryName: isMetadata ? (before?.entryName ?? null) : text(row.entry_name),
        rfcACuentaTerceros: isMetadata
          ? text(row.rfc_a_cuenta_terceros)
          : (before?.rfcACuentaTerceros ?? null),
        nombreACuentaTerceros: isMetadata
          ? text(row.nombre_a_cuenta_terceros)
          : (before?.nombreACuentaTerceros ?? null),
        xml: isMetadata
          ? (before?.xml ?? null)
          : {
              version: text(row.version),
              tipoComprobante: text(row.tipo_comprobante),
              subTotal: text(row.subtotal),
              descuento: text(row.descuento),
              total: text(row.total),
              tipoCambio: text(row.tipo_cambio),
              metodoPago: text(row.metodo_pago),
              formaPago: text(row.forma_pago),
              usoCfdi: text(row.uso_cfdi),
              lugarExpedicion: text(row.lugar_expedicion),
              complementos: (row.complementos as string[] | null) ?? null,
            },
      });
    }
    return [...merged.values()];
  }

  async function register(browser: Browser, fields: Record<string, string>): Promise<void> {
    const csrf = await browser.csrfOf('/solicitudes/nueva');
    const response = await browser.post('/solicitudes/nueva', { _csrf: csrf, rfc: RFC, ...fields });
    expect(response.status).toBe(200);
  }

  beforeAll(async () => {
    application = await startTestApp({
      name: 'dm_cfdi_explorer',
      env: {
        SIMULATOR_DELAY_SECONDS: '0',
        VERIFY_INITIAL_DELAY_SECONDS: '1',
        DATA_DIR: dataDir,
      },
    });
    pg = new Client({ connectionString: application.database.url });
    await pg.connect();
    const dataSource = createDataSource({ url: application.database.url, poolSize: 1 });
    await dataSource.initialize();
    const otherTenant = await dataSource.getRepository(Tenant).save({ slug: 'otra-cfdi', nombre: 'Otra' });
    await new WebUserService(dataSource, { maxFailures: 5, lockoutMinutes: 10 }).create(
      otherTenant.id,
      'otra@cfdi.mx',
      'clave-otra',
      { role: 'admin' },
    );
    await dataSource.destroy();

    browsers.demo = new Browser(application.url);
    await demo().signIn('demo', 'demo');
    browsers.other = new Browser(application.url);
    await other().signIn('otra@cfdi.mx', 'clave-otra');

    // Three months with metadata and XML both ways (received XML only of valid documents, as SAT
    // serves it), and two earlier years of metadata alone: more rows than one export batch.
    await register(demo(), {
      fechaInicial: '2025-01-01T00:00',
      fechaFinal: '2025-03-31T23:59',
      contexto: 'Ambos',
      tipoSolicitud: 'Ambos',
      tipoDocumento: 'CFDI',
    });
    await register(demo(), {
      fechaInicial: '2023-01-01T00:00',
      fechaFinal: '2024-12-31T23:59',
      contexto: 'Ambos',
      tipoSolicitud: 'Metadata',
      tipoDocumento: 'CFDI',
    });
    const ended = await eventually(
      async () => {
        const { rows } = await pg.query<{ estado: string }>(`SELECT estado FROM solicitudes`);
        if (rows.length === 6 && rows.every((row) => FINAL.includes(row.estado))) return rows;
        throw new Error(`solicitudes still ${rows.map((r) => r.estado).join(',')}`);
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(ended.map((row) => row.estado)).toEqual(Array(6).fill('Completada'));
    const { rows: tenants } = await pg.query<{ tenant_id: string }>(
      `SELECT DISTINCT tenant_id FROM solicitudes`,
    );
    demoTenant = tenants[0]?.tenant_id ?? '';

    // Names come from whoever issued the invoice: some would be formulas in a spreadsheet.
    const { rows: targets } = await pg.query<{ uuid: string }>(
      `SELECT uuid::text FROM cfdi_metadata WHERE tenant_id = $1 AND rfc_emisor = $2
        ORDER BY fecha_emision LIMIT ${FORMULAS.length}`,
      [demoTenant, RFC],
    );
    for (const [position, target] of targets.entries()) {
      for (const table of ['cfdi_metadata', 'cfdi_documents'])
        await pg.query(`UPDATE ${table} SET nombre_receptor = $2 WHERE tenant_id = $1 AND uuid = $3::uuid`, [
          demoTenant,
          FORMULAS[position],
          target.uuid,
        ]);
    }

    // The XML header columns the simulator's documents leave empty (only where the indexer did not
    // fill them), series and numbers on two invoices, a discount and exchange rate on one, and third
    // parties on a document held with its XML and on one known only by its metadata.
    await pg.query(
      `UPDATE cfdi_documents SET complementos = CASE WHEN tipo_comprobante = 'P'
         THEN ARRAY['TimbreFiscalDigital', 'Pagos'] ELSE ARRAY['TimbreFiscalDigital'] END
        WHERE tenant_id = $1 AND complementos IS NULL AND tipo_documento = 'CFDI'`,
      [demoTenant],
    );
    await pg.query(
      `UPDATE cfdi_documents SET metodo_pago = 'PUE', forma_pago = '03', uso_cfdi = 'G03'
        WHERE tenant_id = $1 AND metodo_pago IS NULL AND tipo_comprobante = 'I'`,
      [demoTenant],
    );
    const { rows: invoices } = await pg.query<{ uuid: string }>(
      `SELECT d.uuid::text FROM cfdi_documents d JOIN cfdi_metadata m USING (tenant_id, rfc, uuid)
        WHERE d.tenant_id = $1 AND d.tipo_comprobante = 'I' AND d.moneda = 'USD' AND d.total > 100
        ORDER BY d.uuid LIMIT 2`,
      [demoTenant],
    );
    expect(invoices).toHaveLength(2);
    for (const [position, invoice] of invoices.entries())
      await pg.query(
        `UPDATE cfdi_documents SET serie = 'F-19', folio = $3, subtotal = total + 10.5, descuento = 10.5, metodo_pago = 'PUE',
                tipo_cambio = 17.1234
          WHERE tenant_id = $1 AND uuid = $2::uuid`,
        [demoTenant, invoice.uuid, `004${position + 2}`],
      );
    const { rows: unheld } = await pg.query<{ uuid: string }>(
      `SELECT m.uuid::text FROM cfdi_metadata m
        WHERE m.tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM cfdi_documents d WHERE d.tenant_id = m.tenant_id AND d.uuid = m.uuid)
        ORDER BY m.uuid LIMIT 1`,
      [demoTenant],
    );
    await pg.query(
      `UPDATE cfdi_metadata SET rfc_a_cuenta_terceros = $2, nombre_a_cuenta_terceros = 'XOCHILT CASAS CHAVEZ'
        WHERE tenant_id = $1 AND uuid = ANY($3::uuid[])`,
      [demoTenant, TERCERO, [invoices[0]?.uuid, unheld[0]?.uuid]],
    );

    // A payment: one Pago of 1500.50 settling two held invoices and a document the tenant does not hold.
    const { rows: payments } = await pg.query<{ uuid: string; rfc: string }>(
      `SELECT d.uuid::text, d.rfc FROM cfdi_documents d
        WHERE d.tenant_id = $1 AND d.tipo_comprobante = 'P'
          AND NOT EXISTS (SELECT 1 FROM cfdi_metadata m WHERE m.tenant_id = d.tenant_id AND m.uuid = d.uuid AND m.estatus = 'Cancelado')
        ORDER BY d.uuid LIMIT 1`,
      [demoTenant],
    );
    const { rows: owed } = await pg.query<{ uuid: string }>(
      `SELECT d.uuid::text FROM cfdi_documents d
        WHERE d.tenant_id = $1 AND d.tipo_comprobante = 'I' AND coalesce(d.serie, '') <> 'F-19'
          AND NOT EXISTS (SELECT 1 FROM cfdi_pago_documentos x WHERE x.tenant_id = d.tenant_id AND x.id_documento = d.uuid::text)
        ORDER BY d.uuid LIMIT 2`,
      [demoTenant],
    );
    payment = payments[0]?.uuid ?? '';
    settled = owed.map((row) => row.uuid);
    expect(settled).toHaveLength(2);
    // Whatever the indexer stored for this payment is replaced by these rows.
    await pg.query(`DELETE FROM cfdi_pagos WHERE tenant_id = $1 AND uuid = $2::uuid`, [demoTenant, payment]);
    await pg.query(
      `INSERT INTO cfdi_pagos (tenant_id, rfc, uuid, indice, version_pagos, fecha_pago, forma_de_pago_p, moneda_p, monto)
       VALUES ($1, $2, $3::uuid, 1, '2.0', '2025-03-10T18:00:00Z', '03', 'MXN', 1500.50)`,
      [demoTenant, payments[0]?.rfc, payment],
    );
    for (const [position, [idDocumento, anterior, pagado, insoluto]] of [
      [settled[0], '2000.00', '1000.50', '999.50'],
      [settled[1], '800', '500.000', '300'],
      [UNKNOWN, '0.5', '0.5', '0'],
    ].entries())
      await pg.query(
        `INSERT INTO cfdi_pago_documentos (tenant_id, rfc, uuid, indice_pago, indice, id_documento, moneda_dr,
            num_parcialidad, imp_saldo_ant, imp_pagado, imp_saldo_insoluto)
         VALUES ($1, $2, $3::uuid, 1, $4, $5, 'MXN', $4, $6, $7, $8)`,
        [demoTenant, payments[0]?.rfc, payment, position + 1, idDocumento, anterior, pagado, insoluto],
      );
    index = await loadIndex();
  }, 150_000);

  afterAll(async () => {
    await pg?.end();
    await application?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has indexed documents of every kind to explore', () => {
    expect(index.length).toBeGreaterThan(1000);
    expect(index.filter((doc) => doc.held).length).toBeGreaterThan(20);
    expect(index.filter((doc) => !doc.held && dayOf(doc.fecha) >= '2025-01-01').length).toBeGreaterThan(0);
    expect(new Set(index.map((doc) => doc.efecto))).toEqual(new Set(['I', 'E', 'T', 'N', 'P']));
    expect(new Set(index.map((doc) => doc.estatus))).toEqual(new Set(['Vigente', 'Cancelado']));
  });

  it('searches by UUID, RFC, name, dates, efecto and estatus', async () => {
    const sample = index.find((doc) => doc.held) as Indexed;
    const counterpart = index.find((doc) => doc.rfcEmisor === RFC)?.rfcReceptor as string;
    const cases: { query: Record<string, string>; expected: (doc: Indexed) => boolean }[] = [
      { query: {}, expected: () => true },
      { query: { uuid: sample.uuid.toUpperCase() }, expected: (doc) => doc.uuid === sample.uuid },
      { query: { rfcEmisor: RFC.toLowerCase() }, expected: (doc) => doc.rfcEmisor === RFC },
      { query: { rfcReceptor: counterpart }, expected: (doc) => doc.rfcReceptor === counterpart },
      {
        query: { nombre: 'bodegas del' },
        expected: (doc) => `${doc.nombreEmisor} ${doc.nombreReceptor}`.includes('BODEGAS DEL'),
      },
      // `%` and `_` are letters here, not wildcards.
      { query: { nombre: '%' }, expected: () => false },
      { query: { nombre: 'hyperlink("' }, expected: (doc) => doc.nombreReceptor === FORMULAS[0] },
      {
        query: { desde: '2025-02-01', hasta: '2025-02-28' },
        expected: (doc) => dayOf(doc.fecha) >= '2025-02-01' && dayOf(doc.fecha) <= '2025-02-28',
      },
      { query: { desde: '2024-12-31' }, expected: (doc) => dayOf(doc.fecha) >= '2024-12-31' },
      { query: { efecto: 'P' }, expected: (doc) => doc.efecto === 'P' },
      { query: { estatus: 'Cancelado' }, expected: (doc) => doc.estatus === 'Cancelado' },
      {
        query: { efecto: 'I', estatus: 'Vigente', hasta: '2023-06-30' },
        expected: (doc) =>
          doc.efecto === 'I' && doc.estatus === 'Vigente' && dayOf(doc.fecha) <= '2023-06-30',
      },
    ];
    for (const { query, expected } of cases) {
      const response = await demo().get(`/cfdi?${new URLSearchParams(query).toString()}`);
      expect(response.status).toBe(200);
      const page = await response.text();
      const matching = index.filter(expected);
      expect({ query, total: totalOf(page) }).toEqual({ query, total: matching.length });
      const wanted = new Set(matching.map((doc) => doc.uuid));
      for (const uuid of uuidsOf(page)) expect(wanted.has(uuid)).toBe(true);
    }
    const bad = await demo().get('/cfdi?uuid=no-es-uuid');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/<p class="alert" role="alert"><strong>DM-2002<\/strong>/);
  });

  it('pages and sorts the results, newest first by default', async () => {
    const byDate = [...index].sort(
      (a, b) => (b.fecha?.getTime() ?? 0) - (a.fecha?.getTime() ?? 0) || a.uuid.localeCompare(b.uuid),
    );
    const first = await (await demo().get('/cfdi')).text();
    expect(uuidsOf(first)).toEqual(byDate.slice(0, 25).map((doc) => doc.uuid));
    expect(first).toContain(`Página 1 de ${Math.ceil(index.length / 25)}`);
    const second = await (await demo().get('/cfdi?pagina=2')).text();
    expect(uuidsOf(second)).toEqual(byDate.slice(25, 50).map((doc) => doc.uuid));

    // Amounts ascending; equal amounts (payments and transfers are 0) by UUID, the tie-breaker.
    const byAmount = [...index].sort((a, b) => {
      const difference = micros(a.monto) - micros(b.monto);
      return difference < 0n ? -1 : difference > 0n ? 1 : a.uuid < b.uuid ? -1 : 1;
    });
    const sorted = await (await demo().get('/cfdi?orden=Monto&direccion=ASC&pagina=3')).text();
    expect(uuidsOf(sorted)).toEqual(byAmount.slice(50, 75).map((doc) => doc.uuid));
    expect(sorted).toMatch(
      /<th scope="col"\s+class="num"\s+aria-sort="ascending">\s*<a href="\/cfdi\?orden=Monto/,
    );
    // The links of the page carry the search: exports and sort headers keep every filter.
    const filtered = await (await demo().get('/cfdi?efecto=E&orden=Monto&direccion=DESC&pagina=1')).text();
    expect(filtered).toContain('href="/cfdi/exportar.csv?efecto=E&amp;orden=Monto&amp;direccion=DESC"');
    expect(filtered).toContain('href="/cfdi/exportar.xlsx?efecto=E&amp;orden=Monto&amp;direccion=DESC"');
    expect(filtered).toContain('href="/cfdi/exportar.zip?efecto=E&amp;orden=Monto&amp;direccion=DESC"');
  });

  it('filters by series, number, currency, complement and third party, and sorts by Total', async () => {
    const withTercero = index.filter((doc) => doc.rfcACuentaTerceros === TERCERO);
    expect(withTercero.some((doc) => doc.held)).toBe(true);
    expect(withTercero.some((doc) => !doc.held)).toBe(true);
    expect(index.some((doc) => doc.xml?.complementos?.includes('Pagos'))).toBe(true);
    const cases: { query: Record<string, string>; expected: (doc: Indexed) => boolean }[] = [
      { query: { serie: 'F-19' }, expected: (doc) => doc.serie === 'F-19' },
      {
        query: { serie: 'F-19', folio: '0042' },
        expected: (doc) => doc.serie === 'F-19' && doc.folio === '0042',
      },
      { query: { moneda: 'usd' }, expected: (doc) => doc.moneda === 'USD' },
      {
        query: { complemento: 'pagos' },
        expected: (doc) => doc.xml?.complementos?.includes('Pagos') ?? false,
      },
      {
        query: { complemento: 'TimbreFiscalDigital', efecto: 'I' },
        expected: (doc) =>
          doc.efecto === 'I' && (doc.xml?.complementos?.includes('TimbreFiscalDigital') ?? false),
      },
      {
        query: { rfcACuentaTerceros: TERCERO.toLowerCase() },
        expected: (doc) => doc.rfcACuentaTerceros === TERCERO,
      },
    ];
    for (const { query, expected } of cases) {
      const response = await demo().get(`/cfdi?${new URLSearchParams(query).toString()}`);
      expect(response.status).toBe(200);
      const page = await response.text();
      const matching = index.filter(expected);
      expect(matching.length).toBeGreaterThan(0);
      expect({ query, total: totalOf(page) }).toEqual({ query, total: matching.length });
      const wanted = new Set(matching.map((doc) => doc.uuid));
      for (const uuid of uuidsOf(page)) expect(wanted.has(uuid)).toBe(true);
      // The form keeps what was asked.
      const [name, value] = Object.entries(query)[0] as [string, string];
      expect(page).toContain(`name="${name}" value="${value}"`);
    }
    // The row shows series and number, and the third party under the issuer.
    const tercero = await (await demo().get(`/cfdi?rfcACuentaTerceros=${TERCERO}`)).text();
    expect(tercero).toContain(`data-tercero="${TERCERO}"`);
    expect(tercero).toMatch(/a cuenta de CACX7605101P8 · XOCHILT CASAS CHAVEZ/);
    const series = await (await demo().get('/cfdi?serie=F-19&folio=0042')).text();
    expect(series).toContain('<td data-serie-folio>F-19 0042</td>');
    for (const [query, code] of [
      ['moneda=Pesos', 'DM-2002'],
      ['folio=a%7Cb', 'DM-2002'],
      ['complemento=Pagos%2CNomina', 'DM-2002'],
      ['rfcACuentaTerceros=X', 'DM-9001'],
    ] as const) {
      const refused = await demo().get(`/cfdi?${query}`);
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain(`<p class="alert" role="alert"><strong>${code}</strong>`);
    }

    // The XML's Total either way; documents without one (metadata only) last, by UUID.
    const byTotal = (direction: 1 | -1) =>
      [...index].sort((a, b) => {
        const [x, y] = [a.xml?.total, b.xml?.total];
        if (!x || !y) return x ? -1 : y ? 1 : a.uuid < b.uuid ? -1 : 1;
        const difference = (micros(x) - micros(y)) * BigInt(direction);
        return difference < 0n ? -1 : difference > 0n ? 1 : a.uuid < b.uuid ? -1 : 1;
      });
    expect(index.some((doc) => !doc.xml?.total)).toBe(true);
    const sorted = await (await demo().get('/cfdi?orden=Total&direccion=DESC')).text();
    expect(uuidsOf(sorted)).toEqual(
      byTotal(-1)
        .slice(0, 25)
        .map((doc) => doc.uuid),
    );
    const lastPage = Math.ceil(index.length / 25);
    const last = await (await demo().get(`/cfdi?orden=Total&direccion=ASC&pagina=${lastPage}`)).text();
    expect(uuidsOf(last)).toEqual(
      byTotal(1)
        .slice((lastPage - 1) * 25)
        .map((doc) => doc.uuid),
    );
    expect(sorted).toContain('href="/cfdi/exportar.csv?orden=Total&amp;direccion=DESC"');
  });

  it('shows every field of a document: the XML header, the third party, amounts as written', async () => {
    const doc = index.find((item) => item.serie === 'F-19' && item.folio === '0042') as Indexed;
    const xml = doc.xml as NonNullable<Indexed['xml']>;
    const grouped = (text: string): string =>
      text.replace(/^-?\d+/, (whole) => whole.replace(/\B(?=(\d{3})+$)/g, ','));
    const page = await (await demo().get(`/cfdi/${doc.uuid}`)).text();
    const campo = (name: string): string | undefined =>
      new RegExp(`<dd data-campo="${name}">([^<]*)</dd>`).exec(page)?.[1];
    expect({
      tipoComprobante: campo('tipoComprobante'),
      version: campo('version'),
      serie: campo('serie'),
      folio: campo('folio'),
      subTotal: campo('subTotal'),
      descuento: campo('descuento'),
      totalXml: campo('totalXml'),
      total: campo('total'),
      monedaXml: campo('monedaXml'),
      tipoCambio: campo('tipoCambio'),
      metodoPago: campo('metodoPago'),
      formaPago: campo('formaPago'),
      usoCfdi: campo('usoCfdi'),
      complementos: campo('complementos'),
      terceros: campo('terceros'),
    }).toEqual({
      tipoComprobante: 'I · Ingreso',
      version: xml.version,
      serie: 'F-19',
      folio: '0042',
      subTotal: `${grouped(canonical(xml.subTotal))} USD`,
      descuento: '10.5 USD',
      totalXml: `${grouped(canonical(xml.total))} USD`,
      total: `${grouped(canonical(xml.total))} USD`,
      monedaXml: 'USD',
      tipoCambio: '17.1234',
      metodoPago: xml.metodoPago,
      formaPago: xml.formaPago,
      usoCfdi: xml.usoCfdi,
      complementos: xml.complementos?.join(', '),
      terceros: `${TERCERO} · XOCHILT CASAS CHAVEZ`,
    });
    expect(page).not.toMatch(/data-campo="(subTotal|descuento|totalXml|total)">[\d,]+\.\d*0\b/);
    for (const name of ['lugarExpedicion', 'fecha', 'fechaTimbrado']) expect(campo(name)).toBeDefined();

    // In English, the same fields under English labels.
    const english = new Browser(application.url);
    await english.signIn('demo', 'demo');
    await english.get('/idioma/en');
    const translated = await (await english.get(`/cfdi/${doc.uuid}`)).text();
    for (const label of [
      'Voucher (from the XML)',
      'Voucher type',
      'Exchange rate',
      'On behalf of a third party',
    ])
      expect(translated).toContain(label);

    // Known only by its metadata: the third party is there, the XML's header is not.
    const unheld = index.find((item) => !item.held && item.rfcACuentaTerceros === TERCERO) as Indexed;
    const metadataOnly = await (await demo().get(`/cfdi/${unheld.uuid}`)).text();
    expect(metadataOnly).toContain(`<dd data-campo="terceros">${TERCERO} · XOCHILT CASAS CHAVEZ</dd>`);
    expect(metadataOnly).toContain('Sin el XML no se conocen los datos del comprobante.');
    expect(metadataOnly).not.toContain('data-campo="subTotal"');
  });

  it('lists the invoices a payment settles and the payments of an invoice, linked both ways', async () => {
    const paymentPage = await (await demo().get(`/cfdi/${payment}`)).text();
    const section = paymentPage.split('data-pagos="pago"')[1]?.split('</section>')[0] ?? '';
    expect(section).toContain('Documentos que liquida');
    expect(section).toMatch(/Pago 1: 1,500\.5 MXN el /);
    const listed = [...section.matchAll(/<tr data-documento="([^"]+)">([\s\S]*?)<\/tr>/g)].map(
      ([, id, cells]) => ({
        id,
        linked: (cells as string).includes(`href="/cfdi/${id}"`),
        pagado: /data-pagado="([^"]*)"/.exec(cells as string)?.[1],
        saldo: /data-saldo="([^"]*)"/.exec(cells as string)?.[1],
      }),
    );
    expect(listed).toEqual([
      { id: settled[0], linked: true, pagado: '1000.5', saldo: '999.5' },
      { id: settled[1], linked: true, pagado: '500', saldo: '300' },
      // Not in the tenant's index: shown, not linked.
      { id: UNKNOWN, linked: false, pagado: '0.5', saldo: '0' },
    ]);
    expect(section).toContain(`<code>${UNKNOWN.toUpperCase()}</code>`);

    const invoicePage = await (await demo().get(`/cfdi/${settled[0]}`)).text();
    const payments = invoicePage.split('data-pagos="factura"')[1]?.split('</section>')[0] ?? '';
    expect(payments).toContain('Pagos recibidos');
    expect(payments).toMatch(
      /class="cfdi-saldo"\s+data-pagado="1000.5"\s+data-saldo="999.5"\s+data-parcialidades="1"/,
    );
    expect(payments).toMatch(new RegExp(`<tr\\s+data-pago="${payment}"\\s+data-parcialidad="1"\\s*>`));
    expect(payments).toContain(`href="/cfdi/${payment}"`);
    expect(payments).toMatch(/Parcialidades: 1 · pagado 1,000\.5 MXN · saldo insoluto 999\.5 MXN/);

    // An invoice paid in one exhibition that no payment settles has no payments section.
    const paidOnce = index.find((doc) => doc.serie === 'F-19') as Indexed;
    expect(paidOnce.xml?.metodoPago).toBe('PUE');
    expect(await (await demo().get(`/cfdi/${paidOnce.uuid}`)).text()).not.toContain('data-pagos=');
  });

  it('draws totals per month and per counterpart of the current search as accessible SVG', async () => {
    const matching = index.filter((doc) => doc.efecto === 'I' && dayOf(doc.fecha) >= '2024-07-01');
    const page = await (await demo().get('/cfdi?efecto=I&desde=2024-07-01')).text();
    expect(page.match(/<svg\s+class="chart-svg"[^>]*role="img"/g)).toHaveLength(3);
    expect(page).toMatch(/<title id="grafica-cantidad-title">CFDI por mes<\/title>/);
    expect(page).toMatch(/<desc id="grafica-importe-desc">[^<]+<\/desc>/);

    const months = new Map<string, { count: number; amount: bigint }>();
    for (const doc of matching) {
      const month = dayOf(doc.fecha).slice(0, 7);
      const total = months.get(month) ?? { count: 0, amount: 0n };
      months.set(month, { count: total.count + 1, amount: total.amount + micros(doc.monto) });
    }
    const monthTable = page.split('data-chart="meses"')[1]?.split('</table>')[0] ?? '';
    const shown = [
      ...monthTable.matchAll(/data-mes="([\d-]+)"\s+data-cantidad="(\d+)"\s+data-importe="([\d.]+)"/g),
    ];
    // Every month from the first to the last, empty ones as zero.
    expect(shown.map((match) => match[1])).toEqual([
      '2024-07',
      '2024-08',
      '2024-09',
      '2024-10',
      '2024-11',
      '2024-12',
      '2025-01',
      '2025-02',
      '2025-03',
    ]);
    for (const [, month, count, amount] of shown) {
      const expected = months.get(month as string) ?? { count: 0, amount: 0n };
      expect({ month, count: Number(count), amount: micros(amount) }).toEqual({ month, ...expected });
    }

    const parties = new Map<string, { count: number; amount: bigint }>();
    for (const doc of matching) {
      const party = (doc.rfcEmisor === doc.rfc ? doc.rfcReceptor : doc.rfcEmisor) as string;
      const total = parties.get(party) ?? { count: 0, amount: 0n };
      parties.set(party, { count: total.count + 1, amount: total.amount + micros(doc.monto) });
    }
    const top = [...parties.entries()]
      .sort(([, a], [, b]) => (b.amount > a.amount ? 1 : b.amount < a.amount ? -1 : b.count - a.count))
      .slice(0, 10);
    const partyTable = page.split('data-chart="contrapartes"')[1]?.split('</table>')[0] ?? '';
    const listed = [
      ...partyTable.matchAll(/data-rfc="([A-Z0-9&Ñ]+)"\s+data-cantidad="(\d+)"\s+data-importe="([\d.]+)"/g),
    ];
    expect(listed.map(([, rfc, count, amount]) => [rfc, Number(count), micros(amount)])).toEqual(
      top.map(([rfc, total]) => [rfc, total.count, total.amount]),
    );
    // The visible total is the sum over the months.
    const sum = [...months.values()].reduce((all, month) => all + month.amount, 0n);
    const pesos = `${sum / 1_000_000n}`.replace(/\B(?=(\d{3})+$)/g, ',');
    expect(page).toContain(`${matching.length} CFDI · ${pesos}.`);
  });

  it('opens one document: readable summary and its XML, escaped, as stored in its package', async () => {
    const doc = index.find(
      (item) => item.held && /[&"]/.test(`${item.nombreEmisor}${item.nombreReceptor}`),
    ) as Indexed;
    expect(doc).toBeDefined();
    const response = await demo().get(`/cfdi/${doc.uuid}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    const escape = (text: string): string =>
      text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    expect(page).toContain(`<h1>CFDI ${doc.uuid.toUpperCase()}</h1>`);
    expect(page).toContain(
      `<dd data-campo="emisor">${escape(`${doc.rfcEmisor} · ${doc.nombreEmisor}`)}</dd>`,
    );
    expect(page).toContain(
      `<dd data-campo="receptor">${escape(`${doc.rfcReceptor} · ${doc.nombreReceptor}`)}</dd>`,
    );
    expect(page).toContain(`<dd data-campo="moneda">${doc.moneda}</dd>`);
    const { rows } = await pg.query<{ id_paquete: string; solicitud_id: string }>(
      `SELECT p.id_paquete, p.solicitud_id FROM paquetes p WHERE p.object_key = $1`,
      [doc.objectKey],
    );
    expect(page).toContain(`<code>${rows[0]?.id_paquete}</code>`);
    expect(page).toContain(`href="/solicitudes/${rows[0]?.solicitud_id}"`);

    // The XML is shown as text: every tag and entity escaped, nothing of it live markup.
    const xml = page.split('<pre class="xml" tabindex="0"><code>')[1]?.split('</code></pre>')[0] ?? '';
    expect(xml).toContain('<span class="x-tag">cfdi:Comprobante</span>');
    expect(xml).toMatch(/&lt;<span class="x-tag">cfdi:Emisor<\/span>/);
    expect(xml).toMatch(/&amp;(amp|quot);/);
    expect(xml.replace(/<\/?span[^>]*>/g, '')).not.toMatch(/[<>]/);
    expect(xml).toContain(doc.uuid.toUpperCase());
    expect(page).toContain(`href="/cfdi/${doc.uuid}/xml"`);

    const download = await demo().get(`/cfdi/${doc.uuid}/xml`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="${doc.uuid.toUpperCase()}.xml"`,
    );
    const bytes = Buffer.from(await download.arrayBuffer());
    const stored = await entryOf(
      path.join(dataDir, 'objects', ...(doc.objectKey as string).split('/')),
      doc.entryName as string,
    );
    expect(bytes.equals(stored)).toBe(true);
  });

  it('says when only the metadata of a document is held', async () => {
    const doc = index.find((item) => !item.held) as Indexed;
    const page = await (await demo().get(`/cfdi/${doc.uuid.toUpperCase()}`)).text();
    expect(page).toContain('De este CFDI solo se tiene la metadata');
    expect(page).not.toContain('<pre class="xml"');
    expect(page).not.toContain(`/cfdi/${doc.uuid}/xml`);
    const download = await demo().get(`/cfdi/${doc.uuid}/xml`);
    expect(download.status).toBe(409);
    expect(await download.text()).toContain('DM-9018');
  });

  it('exports the search to CSV: BOM, header, every row, RFC 4180 quoting, no live formulas', async () => {
    const response = await demo().get('/cfdi/exportar.csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="cfdi-\d{8}-\d{6}\.csv"$/,
    );
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(response.headers.get('content-length')).toBeNull();
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header?.slice(0, 7)).toEqual([
      'Uuid',
      'Rfc',
      'TipoDocumento',
      'RfcEmisor',
      'NombreEmisor',
      'RfcReceptor',
      'NombreReceptor',
    ]);
    expect(rows).toHaveLength(index.length);
    expect(Number(response.headers.get('x-total-count'))).toBe(index.length);
    expect(new Set(rows.map((row) => row[0]?.toLowerCase()))).toEqual(new Set(index.map((doc) => doc.uuid)));
    expect(new Set(rows.map((row) => row.length))).toEqual(new Set([header?.length]));

    const column = (name: string): number => header?.indexOf(name) ?? -1;
    const byUuid = new Map(rows.map((row) => [row[0]?.toLowerCase(), row]));
    // Compared whole (one assertion, not thousands: the test must not hold the event loop for seconds).
    const shown = index.map((doc) => {
      const row = byUuid.get(doc.uuid) as string[];
      return [micros(row[column('Monto')]), row[column('Estatus')], row[column('Xml')]];
    });
    expect(shown).toEqual(index.map((doc) => [micros(doc.monto), doc.estatus ?? '', doc.held ? 'Sí' : 'No']));
    // Every field ConsultarCfdi answers has its column (but the PAC's RFC), Spanish names, amounts as
    // SAT wrote them.
    for (const name of CFDI_FIELDS_ADDED_IN_V1.filter((field) => field !== 'RfcPac'))
      expect(header).toContain(name);
    const fields = index.map((doc) => {
      const row = byUuid.get(doc.uuid) as string[];
      return [
        'Total',
        'SubTotal',
        'Descuento',
        'TipoCambio',
        'TipoComprobante',
        'Complementos',
        'RfcACuentaTerceros',
        'NombreACuentaTerceros',
        'Serie',
        'Folio',
      ].map((name) => row[column(name)]);
    });
    expect(fields).toEqual(
      index.map((doc) => [
        canonical(doc.xml?.total),
        canonical(doc.xml?.subTotal),
        canonical(doc.xml?.descuento),
        canonical(doc.xml?.tipoCambio),
        doc.xml?.tipoComprobante ?? '',
        doc.xml?.complementos?.join(', ') ?? '',
        doc.rfcACuentaTerceros ?? '',
        doc.nombreACuentaTerceros ?? '',
        doc.serie ?? '',
        doc.folio ?? '',
      ]),
    );
    const amounts = rows.flatMap((row) =>
      ['Monto', 'SubTotal', 'Descuento', 'Total', 'TipoCambio'].map((name) => row[column(name)] as string),
    );
    expect(amounts.filter((amount) => amount !== '' && !/^-?\d+(\.\d*[1-9])?$/.test(amount))).toEqual([]);
    expect(amounts).toContain('10.5');
    // Quotes inside a name are doubled inside a quoted field.
    expect(text).toContain('"COMERCIALIZADORA ""LA COSTEÑA"" DEL NORTE"');
    // What a spreadsheet would evaluate starts with an apostrophe; nothing else changes.
    const names = rows.map((row) => row[column('NombreReceptor')] as string);
    for (const formula of FORMULAS) expect(names).toContain(`'${formula}`);
    expect(text).toContain(`"'=HYPERLINK(""http://ejemplo.invalid"",""clic"")"`);
    expect(rows.flat().filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
    // A search that cannot run is refused before the file begins: a page, not a broken download.
    const refused = await demo().get('/cfdi/exportar.csv?desde=ayer');
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await refused.text()).toMatch(/<strong>DM-\d{4}<\/strong>/);
  });

  it('exports the search to XLSX: a workbook whose sheet holds every row, streamed', async () => {
    const response = await demo().get('/cfdi/exportar.xlsx?estatus=Vigente&orden=Monto&direccion=DESC');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    const files = await unzip(Buffer.from(await response.arrayBuffer()));
    expect([...files.keys()].sort()).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml',
    ]);
    const sheet = (files.get('xl/worksheets/sheet1.xml') as Buffer).toString('utf8');
    // Read with a streaming parser: it fails on anything not well-formed.
    const sheetRows: { ref: string; cells: { ref: string; type?: string; text: string }[] }[] = [];
    const parser = new SaxesParser();
    let cell: { ref: string; type?: string; text: string } | undefined;
    parser.on('opentag', (tag) => {
      const attributes = tag.attributes as Record<string, string>;
      if (tag.name === 'row') sheetRows.push({ ref: attributes.r ?? '', cells: [] });
      if (tag.name === 'c') {
        cell = { ref: attributes.r ?? '', ...(attributes.t ? { type: attributes.t } : {}), text: '' };
        sheetRows[sheetRows.length - 1]?.cells.push(cell);
      }
    });
    parser.on('text', (text) => {
      if (cell) cell.text += text;
    });
    parser.on('closetag', (tag) => {
      if (tag.name === 'c') cell = undefined;
    });
    parser.write(sheet).close();
    const vigentes = index.filter((doc) => doc.estatus === 'Vigente');
    expect(sheetRows).toHaveLength(vigentes.length + 1);
    expect(sheetRows.map((row) => row.ref)).toEqual(sheetRows.map((_row, position) => String(position + 1)));
    expect(sheetRows[0]?.cells.map((header) => header.text).slice(0, 3)).toEqual([
      'Uuid',
      'Rfc',
      'TipoDocumento',
    ]);
    expect(sheetRows[0]?.cells.map((header) => header.text)).toEqual(
      expect.arrayContaining(['Total', 'SubTotal', 'TipoComprobante', 'RfcACuentaTerceros', 'Complementos']),
    );
    const data = sheetRows.slice(1);
    expect(new Set(data.map((row) => row.cells[0]?.text.toLowerCase()))).toEqual(
      new Set(vigentes.map((doc) => doc.uuid)),
    );
    // Amounts are number cells (no type), in the order asked for: largest first.
    const amounts = data.map((row) => row.cells.find((found) => /^K\d+$/.test(found.ref)));
    expect(amounts.every((found) => found && found.type === undefined)).toBe(true);
    const values = amounts.map((found) => micros(found?.text));
    expect(values).toEqual([...values].sort((a, b) => (b > a ? 1 : b < a ? -1 : 0)));
    const byUuid = new Map(vigentes.map((doc) => [doc.uuid, doc]));
    expect(data.map((row) => micros(row.cells.find((found) => /^K\d+$/.test(found.ref))?.text))).toEqual(
      data.map((row) => micros(byUuid.get(row.cells[0]?.text.toLowerCase() ?? '')?.monto)),
    );
    // Text is text: no formula element anywhere, names kept as written.
    expect(sheet).not.toContain('<f>');
    expect(sheet).toContain('DISTRIBUIDORA &amp; LOGÍSTICA DEL PACÍFICO');
  });

  it('downloads the XML of the search as one ZIP by year and month, with LEEME.txt for the rest', async () => {
    const query = { rfcReceptor: RFC, desde: '2025-01-01', hasta: '2025-03-31' };
    const matching = index.filter(
      (doc) =>
        doc.rfcReceptor === RFC && dayOf(doc.fecha) >= '2025-01-01' && dayOf(doc.fecha) <= '2025-03-31',
    );
    const held = matching.filter((doc) => doc.held);
    const missing = matching.filter((doc) => !doc.held);
    expect(held.length).toBeGreaterThan(0);
    expect(missing.length).toBeGreaterThan(0);
    const response = await demo().get(`/cfdi/exportar.zip?${new URLSearchParams(query).toString()}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    const files = await unzip(Buffer.from(await response.arrayBuffer()));
    const expectedNames = held.map((doc) => {
      const [year, month] = dayOf(doc.fecha).split('-');
      return `${year}/${month}/${doc.uuid.toUpperCase()}.xml`;
    });
    expect([...files.keys()].filter((name) => name !== 'LEEME.txt').sort()).toEqual(expectedNames.sort());
    for (const doc of held) {
      const [year, month] = dayOf(doc.fecha).split('-');
      const xml = (files.get(`${year}/${month}/${doc.uuid.toUpperCase()}.xml`) as Buffer).toString('utf8');
      expect(xml).toContain(`UUID="${doc.uuid.toUpperCase()}"`);
    }
    const leeme = (files.get('LEEME.txt') as Buffer).toString('utf8');
    const listed = leeme
      .split('\r\n')
      .filter((line) => /^[0-9A-F-]{36}\t/.test(line))
      .map((line) => line.split('\t'));
    expect(listed.map((line) => line[0]?.toLowerCase()).sort()).toEqual(
      missing.map((doc) => doc.uuid).sort(),
    );
    expect(new Set(listed.map((line) => line[4]))).toEqual(new Set(['SinXml']));
  });

  it('shows another tenant nothing: empty search, documents and XML as missing, empty exports', async () => {
    const doc = index.find((item) => item.held) as Indexed;
    const list = await (await other().get('/cfdi')).text();
    expect(totalOf(list)).toBe(0);
    expect(list).not.toContain(doc.uuid);
    expect(totalOf(await (await other().get(`/cfdi?uuid=${doc.uuid}`)).text())).toBe(0);

    const absent = '7a1f6b0e-0000-4000-8000-000000000000';
    const page = await other().get(`/cfdi/${doc.uuid}`);
    const missing = await other().get(`/cfdi/${absent}`);
    expect(page.status).toBe(404);
    expect(missing.status).toBe(404);
    expect((await page.text()).replaceAll(doc.uuid, '<id>')).toBe(
      (await missing.text()).replaceAll(absent, '<id>'),
    );
    expect((await other().get(`/cfdi/${doc.uuid}/xml`)).status).toBe(404);
    expect((await other().get('/cfdi/no-es-uuid')).status).toBe(404);

    const csv = Buffer.from(await (await other().get('/cfdi/exportar.csv')).arrayBuffer()).toString('utf8');
    expect(parseCsv(csv.slice(1))).toHaveLength(1);
    const zip = await unzip(Buffer.from(await (await other().get('/cfdi/exportar.zip')).arrayBuffer()));
    expect(zip.size).toBe(0);
    const xlsx = await unzip(Buffer.from(await (await other().get('/cfdi/exportar.xlsx')).arrayBuffer()));
    expect((xlsx.get('xl/worksheets/sheet1.xml') as Buffer).toString('utf8').match(/<row /g)).toHaveLength(1);
  });

  it('streams exports a batch at a time as they are read, and refuses a search beyond the limit', async () => {
    const dataSource = createDataSource({ url: application.database.url, poolSize: 2 });
    await dataSource.initialize();
    try {
      let batches = 0;
      const counting = {
        query: <T>(sql: string, parameters?: unknown[]): Promise<T> => {
          if (sql.includes('"sortKey"')) batches += 1;
          return dataSource.query(sql, parameters) as Promise<T>;
        },
      };
      const store = new LocalDiskObjectStore({
        directory: path.join(dataDir, 'objects'),
        baseUrl: () => application.url,
        linkSecret: Buffer.alloc(32, 1),
      });
      const exports = new CfdiExports(counting, store, { batchSize: 50 });
      const { total, stream } = await exports.open(demoTenant, {}, 'csv');
      expect(total).toBe(index.length);
      const reader = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const first = await reader.next();
      expect(first.done).toBe(false);
      // The first chunk needed a few batches; the rest of the index has not been read yet.
      const early = batches;
      expect(early).toBeGreaterThan(0);
      expect(early).toBeLessThan(Math.ceil(total / 50) / 2);
      let text = (first.value as Buffer).toString('utf8');
      for (let next = await reader.next(); !next.done; next = await reader.next())
        text += next.value.toString('utf8');
      expect(parseCsv(text.slice(1))).toHaveLength(total + 1);
      expect(batches).toBeGreaterThanOrEqual(Math.ceil(total / 50));

      const capped = new CfdiExports(counting, store, { maxRows: 10 });
      await expect(capped.open(demoTenant, {}, 'xlsx')).rejects.toMatchObject({ code: 'DM-9020' });
      const { total: few, stream: small } = await capped.open(demoTenant, { uuid: index[0]?.uuid }, 'zip');
      expect(few).toBeLessThanOrEqual(10);
      small.resume();
      await new Promise((resolve) => small.on('end', resolve));
    } finally {
      await dataSource.destroy();
    }
  });
});
