import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Paquete } from '../../../src/db';
import { PackageIndexer } from '../../../src/services/pipeline';
import { MetadataLoader, type MetadataTarget } from '../../../src/services/pipeline/metadata-loader';
import type { MetadataRecord } from '../../../src/services/pipeline/metadata-record';
import { LocalDiskObjectStore } from '../../../src/storage';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { createTenant, storePackage, zipOf } from '../../helpers/stored-packages';

/*
 * A package none of whose UUIDs is stored is COPYed straight into cfdi_metadata; otherwise (or when the
 * direct COPY meets a UUID already there, or one repeated in the package) it goes through the staging
 * table and the upsert. Whichever path it takes, the index must end the same: same rows, last line of a
 * repeated UUID, later package's values over stored ones (third parties and extras kept when absent),
 * tenants apart, and nothing at all from a load that fails.
 */

const RFC = 'EKU9003173C9';
const MARCH = new Date('2024-03-01T06:00:00Z');
const APRIL = new Date('2024-04-01T06:00:00Z');

function record(uuid: string, overrides: Partial<MetadataRecord> = {}): MetadataRecord {
  return {
    uuid,
    rfc_emisor: 'AAA010101AAA',
    nombre_emisor: 'EMISOR',
    rfc_receptor: RFC,
    nombre_receptor: 'RECEPTOR',
    rfc_pac: 'SAT970701NN3',
    fecha_emision: Date.parse('2024-03-02T10:00:00-06:00'),
    fecha_certificacion: Date.parse('2024-03-02T10:00:05-06:00'),
    monto: '1234.5',
    efecto: 'I',
    estatus: 'Vigente',
    fecha_cancelacion: null,
    rfc_a_cuenta_terceros: null,
    nombre_a_cuenta_terceros: null,
    extras: null,
    ...overrides,
  };
}

/** The records in batches of two, as the indexer hands them over (several batches, one short). */
async function* stream(records: readonly MetadataRecord[]): AsyncGenerator<MetadataRecord[]> {
  for (let at = 0; at < records.length; at += 2) yield records.slice(at, at + 2);
}

