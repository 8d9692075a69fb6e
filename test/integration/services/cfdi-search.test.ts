import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { SaxesParser } from 'saxes';
import * as yauzl from 'yauzl';
import { CfdiExports, CfdiService, type CfdiSearchCriteria } from '../../../src/services/cfdi';
import { LocalDiskObjectStore } from '../../../src/storage';
import { parseCsv } from '../../helpers/csv';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

const RFC = 'EKU9003173C9';
const OTHER = 'AAA010101AAA';
const TERCERO = 'CACX7605101P8';

/** One seeded document: metadata and/or XML header columns, by table. */
interface Seed {
  readonly uuid: string;
  readonly metadata?: Record<string, unknown>;
  readonly xml?: Record<string, unknown>;
}

const uuid = (n: number): string => `${String(n).repeat(8)}-0000-4000-8000-${String(n).repeat(12)}`;

/**
 * Five documents covering each way the index knows one: metadata and XML (pesos, dollars), XML alone
 * (a payment, a Retenciones without amounts), metadata alone (with a third party).
 */
const SEEDS: readonly Seed[] = [
  {
    uuid: uuid(1),
    metadata: {
      monto: '7924.66',
      efecto: 'I',
      rfc_a_cuenta_terceros: TERCERO,
      nombre_a_cuenta_terceros: 'XOCHILT CASAS',
    },
    xml: {
      version: '4.0',
      tipo_comprobante: 'I',
      serie: 'A',
      folio: '1',
      subtotal: '8000',
      descuento: '75.34',
      total: '7924.66',
      moneda: 'MXN',
      tipo_cambio: '1',
      metodo_pago: 'PPD',
      forma_pago: '99',
      uso_cfdi: 'G03',
      lugar_expedicion: '42501',
      complementos: ['TimbreFiscalDigital'],
    },
  },
  {
    uuid: uuid(2),
    xml: {
      version: '4.0',
      tipo_comprobante: 'P',
      serie: 'P',
      folio: '7',
      subtotal: '0',
      total: '0',
      moneda: 'XXX',
      uso_cfdi: 'CP01',
      lugar_expedicion: '42501',
      complementos: ['TimbreFiscalDigital', 'Pagos'],
    },
  },
  {
    uuid: uuid(3),
    metadata: { monto: '100', efecto: 'E', rfc_a_cuenta_terceros: TERCERO, nombre_a_cuenta_terceros: null },
  },
  {
    uuid: uuid(4),
    metadata: { monto: '250.5', efecto: 'I' },
    xml: {
      version: '3.3',
      tipo_comprobante: 'I',
      serie: 'A',
      folio: '2',
      subtotal: '250.5',
      total: '250.50',
      moneda: 'USD',
      tipo_cambio: '17.1234',
      metodo_pago: 'PUE',
      forma_pago: '03',
      uso_cfdi: 'G01',
      lugar_expedicion: '06600',
      complementos: ['TimbreFiscalDigital'],
    },
  },
  { uuid: uuid(5), xml: { tipo_documento: 'Retenciones', version: '2.0', folio: '9' } },
];

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function sheetOf(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  const zip = await yauzl.fromBufferPromise(Buffer.concat(chunks), { lazyEntries: true });
  for await (const entry of zip.eachEntry()) {
    if (entry.fileName === 'xl/worksheets/sheet1.xml') return text(await zip.openReadStreamPromise(entry));
  }
  throw new Error('no sheet');
}

