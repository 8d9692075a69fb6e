import { randomUUID } from 'node:crypto';
import { MetadataLoader } from '../../../src/services/pipeline/metadata-loader';
import type { MetadataRecord } from '../../../src/services/pipeline/metadata-record';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

/*
 * Both ways metadata reaches cfdi_metadata (COPY through a staging table on a PostgreSQL server,
 * batched upserts on the embedded database) must store the same thing: every field intact whatever
 * characters it holds, third parties and unknown columns kept, the later line of a repeated UUID, and
 * nothing at all when the load fails half-way.
 */

function record(uuid: string, overrides: Partial<MetadataRecord> = {}): MetadataRecord {
  return {
    uuid,
    rfc_emisor: 'AAA010101AAA',
    nombre_emisor: 'EMISOR',
    rfc_receptor: 'EKU9003173C9',
    nombre_receptor: 'RECEPTOR',
    rfc_pac: 'SAT970701NN3',
    fecha_emision: Date.parse('2025-01-02T03:04:05.000Z'),
    fecha_certificacion: null,
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

describe('MetadataLoader (COPY into a staging table)', () => {
  let database: TestDatabase;
  let loader: MetadataLoader;
  const tenantId = randomUUID();
  const target = (paqueteId = randomUUID()) => ({
    tenantId,
    rfc: 'EKU9003173C9',
    tipoDocumento: 'CFDI',
    paqueteId,
  });

  beforeAll(async () => {
    database = await createTestDatabase('metadata_loader_copy');
    loader = new MetadataLoader(database.dataSource);
  });
  afterAll(async () => {
    await database.drop();
  });

  async function stored(uuid: string): Promise<Record<string, unknown> | undefined> {
    const [row] = await database.dataSource.query<Record<string, unknown>[]>(
      `SELECT nombre_emisor, estatus, monto::text AS monto, fecha_emision, rfc_a_cuenta_terceros,
              nombre_a_cuenta_terceros, extras, paquete_id::text AS paquete_id
         FROM cfdi_metadata WHERE tenant_id = $1 AND uuid = $2`,
      [tenantId, uuid],
    );
    return row;
  }

  it('stores every field intact, whatever characters it holds, with third parties and extra columns', async () => {
    const uuid = randomUUID();
    const awkward = 'TABS\tBACK\\SLASH\nLINE\rCR "COMILLAS" & ÑANDÚ \\N';
    await loader.load(
      stream([
        record(uuid, {
          nombre_emisor: awkward,
          rfc_a_cuenta_terceros: 'TER050505TE5',
          nombre_a_cuenta_terceros: 'TERCERO',
          extras: JSON.stringify({ ColumnaNueva: 'valor' }),
        }),
      ]),
      target(),
    );
    expect(await stored(uuid)).toMatchObject({
      nombre_emisor: awkward,
      estatus: 'Vigente',
      monto: '1234.500000',
      fecha_emision: new Date('2025-01-02T03:04:05.000Z'),
      rfc_a_cuenta_terceros: 'TER050505TE5',
      nombre_a_cuenta_terceros: 'TERCERO',
      extras: { ColumnaNueva: 'valor' },
    });
  });

  it('keeps the later line of a UUID repeated in one package, and updates it from a later package', async () => {
    const uuid = randomUUID();
    await loader.load(
      stream([record(uuid, { nombre_emisor: 'PRIMERA' }), record(uuid, { nombre_emisor: 'SEGUNDA' })]),
      target(),
    );
    expect((await stored(uuid))?.nombre_emisor).toBe('SEGUNDA');
    const later = randomUUID();
    await loader.load(
      stream([
        record(uuid, { estatus: 'Cancelado', fecha_cancelacion: Date.parse('2025-02-01T00:00:00.000Z') }),
      ]),
      target(later),
    );
    expect(await stored(uuid)).toMatchObject({ estatus: 'Cancelado', paquete_id: later });
  });

  it('stores nothing of a package whose load fails half-way', async () => {
    const first = randomUUID();
    const loading = loader.load(
      stream([
        record(first),
        ...Array.from({ length: 1500 }, () => record(randomUUID())),
        record('not-a-uuid'),
      ]),
      target(),
    );
    await expect(loading).rejects.toThrow();
    expect(await stored(first)).toBeUndefined();
  });
});
