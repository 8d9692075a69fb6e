import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Paquete, type Tenant } from '../../../src/db';
import { PackageIndexer } from '../../../src/services/pipeline';
import { scopeLockName } from '../../../src/services/reindex';
import { LocalDiskObjectStore } from '../../../src/storage';
import { runCliProcess, type CliResult } from '../../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { derivedRows, forgetNewFields, type DerivedRows } from '../../helpers/derived-tables';
import {
  corpusDocuments,
  createTenant,
  simulatorPackage,
  storePackage,
  type PackageToStore,
} from '../../helpers/stored-packages';
import { mexicoMidnight, summaryCount } from '../../helpers/cli-output';

const masterKey = Buffer.alloc(32, 6).toString('base64');
const EKU = 'EKU9003173C9';
const AAA = 'AAA010101AAA';

/** A CFDI or metadata package of the simulator's corpus, for `storePackage`. */
function corpusPackage(
  tenantId: string,
  rfc: string,
  idPaquete: string,
  contexto: 'Emitidos' | 'Recibidos',
  tipoSolicitud: 'CFDI' | 'Metadata',
  from: string,
  to: string,
): PackageToStore {
  const documents = corpusDocuments(rfc, contexto, mexicoMidnight(from), mexicoMidnight(to));
  return {
    tenantId,
    rfc,
    idPaquete,
    contexto,
    tipoSolicitud,
    fechaInicial: mexicoMidnight(from),
    storedAt: mexicoMidnight(to),
    zip: simulatorPackage(idPaquete, tipoSolicitud, documents),
  };
}

/*
 * Packages indexed by the pipeline's indexer, then the index taken back to what a release before
 * issue 19 left (new header columns empty, no payment rows, no third-party data): `reindex` fills it
 * again from the stored packages, exactly as indexing them now does, within the scope it is given.
 */
