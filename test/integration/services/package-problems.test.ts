import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Paquete, SatRequest, Solicitud } from '../../../src/db';
import { PackageIndexer } from '../../../src/services/pipeline';
import { LocalDiskObjectStore } from '../../../src/storage';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { createTenant, storePackage, zipOf } from '../../helpers/stored-packages';

/*
 * A package SAT sends that cannot be read as it should (a metadata file without its header, or with a
 * header nobody knows, a file that is not UTF-8, a ZIP that will not open) is indexed over a real
 * database and store: what can be read is indexed, the package ends Indexado with a code and a message
 * naming the file and line, its bytes stay stored, and the solicitud completes. Never 0 rows in silence.
 */

const RFC = 'EKU9003173C9';
const HEADER =
  'Uuid~RfcEmisor~NombreEmisor~RfcReceptor~NombreReceptor~RfcPac~FechaEmision~FechaCertificacionSat~Monto~EfectoComprobante~Estatus~FechaCancelacion';
const uuid = (n: number): string => `${String(n).padStart(8, '0')}-AAAA-4BBB-8CCC-000000000000`;
const row = (n: number, nombre: string): string =>
  `${uuid(n)}~AAA010101AAA~${nombre}~${RFC}~Receptor SA~CCC010101CCC~2024-03-01 10:00:00~2024-03-01 10:00:05~1500.5~I~1~`;
const metadata = (from: number, names: readonly string[]): string =>
  `${HEADER}\r\n${names.map((name, index) => row(from + index, name)).join('\r\n')}\r\n`;
/** Windows-1252 bytes (Latin-1 but for the characters 0x80–0x9F hold). */
const windows1252 = (text: string): Buffer =>
  Buffer.from(
    [...text].map((character) => ({ '€': 0x80, '“': 0x93, '”': 0x94 })[character] ?? character.charCodeAt(0)),
  );

