import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Paquete, SatRequest, Solicitud } from '../../../src/db';
import { PagosService } from '../../../src/services/pagos';
import { PackageIndexer } from '../../../src/services/pipeline';
import { LocalDiskObjectStore } from '../../../src/storage';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { createTenant, storePackage, zipOf } from '../../helpers/stored-packages';

/*
 * Payment complements indexed from stored packages over a real database, then asked for: an invoice
 * paid in three partialities (Pagos 2.0 and 1.0 mixed) has the balance of its last partiality and the
 * sum paid; a cancelled payment settles nothing; a payment held under two RFCs counts once; indexing
 * again replaces rows; and another tenant sees none of it.
 */

const RFC = 'EKU9003173C9';
const OTHER_RFC = 'AAA010101AAA';
const INVOICE = '11111111-aaaa-4bbb-8ccc-000000000001';
const OTHER = '11111111-aaaa-4bbb-8ccc-000000000002';
const THIRD = '11111111-aaaa-4bbb-8ccc-000000000003';
const PAY = (n: number): string => `22222222-aaaa-4bbb-8ccc-00000000000${n}`;

interface Docto {
  readonly id: string;
  readonly parcialidad?: number;
  readonly ant: string;
  readonly pagado: string;
  readonly insoluto: string;
}
interface Pago {
  readonly fecha: string;
  readonly monto: string;
  readonly documentos: readonly Docto[];
}

const timbre = (uuid: string): string =>
  `<tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="1.1" UUID="${uuid}" FechaTimbrado="2024-01-01T00:00:00"/>`;

function comprobante(
  version: '3.3' | '4.0',
  uuid: string,
  tipo: string,
  total: string,
  complemento = '',
): string {
  const namespace = version === '4.0' ? 'http://www.sat.gob.mx/cfd/4' : 'http://www.sat.gob.mx/cfd/3';
  return (
    `<?xml version="1.0" encoding="UTF-8"?><cfdi:Comprobante xmlns:cfdi="${namespace}" Version="${version}" ` +
    `Fecha="2024-01-01T00:00:00" SubTotal="${total}" Moneda="MXN" Total="${total}" TipoDeComprobante="${tipo}" LugarExpedicion="06000">` +
    `<cfdi:Emisor Rfc="${RFC}" Nombre="EMISOR" RegimenFiscal="601"/><cfdi:Receptor Rfc="${OTHER_RFC}" Nombre="RECEPTOR" UsoCFDI="CP01"/>` +
    `<cfdi:Complemento>${complemento}${timbre(uuid)}</cfdi:Complemento></cfdi:Comprobante>`
  );
}

function payment(version: '1.0' | '2.0', uuid: string, pagos: readonly Pago[]): string {
  const p = version === '2.0' ? 'pago20' : 'pago10';
  const namespace = version === '2.0' ? 'http://www.sat.gob.mx/Pagos20' : 'http://www.sat.gob.mx/Pagos';
  const body = pagos
    .map(
      (pago) =>
        `<${p}:Pago FechaPago="${pago.fecha}" FormaDePagoP="03" MonedaP="MXN" Monto="${pago.monto}">` +
        pago.documentos
          .map(
            (docto) =>
              `<${p}:DoctoRelacionado IdDocumento="${docto.id}" MonedaDR="MXN"` +
              (docto.parcialidad ? ` NumParcialidad="${docto.parcialidad}"` : '') +
              ` ImpSaldoAnt="${docto.ant}" ImpPagado="${docto.pagado}" ImpSaldoInsoluto="${docto.insoluto}"/>`,
          )
          .join('') +
        `</${p}:Pago>`,
    )
    .join('');
  return comprobante(
    version === '2.0' ? '4.0' : '3.3',
    uuid,
    'P',
    '0',
    `<${p}:Pagos xmlns:${p}="${namespace}" Version="${version}">${body}</${p}:Pagos>`,
  );
}