describe('MetadataLoader paths (direct COPY and staging upsert)', () => {
  let database: TestDatabase;
  let loader: MetadataLoader;

  beforeAll(async () => {
    database = await createTestDatabase('metadata_load_paths');
    loader = new MetadataLoader(database.dataSource);
  });
  afterAll(async () => {
    await database.drop();
  });

  const target = (tenantId: string, overrides: Partial<MetadataTarget> = {}): MetadataTarget => ({
    tenantId,
    rfc: RFC,
    tipoDocumento: 'CFDI',
    paqueteId: randomUUID(),
    contexto: 'Recibidos',
    from: MARCH,
    to: APRIL,
    ...overrides,
  });

  /** Every stored column but the tenant, the package and the timestamps, by UUID. */
  async function rows(tenantId: string): Promise<Record<string, unknown>[]> {
    return database.dataSource.query(
      `SELECT uuid::text, rfc, tipo_documento, rfc_emisor, nombre_emisor, rfc_receptor, nombre_receptor, rfc_pac,
              fecha_emision, fecha_certificacion, monto::text, efecto, estatus, fecha_cancelacion,
              rfc_a_cuenta_terceros, nombre_a_cuenta_terceros, extras
         FROM cfdi_metadata WHERE tenant_id = $1 ORDER BY uuid`,
      [tenantId],
    );
  }

  /** A source that can be read again, counting how often it was. */
  function rereadable(records: readonly MetadataRecord[]): {
    read: () => AsyncIterable<MetadataRecord[]>;
    reads: () => number;
  } {
    let reads = 0;
    return {
      read: () => {
        reads += 1;
        return stream(records);
      },
      reads: () => reads,
    };
  }

  const awkward = 'TABS\tBACK\\SLASH\nLINE\rCR "COMILLAS" & ÑANDÚ \\N';
  const varied = (): MetadataRecord[] => [
    record(randomUUID(), { nombre_emisor: awkward, extras: JSON.stringify({ Nueva: 'v"alor\\' }) }),
    record(randomUUID(), {
      estatus: 'Cancelado',
      fecha_cancelacion: Date.parse('2024-04-01T09:00:00-06:00'),
      rfc_a_cuenta_terceros: 'TER050505TE5',
      nombre_a_cuenta_terceros: 'TERCERO',
    }),
    record(randomUUID(), { nombre_emisor: null, rfc_pac: null, monto: null, fecha_certificacion: null }),
    record(randomUUID(), { fecha_emision: Date.parse('1950-06-01T18:36:36.000Z'), monto: '-0.000001' }),
  ];

  it('new period: the direct COPY stores exactly what the staging upsert stores', async () => {
    const records = varied();
    const direct = randomUUID();
    const staged = randomUUID();
    await loader.load(rereadable(records).read, target(direct));
    expect(loader.lastPath).toBe('direct');
    await loader.load(stream(records), target(staged));
    expect(loader.lastPath).toBe('staged');
    const fromDirect = await rows(direct);
    expect(fromDirect).toHaveLength(4);
    expect(fromDirect).toEqual(await rows(staged));
    expect(fromDirect.find((row) => row.nombre_emisor === awkward)).toMatchObject({
      extras: { Nueva: 'v"alor\\' },
    });
  });

  it('a UUID repeated in a package read directly sends it through the staging table: its last line is kept', async () => {
    const tenantId = randomUUID();
    const uuid = randomUUID();
    const source = rereadable([
      record(uuid, { nombre_emisor: 'PRIMERA' }),
      record(randomUUID()),
      record(uuid, { nombre_emisor: 'SEGUNDA' }),
    ]);
    await loader.load(source.read, target(tenantId));
    expect(loader.lastPath).toBe('staged');
    expect(source.reads()).toBe(2);
    expect((await rows(tenantId)).map((row) => row.nombre_emisor).sort()).toEqual(['EMISOR', 'SEGUNDA']);
  });

  it('a stored UUID the window did not predict is caught by the key: the later values replace it, third parties kept', async () => {
    const tenantId = randomUUID();
    const uuid = randomUUID();
    // Stored from an earlier package whose row says another month (so March looks new).
    await loader.load(
      stream([
        record(uuid, {
          fecha_emision: Date.parse('2024-01-15T10:00:00-06:00'),
          rfc_a_cuenta_terceros: 'TER050505TE5',
          nombre_a_cuenta_terceros: 'TERCERO',
          extras: JSON.stringify({ Nueva: 'x' }),
        }),
      ]),
      target(tenantId),
    );
    const other = randomUUID();
    const source = rereadable([
      record(other),
      record(uuid, { estatus: 'Cancelado', fecha_cancelacion: Date.parse('2024-03-05T09:00:00-06:00') }),
    ]);
    const later = target(tenantId);
    await loader.load(source.read, later);
    expect(loader.lastPath).toBe('staged');
    const [paquete] = await database.dataSource.query<{ paquete_id: string }[]>(
      `SELECT paquete_id::text FROM cfdi_metadata WHERE tenant_id = $1 AND uuid = $2`,
      [tenantId, uuid],
    );
    expect(paquete?.paquete_id).toBe(later.paqueteId);
    expect((await rows(tenantId)).find((row) => row.uuid === uuid)).toMatchObject({
      estatus: 'Cancelado',
      fecha_emision: new Date('2024-03-02T16:00:00Z'),
      rfc_a_cuenta_terceros: 'TER050505TE5',
      nombre_a_cuenta_terceros: 'TERCERO',
      extras: { Nueva: 'x' },
    });
    expect((await rows(tenantId)).map((row) => row.uuid)).toEqual([uuid, other].sort());
  });

  it('takes the staging path when the period already holds rows of that side, and keeps tenants apart', async () => {
    const tenantId = randomUUID();
    const uuid = randomUUID();
    await loader.load(rereadable([record(uuid)]).read, target(tenantId));
    expect(loader.lastPath).toBe('direct');
    // Same RFC and month, same side: the upsert, straight away.
    await loader.load(rereadable([record(randomUUID())]).read, target(tenantId));
    expect(loader.lastPath).toBe('staged');
    // Emitidos of the same RFC and month: nothing stored on that side, so direct.
    await loader.load(
      rereadable([record(randomUUID(), { rfc_emisor: RFC, rfc_receptor: 'AAA010101AAA' })]).read,
      target(tenantId, { contexto: 'Emitidos' }),
    );
    expect(loader.lastPath).toBe('direct');
    // The same UUID in another tenant is another row, loaded directly.
    const otherTenant = randomUUID();
    await loader.load(rereadable([record(uuid, { nombre_emisor: 'OTRO' })]).read, target(otherTenant));
    expect(loader.lastPath).toBe('direct');
    expect((await rows(otherTenant)).map((row) => row.nombre_emisor)).toEqual(['OTRO']);
    expect((await rows(tenantId)).find((row) => row.uuid === uuid)?.nombre_emisor).toBe('EMISOR');
  });

  it("does not take another contribuyente's rows of the tenant for stored rows of this one", async () => {
    const tenantId = randomUUID();
    // Another RFC of the tenant issued invoices to this one: stored under that RFC, not this one.
    await loader.load(
      rereadable([record(randomUUID(), { rfc_emisor: 'BBB010101BBB' })]).read,
      target(tenantId, { rfc: 'BBB010101BBB', contexto: 'Emitidos' }),
    );
    await loader.load(rereadable([record(randomUUID())]).read, target(tenantId));
    expect(loader.lastPath).toBe('direct');
  });

  it('leaves a row the package would not change as it is, and rewrites one it changes', async () => {
    const tenantId = randomUUID();
    const [same, changed] = [randomUUID(), randomUUID()];
    const first = target(tenantId);
    await loader.load(stream([record(same), record(changed)]), first);
    const versions = async (): Promise<Record<string, string>> =>
      Object.fromEntries(
        (
          await database.dataSource.query<{ uuid: string; xmin: string }[]>(
            `SELECT uuid::text, xmin::text FROM cfdi_metadata WHERE tenant_id = $1`,
            [tenantId],
          )
        ).map((row) => [row.uuid, row.xmin]),
      );
    const before = await versions();
    await loader.load(stream([record(same), record(changed, { estatus: 'Cancelado' })]), first);
    const after = await versions();
    expect(after[same]).toBe(before[same]);
    expect(after[changed]).not.toBe(before[changed]);
    // The same values from another package still move the row to that package.
    const later = target(tenantId);
    await loader.load(stream([record(same)]), later);
    const [row] = await database.dataSource.query<{ paquete_id: string }[]>(
      `SELECT paquete_id::text FROM cfdi_metadata WHERE tenant_id = $1 AND uuid = $2`,
      [tenantId, same],
    );
    expect(row?.paquete_id).toBe(later.paqueteId);
  });

  it('stores nothing of a package whose direct COPY fails half-way on something else than a stored UUID', async () => {
    const tenantId = randomUUID();
    const source = rereadable([
      ...Array.from({ length: 1500 }, () => record(randomUUID())),
      record('not-a-uuid'),
    ]);
    await expect(loader.load(source.read, target(tenantId))).rejects.toThrow();
    expect(source.reads()).toBe(1);
    expect(await rows(tenantId)).toEqual([]);
  });
});