describe('PackageIndexer with packages it cannot read as they are', () => {
  let database: TestDatabase;
  let directory: string;
  let store: LocalDiskObjectStore;
  let indexer: PackageIndexer;
  let tenantId: string;
  let sequence = 0;

  beforeAll(async () => {
    database = await createTestDatabase('package_problems');
    directory = mkdtempSync(path.join(tmpdir(), 'dm-package-problems-'));
    store = new LocalDiskObjectStore({
      directory,
      baseUrl: () => '',
      linkSecret: Buffer.alloc(32),
    });
    indexer = new PackageIndexer(database.dataSource, store);
    tenantId = (await createTenant(database.dataSource, 'acme')).id;
  });
  afterAll(async () => {
    await database.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  /**
   * Stores `zip` as the only package of a solicitud whose SAT request is done (Descargando, waiting for
   * this package), indexes it, and answers what the package, the solicitud and the index hold then.
   */
  async function indexed(
    zip: Readable,
    options: { tipoSolicitud?: 'Metadata' | 'CFDI'; mensaje?: string } = {},
  ) {
    sequence += 1;
    const ds = database.dataSource;
    const stored = await storePackage(ds, store, {
      tenantId,
      rfc: RFC,
      idPaquete: `PAQUETE_${sequence}_01`,
      contexto: 'Recibidos',
      tipoSolicitud: options.tipoSolicitud ?? 'Metadata',
      fechaInicial: new Date('2024-03-01T06:00:00Z'),
      storedAt: new Date(),
      zip,
    });
    const before = await ds.getRepository(Paquete).findOneByOrFail({ id: stored.paqueteId });
    await ds.getRepository(Solicitud).update({ id: before.solicitudId }, { estado: 'Descargando' });
    await ds.getRepository(SatRequest).update({ solicitudId: before.solicitudId }, { estado: 'Terminada' });
    if (options.mensaje)
      await ds.getRepository(Paquete).update({ id: before.id }, { mensaje: options.mensaje });

    await indexer.index(stored.paqueteId);

    const paquete = await ds.getRepository(Paquete).findOneByOrFail({ id: stored.paqueteId });
    const solicitud = await ds.getRepository(Solicitud).findOneByOrFail({ id: before.solicitudId });
    const table = options.tipoSolicitud === 'CFDI' ? 'cfdi_documents' : 'cfdi_metadata';
    const rows = await ds.query<{ uuid: string; nombre_emisor: string }[]>(
      `SELECT uuid::text AS uuid, nombre_emisor FROM ${table} WHERE paquete_id = $1 ORDER BY uuid`,
      [paquete.id],
    );
    return {
      paquete,
      solicitud,
      names: rows.map((found) => found.nombre_emisor),
      bytesKept: paquete.objectKey !== null && existsSync(store.pathOf(paquete.objectKey)),
    };
  }

  it('completes the solicitud when indexing runs again after a worker died before recording progress', async () => {
    const ds = database.dataSource;
    const first = await indexed(zipOf([{ name: 'S-0001.txt', content: metadata(1, ['PEÑA']) }]));
    expect(first.solicitud.estado).toBe('Completada');
    // As the dead worker left it: the package marked Indexado, the solicitud not moved on.
    await ds
      .getRepository(Solicitud)
      .update({ id: first.solicitud.id }, { estado: 'Descargando', finishedAt: null });

    await indexer.index(first.paquete.id);

    const solicitud = await ds.getRepository(Solicitud).findOneByOrFail({ id: first.solicitud.id });
    expect(solicitud.estado).toBe('Completada');
    const paquete = await ds.getRepository(Paquete).findOneByOrFail({ id: first.paquete.id });
    expect(paquete.indexedAt).toEqual(first.paquete.indexedAt);
  });

  it('indexes every other row when one holds an amount no column can keep or a NUL character', async () => {
    const content = metadata(1, ['UNO', 'DOS', 'TRES\u0000', 'CUATRO']).replace(
      `${uuid(2)}~AAA010101AAA~DOS~${RFC}~Receptor SA~CCC010101CCC~2024-03-01 10:00:00~2024-03-01 10:00:05~1500.5`,
      `${uuid(2)}~AAA010101AAA~DOS~${RFC}~Receptor SA~CCC010101CCC~2024-03-01 10:00:00~2024-03-01 10:00:05~${'9'.repeat(25)}.5`,
    );
    const result = await indexed(zipOf([{ name: 'S-0001.txt', content }]));
    expect(result.names).toEqual(['UNO', 'CUATRO']);
    expect(result.paquete.estado).toBe('Indexado');
    expect(result.paquete.mensaje).toContain('S-0001.txt línea 3');
    expect(result.paquete.mensaje).toContain('S-0001.txt línea 4');
    expect(result.solicitud.estado).toBe('Completada');
  });

  it('indexes a clean package with nothing to say', async () => {
    const result = await indexed(zipOf([{ name: 'S-0001.txt', content: metadata(1, ['PEÑA']) }]));
    expect(result.paquete).toMatchObject({ estado: 'Indexado', codigo: null, mensaje: null });
    expect(result.names).toEqual(['PEÑA']);
  });

  it('reports a metadata file without header by name and line instead of ending with 0 rows in silence', async () => {
    const headerless = [row(1, 'UNO'), row(2, 'DOS')].join('\r\n');
    const result = await indexed(zipOf([{ name: 'S-0001.txt', content: headerless }]));
    expect(result.paquete).toMatchObject({ estado: 'Indexado', codigo: 'DM-5201' });
    expect(result.paquete.mensaje).toBe(
      `El archivo S-0001.txt no tiene el encabezado Uuid~RfcEmisor~…: su línea 1 ya es un registro ("${row(1, 'UNO').slice(0, 80)}…"); sus registros no se indexaron (el paquete se conserva como llegó del SAT).`,
    );
    expect(result.names).toEqual([]);
    expect(result.bytesKept).toBe(true);
    expect(result.solicitud.estado).toBe('Completada');
  });

  it('indexes the readable files of a package and still reports the one without header', async () => {
    const result = await indexed(
      zipOf([
        { name: 'S-0001.txt', content: metadata(1, ['UNO', 'DOS']) },
        { name: 'S-0002.txt', content: `\r\n${row(3, 'TRES')}\r\n` },
      ]),
    );
    expect(result.paquete).toMatchObject({ estado: 'Indexado', codigo: 'DM-5201' });
    expect(result.paquete.mensaje).toMatch(
      /^El archivo S-0002\.txt no tiene el encabezado .* su línea 2 ya es un registro/,
    );
    expect(result.names).toEqual(['UNO', 'DOS']);
    expect(result.solicitud.estado).toBe('Completada');
  });

  it('reports a header it does not know, and a package with no metadata file at all', async () => {
    const unknown = await indexed(zipOf([{ name: 'S-0001.txt', content: 'Folio~Emisor\r\nA~B\r\n' }]));
    expect(unknown.paquete).toMatchObject({
      estado: 'Indexado',
      codigo: 'DM-5202',
      mensaje:
        'El archivo S-0001.txt empieza en la línea 1 con un encabezado que no se reconoce ("Folio~Emisor"); sus registros no se indexaron (el paquete se conserva como llegó del SAT).',
    });
    const none = await indexed(zipOf([{ name: 'leeme.txt', content: 'Sin metadata' }]));
    expect(none.paquete).toMatchObject({
      estado: 'Indexado',
      codigo: 'DM-5204',
      mensaje:
        'El paquete no contiene metadata: ningún archivo .txt empieza con el encabezado Uuid~RfcEmisor~ (leeme.txt: "Sin metadata"); no se indexó nada (el paquete se conserva como llegó del SAT).',
    });
    expect(none.solicitud.estado).toBe('Completada');
  });

  it('indexes a Windows-1252 metadata package with every row right and says which encoding it used', async () => {
    const names = ['PEÑA Y ASOCIADOS', 'Compañía “Ágil” €', 'MUÑOZ'];
    const result = await indexed(zipOf([{ name: 'S-0001.txt', content: windows1252(metadata(1, names)) }]));
    expect(result.paquete).toMatchObject({
      estado: 'Indexado',
      codigo: 'DM-5205',
      mensaje: 'metadata en Windows-1252 (no UTF-8): S-0001.txt',
    });
    expect(result.names).toEqual(names);
    expect(result.solicitud.estado).toBe('Completada');
  });

  it('says which XML of a CFDI package was read as Windows-1252', async () => {
    const xml = `<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="4.0" Fecha="2024-03-02T11:12:13" TipoDeComprobante="I" Total="10" Moneda="MXN"><cfdi:Emisor Rfc="AAA010101AAA" Nombre="PEÑA Compañía"/><cfdi:Receptor Rfc="${RFC}" Nombre="R"/><cfdi:Complemento><tfd:TimbreFiscalDigital UUID="${uuid(9)}" FechaTimbrado="2024-03-02T11:12:20"/></cfdi:Complemento></cfdi:Comprobante>`;
    const result = await indexed(zipOf([{ name: `${uuid(9)}.xml`, content: windows1252(xml) }]), {
      tipoSolicitud: 'CFDI',
    });
    expect(result.paquete).toMatchObject({
      estado: 'Indexado',
      codigo: 'DM-5205',
      mensaje: `XML en Windows-1252 (no UTF-8): ${uuid(9)}.xml`,
    });
    expect(result.names).toEqual(['PEÑA Compañía']);
  });

  it('ends a stored package whose ZIP will not open Indexado with DM-5006, keeping what it already said', async () => {
    const damaged = 'El paquete PAQUETE llegó dañado (entry x does not match its CRC-32).';
    const result = await indexed(Readable.from([Buffer.from('not a zip at all')]), { mensaje: damaged });
    expect(result.paquete).toMatchObject({ estado: 'Indexado', codigo: 'DM-5006' });
    expect(result.paquete.mensaje).toMatch(
      new RegExp(`^${damaged.replace(/[.()]/g, '\\$&')} \\| No se pudo abrir el paquete PAQUETE_\\d+_01: `),
    );
    expect(result.bytesKept).toBe(true);
    expect(result.solicitud.estado).toBe('Completada');
  });
});