/** Tenant A's documents: an invoice, the three partialities that pay it off, and a cancelled payment. */
const PACKAGE_A = [
  { name: `${INVOICE}.xml`, content: comprobante('4.0', INVOICE, 'I', '1000.00') },
  {
    name: `${PAY(1)}.xml`,
    content: payment('2.0', PAY(1), [
      {
        fecha: '2024-02-01T10:00:00',
        monto: '400.00',
        documentos: [{ id: INVOICE, parcialidad: 1, ant: '1000.00', pagado: '400.00', insoluto: '600.00' }],
      },
    ]),
  },
  {
    // Pagos 1.0 writes the invoice's UUID in upper case.
    name: `${PAY(2)}.xml`,
    content: payment('1.0', PAY(2), [
      {
        fecha: '2024-03-01T10:00:00',
        monto: '350.00',
        documentos: [
          { id: INVOICE.toUpperCase(), parcialidad: 2, ant: '600.00', pagado: '350.00', insoluto: '250.00' },
        ],
      },
    ]),
  },
  {
    name: `${PAY(3)}.xml`,
    content: payment('2.0', PAY(3), [
      {
        fecha: '2024-04-01T10:00:00',
        monto: '300.00',
        documentos: [
          { id: INVOICE, parcialidad: 3, ant: '250.00', pagado: '250.00', insoluto: '0.00' },
          { id: OTHER, parcialidad: 1, ant: '80.00', pagado: '50.00', insoluto: '30.00' },
        ],
      },
      {
        fecha: '2024-04-02T10:00:00',
        monto: '10',
        documentos: [{ id: THIRD, ant: '10', pagado: '10', insoluto: '0' }],
      },
    ]),
  },
  {
    // Cancelled (its metadata says so): it would have paid the invoice off at once.
    name: `${PAY(4)}.xml`,
    content: payment('2.0', PAY(4), [
      {
        fecha: '2024-01-15T10:00:00',
        monto: '1000.00',
        documentos: [{ id: INVOICE, parcialidad: 1, ant: '1000.00', pagado: '1000.00', insoluto: '0.00' }],
      },
    ]),
  },
];