describe('PackageIndexer reading a metadata package twice', () => {
  let database: TestDatabase;
  let directory: string;

  beforeAll(async () => {
    database = await createTestDatabase('metadata_load_twice');
    directory = mkdtempSync(path.join(tmpdir(), 'dm-metadata-twice-'));
  });
  afterAll(async () => {
    await database.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('says what the package held once, not once per reading', async () => {
    const store = new LocalDiskObjectStore({ directory, baseUrl: () => '', linkSecret: Buffer.alloc(32) });
    const tenant = await createTenant(database.dataSource, 'twice');
    const header =
      'Uuid~RfcEmisor~NombreEmisor~RfcReceptor~NombreReceptor~RfcPac~FechaEmision~FechaCertificacionSat~Monto~EfectoComprobante~Estatus~FechaCancelacion';
    const uuid = '00000001-aaaa-4bbb-8ccc-000000000000';
    const line = (id: string, nombre: string): string =>
      `${id}~AAA010101AAA~${nombre}~${RFC}~R~CCC010101CCC~2024-03-01 10:00:00~2024-03-01 10:00:05~15~I~1~`;
    const content = [
      header,
      line(uuid, 'PRIMERA'),
      line('no-es-uuid', 'MALA'),
      line('00000002-aaaa-4bbb-8ccc-000000000000', 'OTRA'),
      line(uuid, 'SEGUNDA'),
      '',
    ].join('\r\n');
    const stored = await storePackage(database.dataSource, store, {
      tenantId: tenant.id,
      rfc: RFC,
      idPaquete: 'TWICE_01',
      contexto: 'Recibidos',
      tipoSolicitud: 'Metadata',
      fechaInicial: MARCH,
      storedAt: new Date(),
      zip: zipOf([{ name: 'S-0001.txt', content }]),
    });
    const indexer = new PackageIndexer(database.dataSource, store);
    await indexer.index(stored.paqueteId);
    const paquete = await database.dataSource
      .getRepository(Paquete)
      .findOneByOrFail({ id: stored.paqueteId });
    expect(paquete.estado).toBe('Indexado');
    expect(paquete.mensaje).toMatch(/^1 registro\(s\) no indexado\(s\): S-0001\.txt línea 3: /);
    const names = await database.dataSource.query<{ nombre_emisor: string }[]>(
      `SELECT nombre_emisor FROM cfdi_metadata WHERE tenant_id = $1 ORDER BY uuid`,
      [tenant.id],
    );
    expect(names.map((row) => row.nombre_emisor)).toEqual(['SEGUNDA', 'OTRA']);
    expect(await indexer.reindex(stored.paqueteId)).toMatchObject({ documentos: 3 });
  });
});
