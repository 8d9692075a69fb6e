import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CorpusDocument } from '../../../src/sat-simulator/corpus';
import { PackageIndexer } from '../../../src/services/pipeline';
import { ReindexService, type ReindexObserver } from '../../../src/services/reindex';
import { LocalDiskObjectStore } from '../../../src/storage';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { derivedRows, forgetNewFields, type DerivedRows } from '../../helpers/derived-tables';
import { corpusDocuments, createTenant, simulatorPackage, storePackage } from '../../helpers/stored-packages';
import { mexicoMidnight } from '../../helpers/cli-output';

const RFC = 'EKU9003173C9';

/*
 * The run's order and paging, at the service: packages go in the order they were first indexed (a
 * package without that date first, ties by id), across pages, so a later metadata package (one that
 * says a document was cancelled) again has the last word; packages not indexed yet are the workers'.
 */
describe('ReindexService', () => {
  let database: TestDatabase;
  let dataDir: string;
  let indexer: PackageIndexer;
  let expected: DerivedRows;
  let tenantId: string;
  /** The packages of the run, in the order it must take them. */
  let order: string[];
  let cancelled: string[];
  let notIndexed: string;

  beforeAll(async () => {
    database = await createTestDatabase('dm_reindex_service');
    dataDir = mkdtempSync(path.join(tmpdir(), 'dm-reindex-service-'));
    const store = new LocalDiskObjectStore({
      directory: dataDir,
      baseUrl: () => '',
      linkSecret: Buffer.alloc(32),
    });
    const ds = database.dataSource;
    tenantId = (await createTenant(ds, 'acme')).id;
    indexer = new PackageIndexer(ds, store);
    const from = mexicoMidnight('2024-03-01');
    const to = mexicoMidnight('2024-03-10');
    const received = corpusDocuments(RFC, 'Recibidos', from, to);
    // SAT's later metadata of the same days: some documents cancelled meanwhile.
    const later: CorpusDocument[] = received.map((document, index) =>
      index % 3 === 0
        ? {
            ...document,
            vigente: false,
            fechaCancelacion: new Date(document.fechaEmision.getTime() + 86_400_000),
          }
        : { ...document, vigente: true, fechaCancelacion: undefined },
    );
    const earlier = received.map((document) => ({ ...document, vigente: true, fechaCancelacion: undefined }));
    cancelled = later.filter((document) => !document.vigente).map((document) => document.uuid.toLowerCase());
    expect(cancelled.length).toBeGreaterThan(0);

    const store1 = async (
      idPaquete: string,
      tipoSolicitud: 'CFDI' | 'Metadata',
      documents: readonly CorpusDocument[],
    ): Promise<string> =>
      (
        await storePackage(ds, store, {
          tenantId,
          rfc: RFC,
          idPaquete,
          contexto: tipoSolicitud === 'CFDI' ? 'Emitidos' : 'Recibidos',
          tipoSolicitud,
          fechaInicial: from,
          storedAt: to,
          zip: simulatorPackage(idPaquete, tipoSolicitud, documents),
        })
      ).paqueteId;
    const issued = corpusDocuments(RFC, 'Emitidos', from, to);
    const half = Math.floor(issued.length / 2);
    const ids = {
      legacy: await store1('E0000000-0001-4000-8000-000000000001_01', 'CFDI', issued.slice(0, half)),
      earlier: await store1('E0000000-0002-4000-8000-000000000002_01', 'Metadata', earlier),
      tieA: await store1('E0000000-0003-4000-8000-000000000003_01', 'CFDI', issued.slice(half)),
      tieB: await store1(
        'E0000000-0004-4000-8000-000000000004_01',
        'CFDI',
        corpusDocuments(RFC, 'Emitidos', mexicoMidnight('2024-04-01'), mexicoMidnight('2024-04-05')),
      ),
      later: await store1('E0000000-0005-4000-8000-000000000005_01', 'Metadata', later),
    };
    for (const id of Object.values(ids)) await indexer.index(id);
    notIndexed = await store1(
      'E0000000-0006-4000-8000-000000000006_01',
      'CFDI',
      corpusDocuments(RFC, 'Emitidos', mexicoMidnight('2024-05-01'), mexicoMidnight('2024-05-05')),
    );
    // Indexed in this order: one before indexing dates were kept, two in the same instant.
    const at = (id: string, instant: string | null): Promise<unknown> =>
      ds.query(`UPDATE paquetes SET indexed_at = $2 WHERE id = $1`, [id, instant]);
    await at(ids.legacy, null);
    await at(ids.earlier, '2024-03-11T10:00:00.123456Z');
    await at(ids.tieA, '2024-03-11T11:00:00.654321Z');
    await at(ids.tieB, '2024-03-11T11:00:00.654321Z');
    await at(ids.later, '2024-04-20T10:00:00Z');
    const tie = [ids.tieA, ids.tieB].sort();
    order = [ids.legacy, ids.earlier, ...tie, ids.later];

    expected = await derivedRows(ds);
    const estatus = new Map(
      (expected.metadata as { uuid: string; estatus: string }[]).map((row) => [row.uuid, row.estatus]),
    );
    expect(cancelled.every((uuid) => estatus.get(uuid) === 'Cancelado')).toBe(true);
    await forgetNewFields(ds);
  });

  afterAll(async () => {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes the packages in the order they were first indexed, page after page, and ends as indexing did', async () => {
    const seen: string[] = [];
    const positions: number[] = [];
    const observer: ReindexObserver = {
      planned: (plan) => expect(plan).toEqual({ packages: 5, done: 0 }),
      finished: (item, result, position) => {
        expect(result).toMatchObject({ outcome: 'reindexed', problemas: null });
        seen.push(item.paqueteId);
        positions.push(position);
      },
    };
    const summary = await new ReindexService(database.dataSource, indexer, { pageSize: 2 }).run(
      { tenantId, tenant: 'acme' },
      observer,
    );
    expect(seen).toEqual(order);
    expect(positions).toEqual([1, 2, 3, 4, 5]);
    expect(summary).toMatchObject({ scope: 'tenant acme, every RFC', packages: 5, reindexed: 5, failed: 0 });
    expect(seen).not.toContain(notIndexed);
    // The later metadata still has the last word (the cancellations), and the package the workers
    // have not indexed yet has no rows.
    expect(await derivedRows(database.dataSource)).toEqual(expected);
    const [rows] = await database.dataSource.query<{ count: string }[]>(
      `SELECT count(*) AS count FROM cfdi_documents WHERE paquete_id = $1`,
      [notIndexed],
    );
    expect(rows?.count).toBe('0');
  });

  it('with an RFC the tenant does not have, says so and records no run', async () => {
    const service = new ReindexService(database.dataSource, indexer);
    await expect(service.run({ tenantId, rfc: 'AAA010101AAA' })).rejects.toMatchObject({ code: 'DM-4001' });
    const runs = await database.dataSource.query<{ rfc: string | null }[]>(`SELECT rfc FROM reindex_runs`);
    expect(runs).toEqual([{ rfc: null }]);
  });
});