describe('PagosService over payments indexed from stored packages', () => {
  let database: TestDatabase;
  let directory: string;
  let indexer: PackageIndexer;
  let store: LocalDiskObjectStore;
  let service: PagosService;
  let tenantA: string;
  let tenantB: string;
  let sequence = 0;

  async function index(
    tenantId: string,
    rfc: string,
    entries: readonly { name: string; content: string }[],
  ): Promise<Paquete> {
    sequence += 1;
    const ds = database.dataSource;
    const stored = await storePackage(ds, store, {
      tenantId,
      rfc,
      idPaquete: `PAGOS_${sequence}_01`,
      contexto: 'Emitidos',
      tipoSolicitud: 'CFDI',
      fechaInicial: new Date('2024-01-01T06:00:00Z'),
      storedAt: new Date(),
      zip: zipOf(entries),
    });
    const paquete = await ds.getRepository(Paquete).findOneByOrFail({ id: stored.paqueteId });
    await ds.getRepository(Solicitud).update({ id: paquete.solicitudId }, { estado: 'Descargando' });
    await ds.getRepository(SatRequest).update({ solicitudId: paquete.solicitudId }, { estado: 'Terminada' });
    await indexer.index(stored.paqueteId);
    return ds.getRepository(Paquete).findOneByOrFail({ id: stored.paqueteId });
  }

  async function counts(tenantId: string): Promise<{ pagos: number; documentos: number }> {
    const [row] = await database.dataSource.query<{ pagos: number; documentos: number }[]>(
      `SELECT (SELECT count(*)::int FROM cfdi_pagos WHERE tenant_id = $1) AS pagos,
              (SELECT count(*)::int FROM cfdi_pago_documentos WHERE tenant_id = $1) AS documentos`,
      [tenantId],
    );
    return row as { pagos: number; documentos: number };
  }

  beforeAll(async () => {
    database = await createTestDatabase('pagos_service');
    directory = mkdtempSync(path.join(tmpdir(), 'dm-pagos-service-'));
    store = new LocalDiskObjectStore({ directory, baseUrl: () => '', linkSecret: Buffer.alloc(32) });
    indexer = new PackageIndexer(database.dataSource, store);
    service = new PagosService(database.dataSource);
    tenantA = (await createTenant(database.dataSource, 'pagos-a')).id;
    tenantB = (await createTenant(database.dataSource, 'pagos-b')).id;
    const paquete = await index(tenantA, RFC, PACKAGE_A);
    expect(paquete).toMatchObject({ estado: 'Indexado', mensaje: null });
    await database.dataSource.query(
      `INSERT INTO cfdi_metadata (tenant_id, rfc, uuid, rfc_emisor, rfc_receptor, fecha_emision, estatus, efecto)
       VALUES ($1, $2, $3, $2, $4, now(), 'Cancelado', 'P'), ($1, $2, $5, $2, $4, now(), 'Vigente', 'P')`,
      [tenantA, RFC, PAY(4), OTHER_RFC, PAY(1)],
    );
  });
  afterAll(async () => {
    await database.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('indexes one row per Pago and per DoctoRelacionado, ids lower-cased', async () => {
    expect(await counts(tenantA)).toEqual({ pagos: 5, documentos: 6 });
    const rows = await database.dataSource.query<
      { id: string; version: string; parcialidad: number | null }[]
    >(
      `SELECT x.id_documento AS id, p.version_pagos AS version, x.num_parcialidad AS parcialidad
         FROM cfdi_pago_documentos x JOIN cfdi_pagos p USING (tenant_id, rfc, uuid)
        WHERE x.tenant_id = $1 AND x.uuid = $2 AND p.indice = x.indice_pago`,
      [tenantA, PAY(2)],
    );
    expect(rows).toEqual([{ id: INVOICE, version: '1.0', parcialidad: 2 }]);
  });

  it('gives an invoice paid in three partialities the last balance and the sum paid', async () => {
    const page = await service.search(tenantA, { uuidDocumento: INVOICE.toUpperCase() });
    expect(page.total).toBe(4);
    expect(page.rows.map((pago) => [pago.uuid, pago.indice, pago.estatus])).toEqual([
      [PAY(4), 1, 'Cancelado'],
      [PAY(1), 1, 'Vigente'],
      [PAY(2), 1, null],
      [PAY(3), 1, null],
    ]);
    expect(page.rows[3]?.documentos.map((documento) => documento.idDocumento)).toEqual([INVOICE, OTHER]);
    expect(page.rows[1]).toMatchObject({
      version: '2.0',
      rfcEmisor: RFC,
      rfcReceptor: OTHER_RFC,
      formaDePagoP: '03',
      monedaP: 'MXN',
      monto: '400.00',
      fechaPago: new Date('2024-02-01T16:00:00Z'),
    });
    const saldo = page.saldos.find((item) => item.idDocumento === INVOICE);
    expect(saldo).toEqual({
      idDocumento: INVOICE,
      monedaDR: 'MXN',
      saldoInsoluto: '0.00',
      totalPagado: '1000.00',
      parcialidades: 3,
      ultimaParcialidad: 3,
    });
    expect(page.saldos.map((item) => item.idDocumento)).toEqual([INVOICE, OTHER]);
    expect(page.saldos.find((item) => item.idDocumento === OTHER)).toMatchObject({
      saldoInsoluto: '30.00',
      totalPagado: '50.00',
    });
  });

  it('shows an invoice its partialities in order, and a payment the invoices it settles', async () => {
    const invoice = await service.forInvoice(tenantA, INVOICE);
    expect(invoice.saldo).toMatchObject({ saldoInsoluto: '0.00', totalPagado: '1000.00' });
    expect(
      invoice.parcialidades.map((item) => [
        item.numParcialidad,
        item.pago.uuid,
        item.impSaldoInsoluto,
        item.pago.estatus,
      ]),
    ).toEqual([
      [1, PAY(4), '0.00', 'Cancelado'],
      [1, PAY(1), '600.00', 'Vigente'],
      [2, PAY(2), '250.00', null],
      [3, PAY(3), '0.00', null],
    ]);
    const pago = await service.forPayment(tenantA, PAY(3).toUpperCase());
    expect(
      pago.pagos.map((item) => [item.indice, item.documentos.map((documento) => documento.idDocumento)]),
    ).toEqual([
      [1, [INVOICE, OTHER]],
      [2, [THIRD]],
    ]);
    // THIRD's only partiality has no NumParcialidad (Pagos allows it): its balance is still the one stated.
    expect(pago.saldos.find((item) => item.idDocumento === THIRD)).toMatchObject({
      saldoInsoluto: '0',
      totalPagado: '10',
      ultimaParcialidad: null,
    });
    expect(pago.documentosEnIndice).toEqual([INVOICE]);
    expect((await service.forInvoice(tenantA, '33333333-aaaa-4bbb-8ccc-000000000000')).parcialidades).toEqual(
      [],
    );
  });

  it('filters by payment, RFC and payment date, and pages', async () => {
    const byUuid = await service.search(tenantA, { uuidPago: PAY(3) });
    expect(byUuid.rows.map((pago) => pago.indice)).toEqual([1, 2]);
    expect(byUuid.saldos.map((item) => item.idDocumento)).toEqual([INVOICE, OTHER, THIRD]);
    const byDate = await service.search(tenantA, {
      fechaPagoDesde: '2024-03-01T10:00:00',
      fechaPagoHasta: '2024-04-01T10:00:00',
    });
    expect(byDate.rows.map((pago) => [pago.uuid, pago.indice])).toEqual([
      [PAY(2), 1],
      [PAY(3), 1],
    ]);
    expect((await service.search(tenantA, { rfcEmisor: RFC.toLowerCase() })).total).toBe(5);
    expect((await service.search(tenantA, { rfcReceptor: RFC })).total).toBe(0);
    const first = await service.search(tenantA, { tamanoPagina: 2 });
    const second = await service.search(tenantA, { tamanoPagina: 2, pagina: 3 });
    expect([first.total, first.totalPages, first.rows.length, second.rows.length]).toEqual([5, 3, 2, 1]);
    expect(second.rows[0]).toMatchObject({ uuid: PAY(3), indice: 2 });
  });

  it('refuses malformed criteria with the codes ConsultarCfdi uses', async () => {
    await expect(service.search(tenantA, { uuidDocumento: 'not-a-uuid' })).rejects.toMatchObject({
      code: 'DM-2002',
      field: 'UuidDocumento',
    });
    await expect(service.search(tenantA, { uuidPago: '123-45-678901234' })).rejects.toMatchObject({
      code: 'DM-2002',
    });
    await expect(service.search(tenantA, { fechaPagoDesde: '2024-02-30T00:00:00' })).rejects.toMatchObject({
      code: 'DM-9002',
    });
    await expect(
      service.search(tenantA, {
        fechaPagoDesde: '2024-05-01T00:00:00',
        fechaPagoHasta: '2024-04-01T00:00:00',
      }),
    ).rejects.toMatchObject({ code: 'DM-9051' });
    await expect(service.search(tenantA, { pagina: 0 })).rejects.toMatchObject({ code: 'DM-2002' });
    await expect(service.search(tenantA, { tamanoPagina: 501 })).rejects.toMatchObject({ code: 'DM-2002' });
    await expect(service.forPayment(tenantA, 'x')).rejects.toMatchObject({ code: 'DM-2002' });
    // Pagos 1.0 allows a pre-2014 CFD's folio as IdDocumento: it can be asked for.
    expect((await service.search(tenantA, { uuidDocumento: '123-45-678901234' })).total).toBe(0);
  });

  it('replaces a payment CFDI’s rows when it is indexed again, and counts one held under two RFCs once', async () => {
    const again = await index(tenantA, RFC, PACKAGE_A.slice(1, 2));
    expect(again.estado).toBe('Indexado');
    expect(await counts(tenantA)).toEqual({ pagos: 5, documentos: 6 });
    // The receiver, also a contribuyente of tenant A, downloads the first partiality too.
    await index(tenantA, OTHER_RFC, PACKAGE_A.slice(1, 2));
    expect(await counts(tenantA)).toEqual({ pagos: 6, documentos: 7 });
    const page = await service.search(tenantA, { uuidDocumento: INVOICE });
    expect(page.total).toBe(4);
    expect(page.saldos.find((item) => item.idDocumento === INVOICE)).toMatchObject({
      totalPagado: '1000.00',
      parcialidades: 3,
    });
  });

  it('keeps tenants apart: B sees nothing of A, and its own payment of the same invoice leaves A’s balance alone', async () => {
    expect((await service.search(tenantB, {})).total).toBe(0);
    expect((await service.search(tenantB, { uuidDocumento: INVOICE })).rows).toEqual([]);
    expect(await service.forInvoice(tenantB, INVOICE)).toEqual({ idDocumento: INVOICE, parcialidades: [] });
    expect(await service.forPayment(tenantB, PAY(3))).toEqual({
      uuid: PAY(3),
      pagos: [],
      saldos: [],
      documentosEnIndice: [],
    });
    await index(tenantB, RFC, [
      {
        name: `${PAY(5)}.xml`,
        content: payment('2.0', PAY(5), [
          {
            fecha: '2024-06-01T10:00:00',
            monto: '1',
            documentos: [{ id: INVOICE, parcialidad: 4, ant: '999', pagado: '1', insoluto: '998' }],
          },
        ]),
      },
    ]);
    expect((await service.forInvoice(tenantB, INVOICE)).saldo).toMatchObject({ saldoInsoluto: '998' });
    expect((await service.forInvoice(tenantA, INVOICE)).saldo).toMatchObject({
      saldoInsoluto: '0.00',
      totalPagado: '1000.00',
    });
    expect((await service.search(tenantB, {})).rows.map((pago) => pago.uuid)).toEqual([PAY(5)]);
  });

  it('stores what it can of a complement with unreadable values and says the rest on the package', async () => {
    const paquete = await index(tenantB, RFC, [
      {
        name: 'roto.xml',
        content: payment('2.0', PAY(6), [
          {
            fecha: 'ayer',
            monto: 'mucho',
            documentos: [
              { id: INVOICE, parcialidad: 1, ant: '10', pagado: '1,5', insoluto: '8.5' },
              { id: '', ant: '1', pagado: '1', insoluto: '0' },
            ],
          },
        ]),
      },
    ]);
    expect(paquete.estado).toBe('Indexado');
    expect(paquete.mensaje).toMatch(/roto\.xml: Pago 1: FechaPago "ayer" no es una fecha/);
    expect(paquete.mensaje).toMatch(/Monto "mucho" no es un importe/);
    const { rows } = await service.search(tenantB, { uuidPago: PAY(6) });
    expect(rows[0]).toMatchObject({ fechaPago: null, monto: null });
    expect(rows[0]?.documentos).toEqual([
      expect.objectContaining({ idDocumento: INVOICE, impPagado: null, impSaldoInsoluto: '8.5' }),
    ]);
  });
});