describe('CFDI search: every field of the index, its filters, sort and exports', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dm-cfdi-search-'));
  let db: TestDatabase;
  let tenant: string;
  let service: CfdiService;
  let exports: CfdiExports;

  const uuids = async (criteria: CfdiSearchCriteria): Promise<string[]> =>
    (await service.search(tenant, { tamanoPagina: 50, ...criteria })).rows.map((row) => row.uuid);

  beforeAll(async () => {
    db = await createTestDatabase('svc_cfdi_search');
    const query = db.dataSource.query.bind(db.dataSource) as (
      sql: string,
      parameters?: unknown[],
    ) => Promise<{ id: string }[]>;
    [{ id: tenant }] = (await query(`INSERT INTO tenants (slug, nombre) VALUES ('t', 'T') RETURNING id`)) as [
      { id: string },
    ];
    await query(`INSERT INTO contribuyentes (tenant_id, rfc) VALUES ($1, $2)`, [tenant, RFC]);
    const [solicitud] = await query(
      `INSERT INTO solicitudes (tenant_id, contribuyente_id, rfc, contexto, tipo_solicitud, tipo_documento,
          fecha_inicial, fecha_final, filtros_key, estado)
       SELECT $1, c.id, c.rfc, 'Emitidos', 'CFDI', 'CFDI', '2025-01-01T06:00:00Z', '2025-02-01T06:00:00Z',
          repeat('a', 64), 'Completada' FROM contribuyentes c WHERE c.tenant_id = $1 RETURNING id`,
      [tenant],
    );
    const [satRequest] = await query(`INSERT INTO sat_requests (solicitud_id) VALUES ($1) RETURNING id`, [
      solicitud?.id,
    ]);
    const [paquete] = await query(
      `INSERT INTO paquetes (tenant_id, solicitud_id, sat_request_id, id_paquete) VALUES ($1, $2, $3, 'P_01') RETURNING id`,
      [tenant, solicitud?.id, satRequest?.id],
    );
    for (const [position, seed] of SEEDS.entries()) {
      // A day apart, newest last; the stamp a minute after the issue.
      const fecha = new Date(Date.UTC(2025, 0, 10 + position, 18));
      const timbrado = new Date(fecha.getTime() + 60_000);
      if (seed.metadata) {
        const columns = Object.keys(seed.metadata);
        await query(
          `INSERT INTO cfdi_metadata (tenant_id, rfc, uuid, rfc_emisor, nombre_emisor, rfc_receptor, rfc_pac,
              fecha_emision, fecha_certificacion, estatus, ${columns.join(', ')})
           VALUES ($1, $2, $3, $2, 'EMISORA', $4, 'SAT970701NN3', $5, $6, 'Vigente',
             ${columns.map((_column, index) => `$${index + 7}`).join(', ')})`,
          [tenant, RFC, seed.uuid, OTHER, fecha, timbrado, ...Object.values(seed.metadata)],
        );
      }
      if (seed.xml) {
        const columns = Object.keys(seed.xml);
        await query(
          `INSERT INTO cfdi_documents (tenant_id, rfc, uuid, rfc_emisor, nombre_emisor, rfc_receptor, fecha,
              fecha_timbrado, paquete_id, entry_name, ${columns.join(', ')})
           VALUES ($1, $2, $3, $2, 'EMISORA', $4, $5, $6, $7, $8,
             ${columns.map((_column, index) => `$${index + 9}`).join(', ')})`,
          [
            tenant,
            RFC,
            seed.uuid,
            OTHER,
            fecha,
            timbrado,
            paquete?.id,
            `${seed.uuid}.xml`,
            ...Object.values(seed.xml),
          ],
        );
      }
    }
    const store = new LocalDiskObjectStore({
      directory: dataDir,
      baseUrl: () => 'http://127.0.0.1',
      linkSecret: Buffer.alloc(32, 1),
    });
    service = new CfdiService(db.dataSource, store, 300);
    exports = new CfdiExports(db.dataSource, store, { batchSize: 2 });
  });

  afterAll(async () => {
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers every field the index holds, from whichever table knows it', async () => {
    const { rows } = await service.search(tenant, { orden: { campo: 'Uuid' } });
    const [both, payment, metadataOnly, dollars, retenciones] = rows;
    expect(both).toMatchObject({
      uuid: uuid(1),
      monto: '7924.660000',
      efecto: 'I',
      rfcPac: 'SAT970701NN3',
      rfcACuentaTerceros: TERCERO,
      nombreACuentaTerceros: 'XOCHILT CASAS',
      version: '4.0',
      tipoComprobante: 'I',
      serie: 'A',
      folio: '1',
      fecha: new Date('2025-01-10T18:00:00Z'),
      fechaTimbrado: new Date('2025-01-10T18:01:00Z'),
      subTotal: '8000.000000',
      descuento: '75.340000',
      total: '7924.660000',
      moneda: 'MXN',
      tipoCambio: '1.000000',
      metodoPago: 'PPD',
      formaPago: '99',
      usoCfdi: 'G03',
      lugarExpedicion: '42501',
      complementos: ['TimbreFiscalDigital'],
    });
    // Known only by its XML: no third party, no status; the header is all there.
    expect(payment).toMatchObject({
      estatus: null,
      rfcPac: null,
      rfcACuentaTerceros: null,
      nombreACuentaTerceros: null,
      tipoComprobante: 'P',
      efecto: 'P',
      monto: '0.000000',
      total: '0.000000',
      descuento: null,
      complementos: ['TimbreFiscalDigital', 'Pagos'],
    });
    // Known only by its metadata: the third party, none of the XML's header.
    expect(metadataOnly).toMatchObject({
      monto: '100.000000',
      rfcACuentaTerceros: TERCERO,
      nombreACuentaTerceros: null,
      paqueteId: null,
    });
    for (const field of [
      'version',
      'tipoComprobante',
      'serie',
      'folio',
      'fecha',
      'fechaTimbrado',
      'subTotal',
      'descuento',
      'total',
      'moneda',
      'tipoCambio',
      'metodoPago',
      'formaPago',
      'usoCfdi',
      'lugarExpedicion',
      'complementos',
    ] as const)
      expect({ field, value: metadataOnly?.[field] }).toEqual({ field, value: null });
    expect(dollars).toMatchObject({ moneda: 'USD', tipoCambio: '17.123400', total: '250.500000' });
    expect(retenciones).toMatchObject({ tipoDocumento: 'Retenciones', total: null, monto: null, folio: '9' });
  });

  it('filters by type, complement, currency, series, number and third party', async () => {
    expect(await uuids({ tipoComprobante: 'I' })).toEqual([uuid(4), uuid(1)]);
    // The XML's type: a document known only by its metadata has none (Efecto reads both).
    expect(await uuids({ tipoComprobante: 'E' })).toEqual([]);
    expect(await uuids({ efecto: 'E' })).toEqual([uuid(3)]);
    expect(await uuids({ complemento: 'pagos' })).toEqual([uuid(2)]);
    expect(await uuids({ complemento: 'pago20:Pagos' })).toEqual([uuid(2)]);
    expect(await uuids({ complemento: 'Pago' })).toEqual([]);
    expect((await uuids({ complemento: 'TimbreFiscalDigital' })).sort()).toEqual([uuid(1), uuid(2), uuid(4)]);
    expect(await uuids({ moneda: 'usd' })).toEqual([uuid(4)]);
    expect(await uuids({ serie: 'A' })).toEqual([uuid(4), uuid(1)]);
    expect(await uuids({ serie: 'a' })).toEqual([]);
    expect(await uuids({ serie: 'A', folio: '2' })).toEqual([uuid(4)]);
    expect(await uuids({ folio: '9' })).toEqual([uuid(5)]);
    expect(await uuids({ rfcACuentaTerceros: TERCERO.toLowerCase() })).toEqual([uuid(3), uuid(1)]);
    expect(await uuids({ rfcACuentaTerceros: TERCERO, tipoComprobante: 'I' })).toEqual([uuid(1)]);
    await expect(service.search(tenant, { moneda: 'Pesos' })).rejects.toMatchObject({ code: 'DM-2002' });
    await expect(service.search(tenant, { rfcACuentaTerceros: 'X' })).rejects.toMatchObject({
      code: 'DM-9001',
    });
  });

  it('sorts by the XML Total, both ways, documents without one last', async () => {
    expect(await uuids({ orden: { campo: 'Total', direccion: 'ASC' } })).toEqual([
      uuid(2),
      uuid(4),
      uuid(1),
      uuid(3),
      uuid(5),
    ]);
    expect(await uuids({ orden: { campo: 'total', direccion: 'DESC' } })).toEqual([
      uuid(1),
      uuid(4),
      uuid(2),
      uuid(3),
      uuid(5),
    ]);
    // Monto still sorts by metadata's Monto, else the XML's Total.
    expect(await uuids({ orden: { campo: 'Monto', direccion: 'DESC' } })).toEqual([
      uuid(1),
      uuid(4),
      uuid(3),
      uuid(2),
      uuid(5),
    ]);
  });

  it('opens a document with its payments: a payment its invoices, an invoice its partialities', async () => {
    await db.dataSource.query(
      `INSERT INTO cfdi_pagos (tenant_id, rfc, uuid, indice, version_pagos, fecha_pago, moneda_p, monto)
       VALUES ($1, $2, $3::uuid, 1, '2.0', '2025-02-01T18:00:00Z', 'MXN', 500)`,
      [tenant, RFC, uuid(2)],
    );
    await db.dataSource.query(
      `INSERT INTO cfdi_pago_documentos (tenant_id, rfc, uuid, indice_pago, indice, id_documento, moneda_dr,
          num_parcialidad, imp_saldo_ant, imp_pagado, imp_saldo_insoluto)
       VALUES ($1, $2, $3::uuid, 1, 1, $4, 'MXN', 1, 7924.66, 500, 7424.66)`,
      [tenant, RFC, uuid(2), uuid(1)],
    );
    const pago = await service.document(tenant, uuid(2).toUpperCase());
    expect(pago.pagos?.kind).toBe('pago');
    if (pago.pagos?.kind !== 'pago') throw new Error('not a payment');
    expect(
      pago.pagos.pago.pagos.map((item) => item.documentos.map((documento) => documento.idDocumento)),
    ).toEqual([[uuid(1)]]);
    expect(pago.pagos.pago.documentosEnIndice).toEqual([uuid(1)]);

    // uuid(1) is to be paid in partialities (PPD): its page lists them and the balance.
    const factura = await service.document(tenant, uuid(1));
    expect(factura.pagos?.kind).toBe('factura');
    if (factura.pagos?.kind !== 'factura') throw new Error('not an invoice');
    expect(factura.pagos.factura.parcialidades.map((item) => item.pago.uuid)).toEqual([uuid(2)]);
    expect(factura.pagos.factura.saldo).toMatchObject({ parcialidades: 1 });
    // Paid in one exhibition (PUE) and settled by no payment, or known only by metadata: nothing to show.
    expect((await service.document(tenant, uuid(4))).pagos).toBeUndefined();
    expect((await service.document(tenant, uuid(3))).pagos).toBeUndefined();
  });

  it('exports every field to CSV with Spanish headers, amounts without trailing zeros, in Total order', async () => {
    const { total, stream } = await exports.open(
      tenant,
      { orden: { campo: 'Total', direccion: 'DESC' } },
      'csv',
    );
    expect(total).toBe(5);
    const [header = [], ...rows] = parseCsv((await text(stream)).replace(/^\uFEFF/, '').trimEnd());
    const record = (row: string[]): Record<string, string> =>
      Object.fromEntries(header.map((name, index) => [name, row[index] ?? '']));
    // Walked two rows at a time by (Total, RFC, UUID): nothing skipped or repeated.
    expect(rows.map((row) => row[0]?.toLowerCase())).toEqual([uuid(1), uuid(4), uuid(2), uuid(3), uuid(5)]);
    const [both, dollars, payment, metadataOnly] = rows.map(record);
    expect(both).toMatchObject({
      Monto: '7924.66',
      SubTotal: '8000',
      Descuento: '75.34',
      Total: '7924.66',
      TipoCambio: '1',
      Moneda: 'MXN',
      TipoComprobante: 'I',
      Serie: 'A',
      Folio: '1',
      Fecha: '2025-01-10T12:00:00',
      FechaTimbrado: '2025-01-10T12:01:00',
      MetodoPago: 'PPD',
      FormaPago: '99',
      UsoCfdi: 'G03',
      LugarExpedicion: '42501',
      Complementos: 'TimbreFiscalDigital',
      RfcACuentaTerceros: TERCERO,
      NombreACuentaTerceros: 'XOCHILT CASAS',
      RfcPac: 'SAT970701NN3',
      Version: '4.0',
      Xml: 'Sí',
    });
    expect(dollars).toMatchObject({ Total: '250.5', TipoCambio: '17.1234', Moneda: 'USD' });
    expect(payment).toMatchObject({ Total: '0', Monto: '0', TipoComprobante: 'P', RfcACuentaTerceros: '' });
    expect(metadataOnly).toMatchObject({
      Monto: '100',
      Total: '',
      TipoComprobante: '',
      RfcACuentaTerceros: TERCERO,
    });
    // The complements' list is one quoted field.
    const { stream: payments } = await exports.open(tenant, { complemento: 'Pagos' }, 'csv');
    expect(await text(payments)).toContain(',"TimbreFiscalDigital, Pagos",');
    await expect(exports.open(tenant, { folio: 'a|b' }, 'csv')).rejects.toMatchObject({ code: 'DM-2002' });
  });

  it('exports the same fields to XLSX: amounts as exact numbers, the exchange rate unrounded', async () => {
    const sheet = await sheetOf((await exports.open(tenant, { moneda: 'USD' }, 'xlsx')).stream);
    const cells = new Map<string, { style?: string; text: string }>();
    const parser = new SaxesParser();
    let current: { style?: string; text: string } | undefined;
    parser.on('opentag', (tag) => {
      const attributes = tag.attributes as Record<string, string>;
      if (tag.name !== 'c') return;
      current = { ...(attributes.s ? { style: attributes.s } : {}), text: '' };
      cells.set(attributes.r ?? '', current);
    });
    parser.on('text', (value) => {
      if (current) current.text += value;
    });
    parser.on('closetag', (tag) => {
      if (tag.name === 'c') current = undefined;
    });
    parser.write(sheet).close();
    const headers = [...cells.entries()].filter(([reference]) => /^[A-Z]+1$/.test(reference));
    const columnOf = (name: string): string =>
      headers.find(([, cell]) => cell.text === name)?.[0].replace('1', '') ?? '?';
    expect(headers.map(([, cell]) => cell.text)).toContain('RfcACuentaTerceros');
    expect(cells.get(`${columnOf('Total')}2`)).toEqual({ style: '2', text: '250.5' });
    expect(cells.get(`${columnOf('SubTotal')}2`)).toEqual({ style: '2', text: '250.5' });
    expect(cells.get(`${columnOf('TipoCambio')}2`)).toEqual({ text: '17.1234' });
    expect(cells.get(`${columnOf('Moneda')}2`)?.text).toBe('USD');
    expect(cells.has(`${columnOf('Descuento')}2`)).toBe(false);
  });
});