describe('descarga-masiva reindex', () => {
  let database: TestDatabase;
  let dataDir: string;
  let store: LocalDiskObjectStore;
  let env: NodeJS.ProcessEnv;
  let acme: Tenant;
  let other: Tenant;
  let broken: Tenant;
  /** The derived tables as indexing every package today leaves them. */
  let expected: DerivedRows;
  /** The same, once the new fields are forgotten. */
  let forgotten: DerivedRows;
  const ids: Record<string, string> = {};

  const reindex = (...args: string[]): CliResult => runCliProcess(['reindex', ...args], env);
  const rowsOf = (tenant: Tenant): Promise<DerivedRows> => derivedRows(database.dataSource, [tenant.id]);
  const only = (
    rows: DerivedRows,
    keep: (row: { tenant_id: string; rfc: string }) => boolean,
  ): DerivedRows => {
    const pick = (list: unknown[]): unknown[] =>
      list.filter((row) => keep(row as { tenant_id: string; rfc: string }));
    return {
      documents: pick(rows.documents),
      pagos: pick(rows.pagos),
      pagoDocumentos: pick(rows.pagoDocumentos),
      metadata: pick(rows.metadata),
    };
  };
  async function packageStates(): Promise<unknown[]> {
    return database.dataSource.query(
      `SELECT p.id, p.estado, p.indexed_at, p.codigo, p.mensaje, p.updated_at, s.estado AS solicitud,
              s.updated_at AS solicitud_updated, (SELECT count(*) FROM solicitud_estados e WHERE e.solicitud_id = s.id) AS historia
         FROM paquetes p JOIN solicitudes s ON s.id = p.solicitud_id ORDER BY p.id_paquete`,
    );
  }

  beforeAll(async () => {
    database = await createTestDatabase('dm_cli_reindex');
    dataDir = mkdtempSync(path.join(tmpdir(), 'dm-cli-reindex-'));
    store = new LocalDiskObjectStore({
      directory: path.join(dataDir, 'objects'),
      baseUrl: () => '',
      linkSecret: Buffer.alloc(32),
    });
    env = { DATABASE_URL: database.url, MASTER_KEY: masterKey, DATA_DIR: dataDir };
    const ds = database.dataSource;
    acme = await createTenant(ds, 'acme');
    other = await createTenant(ds, 'other');
    broken = await createTenant(ds, 'broken');
    const packages: [string, PackageToStore][] = [
      // CFDI 3.3 with Pagos 1.0, CFDI 4.0 with Pagos 2.0, metadata with third-party rows.
      [
        'pagos10',
        corpusPackage(
          acme.id,
          EKU,
          'A0000000-0001-4000-8000-000000000001_01',
          'Emitidos',
          'CFDI',
          '2022-05-01',
          '2022-05-15',
        ),
      ],
      [
        'pagos20',
        corpusPackage(
          acme.id,
          EKU,
          'A0000000-0002-4000-8000-000000000002_01',
          'Emitidos',
          'CFDI',
          '2024-03-01',
          '2024-03-15',
        ),
      ],
      [
        'metadata',
        corpusPackage(
          acme.id,
          EKU,
          'A0000000-0003-4000-8000-000000000003_01',
          'Recibidos',
          'Metadata',
          '2024-03-01',
          '2024-03-15',
        ),
      ],
      [
        'aaa',
        corpusPackage(
          acme.id,
          AAA,
          'A0000000-0004-4000-8000-000000000004_01',
          'Emitidos',
          'CFDI',
          '2024-06-01',
          '2024-06-08',
        ),
      ],
      // Another tenant holding the very same documents of the very same RFC.
      [
        'other',
        corpusPackage(
          other.id,
          EKU,
          'B0000000-0001-4000-8000-000000000001_01',
          'Emitidos',
          'CFDI',
          '2024-03-01',
          '2024-03-15',
        ),
      ],
      [
        'good',
        corpusPackage(
          broken.id,
          EKU,
          'C0000000-0001-4000-8000-000000000001_01',
          'Emitidos',
          'CFDI',
          '2024-03-01',
          '2024-03-08',
        ),
      ],
      [
        'gone',
        corpusPackage(
          broken.id,
          EKU,
          'C0000000-0002-4000-8000-000000000002_01',
          'Emitidos',
          'CFDI',
          '2024-03-08',
          '2024-03-15',
        ),
      ],
      [
        'damaged',
        {
          ...corpusPackage(
            broken.id,
            EKU,
            'C0000000-0003-4000-8000-000000000003_01',
            'Emitidos',
            'CFDI',
            '2024-04-01',
            '2024-04-02',
          ),
          zip: Readable.from([Buffer.from('not a zip at all')]),
        },
      ],
    ];
    const indexer = new PackageIndexer(ds, store);
    for (const [name, item] of packages) {
      ids[name] = (await storePackage(ds, store, item)).paqueteId;
      await indexer.index(ids[name] as string);
    }
    const paquetes = await ds.getRepository(Paquete).find();
    expect(paquetes.map((paquete) => paquete.estado)).toEqual(paquetes.map(() => 'Indexado'));
    expect(paquetes.find((paquete) => paquete.id === ids.damaged)?.codigo).toBe('DM-5006');

    expected = await derivedRows(ds);
    // What the new indexer writes, so forgetting it is visible: payments of both versions, third
    // parties, the header columns added later.
    const pagos = expected.pagos as { tenant_id: string; version_pagos: string }[];
    expect(
      new Set(pagos.filter((pago) => pago.tenant_id === acme.id).map((pago) => pago.version_pagos)),
    ).toEqual(new Set(['1.0', '2.0']));
    expect(expected.pagoDocumentos.length).toBeGreaterThan(0);
    expect(
      (expected.metadata as { rfc_a_cuenta_terceros: string | null }[]).some(
        (row) => row.rfc_a_cuenta_terceros,
      ),
    ).toBe(true);
    expect((expected.documents as { subtotal: string | null }[]).every((row) => row.subtotal !== null)).toBe(
      true,
    );

    const gone = await ds.getRepository(Paquete).findOneByOrFail({ id: ids.gone });
    await store.delete(gone.objectKey as string);
    await forgetNewFields(ds);
    forgotten = await derivedRows(ds);
    expect(forgotten.pagos).toEqual([]);
    expect(forgotten.documents).not.toEqual(expected.documents);
    expect(forgotten.metadata).not.toEqual(expected.metadata);
  });

  afterAll(async () => {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('--tenant and --rfc: fills one RFC of one tenant, nothing else', async () => {
    const before = await packageStates();
    const result = reindex('--tenant', 'acme', '--rfc', EKU.toLowerCase());
    expect(result.stderr).not.toMatch(/FAILED/);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('Re-indexing 3 package(s).');
    expect(result.stderr).toMatch(
      /^\[1\/3\] A0000000-0001-4000-8000-000000000001_01 \(CFDI, EKU9003173C9\): \d+ document\(s\)$/m,
    );
    expect(result.stderr).toMatch(
      /^\[3\/3\] A0000000-0003-4000-8000-000000000003_01 \(Metadata, EKU9003173C9\): \d+ document\(s\)$/m,
    );
    expect(result.stdout).toContain(`Reindex of tenant acme, RFC ${EKU} finished in`);
    expect(summaryCount(result, 'packages')).toBe(3);
    expect(summaryCount(result, 'already done')).toBe(0);
    expect(summaryCount(result, 'reindexed')).toBe(3);
    expect(summaryCount(result, 'failed')).toBe(0);
    const acmeEku = (row: { tenant_id: string; rfc: string }): boolean =>
      row.tenant_id === acme.id && row.rfc === EKU;
    expect(summaryCount(result, 'documents')).toBe(
      only(expected, acmeEku).documents.length + only(expected, acmeEku).metadata.length,
    );

    const now = await derivedRows(database.dataSource);
    expect(only(now, acmeEku)).toEqual(only(expected, acmeEku));
    expect(only(now, (row) => !acmeEku(row))).toEqual(only(forgotten, (row) => !acmeEku(row)));
    // The packages' own story is not rewritten: state, dates, message, the solicitud and its history.
    expect(await packageStates()).toEqual(before);
  });

  it('--tenant: fills that tenant only, though another holds the same RFC and documents', async () => {
    const result = reindex('--tenant', 'other');
    expect(result.status).toBe(0);
    expect(summaryCount(result, 'reindexed')).toBe(1);
    expect(await rowsOf(other)).toEqual(only(expected, (row) => row.tenant_id === other.id));
    const acmeAaa = only(await rowsOf(acme), (row) => row.rfc === AAA);
    expect(acmeAaa).toEqual(only(forgotten, (row) => row.tenant_id === acme.id && row.rfc === AAA));
    expect(await rowsOf(broken)).toEqual(only(forgotten, (row) => row.tenant_id === broken.id));
  });

  it('reports a package whose object is gone or whose ZIP is damaged, re-indexes the rest, exits 1', async () => {
    const result = reindex();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Re-indexing 8 package(s).');
    expect(result.stderr).toMatch(
      /^\[\d\/8\] FAILED C0000000-0002-4000-8000-000000000002_01: DM-6004 Object .* does not exist in storage\.$/m,
    );
    expect(result.stderr).toMatch(
      /^\[\d\/8\] FAILED C0000000-0003-4000-8000-000000000003_01: DM-5006 Could not open package /m,
    );
    expect(result.stderr).toMatch(
      /^descarga-masiva: failed C0000000-0002-4000-8000-000000000002_01: DM-6004 /m,
    );
    expect(result.stderr).toMatch(
      /^descarga-masiva: failed C0000000-0003-4000-8000-000000000003_01: DM-5006 /m,
    );
    expect(result.stdout).toContain('Reindex of every tenant, every RFC finished in');
    expect(summaryCount(result, 'packages')).toBe(8);
    expect(summaryCount(result, 'reindexed')).toBe(6);
    expect(summaryCount(result, 'failed')).toBe(2);

    // Every package re-indexed again (idempotent: the tenants done before are unchanged) ...
    expect(await rowsOf(acme)).toEqual(only(expected, (row) => row.tenant_id === acme.id));
    expect(await rowsOf(other)).toEqual(only(expected, (row) => row.tenant_id === other.id));
    // ... and nothing lost where a package failed: its documents stay as they were.
    const brokenNow = (await rowsOf(broken)).documents as { paquete_id: string; subtotal: string | null }[];
    const fromGood = brokenNow.filter((row) => row.paquete_id === ids.good);
    const fromGone = brokenNow.filter((row) => row.paquete_id === ids.gone);
    expect(fromGood.length).toBeGreaterThan(0);
    expect(fromGood.every((row) => row.subtotal !== null)).toBe(true);
    expect(fromGone.length).toBeGreaterThan(0);
    expect(fromGone.every((row) => row.subtotal === null)).toBe(true);
  });

  it('starts afresh once a run has finished', async () => {
    const result = reindex('--tenant', 'acme', '--rfc', EKU);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('Re-indexing 3 package(s).');
    expect(summaryCount(result, 'already done')).toBe(0);
    expect(summaryCount(result, 'reindexed')).toBe(3);
    expect(await rowsOf(acme)).toEqual(only(expected, (row) => row.tenant_id === acme.id));
  });

  it('refuses to run beside another run of the same scope, not beside one of another scope', async () => {
    // Another session holds the lock of tenant other's runs, as a running reindex would.
    const session = database.dataSource.createQueryRunner();
    await session.connect();
    const name = scopeLockName({ tenantId: other.id });
    try {
      await session.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [name]);
      const busy = reindex('--tenant', 'other');
      expect(busy.status).toBe(1);
      expect(busy.stderr).toMatch(/DM-6120 .* \/ A reindex of tenant other, every RFC is already running/);
      expect(reindex('--tenant', 'acme', '--rfc', AAA).status).toBe(0);
    } finally {
      await session.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]);
      await session.release();
    }
    expect(reindex('--tenant', 'other').status).toBe(0);
  });

  it('says so when the tenant or the RFC is not there', () => {
    const tenant = reindex('--tenant', 'nobody');
    expect(tenant.status).toBe(1);
    expect(tenant.stderr).toContain('DM-4001');
    const rfc = reindex('--tenant', 'other', '--rfc', AAA);
    expect(rfc.status).toBe(1);
    expect(rfc.stderr).toMatch(/DM-4001 .*RFC.*AAA010101AAA/);
  });
});
