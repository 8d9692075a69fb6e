import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootEntries } from '../../../src/sat/packages';
import { satDate } from '../../../src/sat-simulator/package-builder';
import type { CorpusDocument } from '../../../src/sat-simulator/corpus';
import { LocalDiskObjectStore } from '../../../src/storage';
import { runCliProcess, type CliResult } from '../../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import {
  corpusDocuments,
  createTenant,
  simulatorPackage,
  storePackage,
  zipOf,
  type StoredPackage,
} from '../../helpers/stored-packages';
import { filesUnder, mexicoMidnight, sha256OfFile, summaryCount } from '../../helpers/cli-output';

const masterKey = Buffer.alloc(32, 5).toString('base64');
const EKU = 'EKU9003173C9';
const AAA = 'AAA010101AAA';

function documentFile(rfc: string, document: CorpusDocument): string {
  const fecha = satDate(document.fechaEmision);
  return path.join(rfc, 'xml', fecha.slice(0, 4), fecha.slice(5, 7), `${document.uuid.toUpperCase()}.xml`);
}

const ODD_UUIDS = ['0D0D0D0D-1111-4111-8111-111111111111', '0D0D0D0D-2222-4222-8222-222222222222'] as const;

/** A minimal CFDI 4.0 with its stamp: what the extractor needs to name and date it. */
function cfdi(uuid: string, fecha: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0" ` +
    `Fecha="${fecha}" Total="10.00" TipoDeComprobante="I"><cfdi:Emisor Rfc="${AAA}" Nombre="A"/>` +
    `<cfdi:Receptor Rfc="${EKU}" Nombre="E"/><cfdi:Complemento><tfd:TimbreFiscalDigital ` +
    `xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="1.1" UUID="${uuid}" FechaTimbrado="${fecha}"/>` +
    `</cfdi:Complemento></cfdi:Comprobante>`
  );
}

describe('descarga-masiva export', () => {
  let database: TestDatabase;
  let dataDir: string;
  let work: string;
  let store: LocalDiskObjectStore;
  let env: NodeJS.ProcessEnv;
  const packages: Record<string, StoredPackage> = {};
  /** Relative path each exportable package of tenant acme must end at. */
  const layout: Record<string, string> = {};
  let receivedDocuments: CorpusDocument[];
  let retencionesDocuments: CorpusDocument[];

  const exportTo = (destination: string, ...extra: string[]): CliResult =>
    runCliProcess(['export', '--tenant', 'acme', '--dest', destination, ...extra], env);

  beforeAll(async () => {
    database = await createTestDatabase('dm_cli_export');
    dataDir = mkdtempSync(path.join(tmpdir(), 'dm-cli-export-data-'));
    work = mkdtempSync(path.join(tmpdir(), 'dm-cli-export-'));
    store = new LocalDiskObjectStore({
      directory: path.join(dataDir, 'objects'),
      baseUrl: () => '',
      linkSecret: Buffer.alloc(32),
    });
    env = { DATABASE_URL: database.url, MASTER_KEY: masterKey, DATA_DIR: dataDir };
    const acme = await createTenant(database.dataSource, 'acme');
    const other = await createTenant(database.dataSource, 'other');
    const damaged = await createTenant(database.dataSource, 'damaged');
    const ds = database.dataSource;

    const march = [mexicoMidnight('2024-03-01'), mexicoMidnight('2024-03-11')] as const;
    receivedDocuments = corpusDocuments(EKU, 'Recibidos', ...march);
    retencionesDocuments = corpusDocuments(
      EKU,
      'Recibidos',
      mexicoMidnight('2023-12-01'),
      mexicoMidnight('2023-12-11'),
      {
        servicio: 'retenciones',
      },
    );
    const issued = corpusDocuments(
      AAA,
      'Emitidos',
      mexicoMidnight('2024-06-01'),
      mexicoMidnight('2024-06-06'),
    );
    expect(receivedDocuments.length).toBeGreaterThan(3);
    expect(retencionesDocuments.length).toBeGreaterThan(1);
    expect(issued.length).toBeGreaterThan(1);

    const seeds = [
      {
        name: 'received',
        tenantId: acme.id,
        rfc: EKU,
        idPaquete: 'A1B2C3D4-0001-4000-8000-000000000001_01',
        contexto: 'Recibidos',
        tipoSolicitud: 'CFDI',
        fechaInicial: march[0],
        storedAt: new Date('2024-04-01T12:00:00Z'),
        zip: simulatorPackage('A1B2C3D4-0001-4000-8000-000000000001_01', 'CFDI', receivedDocuments),
        path: `${EKU}/2024/Recibidos-CFDI/A1B2C3D4-0001-4000-8000-000000000001_01.zip`,
      },
      {
        name: 'metadata',
        tenantId: acme.id,
        rfc: EKU,
        idPaquete: 'A1B2C3D4-0002-4000-8000-000000000002_01',
        contexto: 'Emitidos',
        tipoSolicitud: 'Metadata',
        fechaInicial: march[0],
        storedAt: new Date('2024-04-02T12:00:00Z'),
        zip: simulatorPackage(
          'A1B2C3D4-0002-4000-8000-000000000002_01',
          'Metadata',
          corpusDocuments(EKU, 'Emitidos', ...march),
        ),
        path: `${EKU}/2024/Emitidos-Metadata/A1B2C3D4-0002-4000-8000-000000000002_01.zip`,
      },
      {
        // Stored in 2024, but its documents are of December 2023: the year comes from the period.
        name: 'retenciones',
        tenantId: acme.id,
        rfc: EKU,
        idPaquete: 'A1B2C3D4-0003-4000-8000-000000000003_01',
        contexto: 'Recibidos',
        tipoSolicitud: 'CFDI',
        tipoDocumento: 'Retenciones',
        fechaInicial: mexicoMidnight('2023-12-01'),
        storedAt: new Date('2024-05-10T12:00:00Z'),
        zip: simulatorPackage('A1B2C3D4-0003-4000-8000-000000000003_01', 'CFDI', retencionesDocuments),
        path: `${EKU}/2023/Recibidos-Retenciones/A1B2C3D4-0003-4000-8000-000000000003_01.zip`,
      },
      {
        name: 'issued',
        tenantId: acme.id,
        rfc: AAA,
        idPaquete: 'A1B2C3D4-0004-4000-8000-000000000004_01',
        contexto: 'Emitidos',
        tipoSolicitud: 'CFDI',
        fechaInicial: mexicoMidnight('2024-06-01'),
        storedAt: new Date('2024-07-01T12:00:00Z'),
        zip: simulatorPackage('A1B2C3D4-0004-4000-8000-000000000004_01', 'CFDI', issued),
        path: `${AAA}/2024/Emitidos-CFDI/A1B2C3D4-0004-4000-8000-000000000004_01.zip`,
      },
    ] as const;
    for (const seed of seeds) {
      packages[seed.name] = await storePackage(ds, store, seed);
      layout[seed.name] = seed.path;
    }
    // Not stored (yet, or ever): never exported.
    await storePackage(ds, store, {
      tenantId: acme.id,
      rfc: EKU,
      idPaquete: 'A1B2C3D4-0005-4000-8000-000000000005_01',
      contexto: 'Recibidos',
      tipoSolicitud: 'CFDI',
      fechaInicial: march[0],
      storedAt: new Date('2024-04-03T12:00:00Z'),
    });
    // The same RFC in another tenant: isolation must hold by tenant, not by RFC.
    packages.foreign = await storePackage(ds, store, {
      tenantId: other.id,
      rfc: EKU,
      idPaquete: 'F0F0F0F0-0001-4000-8000-000000000001_01',
      contexto: 'Recibidos',
      tipoSolicitud: 'CFDI',
      fechaInicial: march[0],
      storedAt: new Date('2024-04-01T12:00:00Z'),
      zip: simulatorPackage('F0F0F0F0-0001-4000-8000-000000000001_01', 'CFDI', receivedDocuments.slice(0, 2)),
    });

    // Tenant "damaged": a package with a document that is no CFDI, and one whose stored bytes rotted.
    packages.oddDocument = await storePackage(ds, store, {
      tenantId: damaged.id,
      rfc: EKU,
      idPaquete: 'D0D0D0D0-0001-4000-8000-000000000001_01',
      contexto: 'Recibidos',
      tipoSolicitud: 'CFDI',
      fechaInicial: march[0],
      storedAt: new Date('2024-04-01T12:00:00Z'),
      zip: zipOf([
        {
          name: 'roto.xml',
          content: '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4"><sin-cerrar>',
        },
        { name: 'uno.xml', content: cfdi(ODD_UUIDS[0], '2024-03-31T23:59:59') },
        { name: 'dos.xml', content: cfdi(ODD_UUIDS[1], '2024-04-01T00:00:00') },
      ]),
    });
    packages.rotten = await storePackage(ds, store, {
      tenantId: damaged.id,
      rfc: EKU,
      idPaquete: 'D0D0D0D0-0002-4000-8000-000000000002_01',
      contexto: 'Emitidos',
      tipoSolicitud: 'Metadata',
      fechaInicial: march[0],
      storedAt: new Date('2024-04-02T12:00:00Z'),
      zip: simulatorPackage(
        'D0D0D0D0-0002-4000-8000-000000000002_01',
        'Metadata',
        corpusDocuments(EKU, 'Emitidos', ...march),
      ),
    });
    const rottenFile = store.pathOf(packages.rotten.objectKey ?? '');
    const bytes = readFileSync(rottenFile);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(rottenFile, bytes);
  });

  afterAll(async () => {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('copies every stored package of the tenant into the documented layout, verified', () => {
    const destination = path.join(work, 'full');
    const result = exportTo(destination);
    expect(result.status).toBe(0);
    expect(summaryCount(result, 'packages')).toBe(4);
    expect(summaryCount(result, 'copied')).toBe(4);
    expect(summaryCount(result, 'skipped')).toBe(0);
    expect(summaryCount(result, 'failed')).toBe(0);
    const bytes = ['received', 'metadata', 'retenciones', 'issued'].reduce(
      (sum, name) => sum + (packages[name]?.size ?? 0),
      0,
    );
    expect(summaryCount(result, 'bytes copied')).toBe(bytes);
    expect(filesUnder(destination)).toEqual(Object.values(layout).sort());
    for (const [name, file] of Object.entries(layout))
      expect(sha256OfFile(path.join(destination, file))).toBe(packages[name]?.sha256);
    // Plain progress lines (stderr is no terminal here), one per package.
    expect(result.stderr).toMatch(/^Exporting 4 package\(s\)/m);
    expect(result.stderr).toMatch(/^\[4\/4\] copied /m);
  });

  it('resumes: skips verified copies, redoes a leftover .part, replaces a damaged copy', () => {
    const destination = path.join(work, 'resume');
    expect(exportTo(destination).status).toBe(0);
    const again = exportTo(destination);
    expect(again.status).toBe(0);
    expect(summaryCount(again, 'skipped')).toBe(4);
    expect(summaryCount(again, 'copied')).toBe(0);
    expect(summaryCount(again, 'bytes copied')).toBe(0);

    // An interrupted copy: the final file never appeared, half a .part did.
    const interrupted = path.join(destination, layout.metadata ?? '');
    const bytes = readFileSync(interrupted);
    rmSync(interrupted);
    writeFileSync(`${interrupted}.part`, bytes.subarray(0, bytes.length >> 1));
    // A copy damaged after the fact, same size: only the hash can tell.
    const damaged = path.join(destination, layout.issued ?? '');
    const content = readFileSync(damaged);
    content[content.length >> 1] ^= 0x01;
    writeFileSync(damaged, content);

    const resumed = exportTo(destination);
    expect(resumed.status).toBe(0);
    expect(summaryCount(resumed, 'copied')).toBe(1);
    expect(summaryCount(resumed, 'replaced')).toBe(1);
    expect(summaryCount(resumed, 'skipped')).toBe(2);
    expect(summaryCount(resumed, 'partial copies discarded')).toBe(1);
    expect(summaryCount(resumed, 'bytes copied')).toBe(
      (packages.metadata?.size ?? 0) + (packages.issued?.size ?? 0),
    );
    expect(resumed.stderr).toContain(`replaced a different file at ${layout.issued}`);
    expect(resumed.stderr).toContain('an interrupted partial copy was discarded');
    expect(filesUnder(destination)).toEqual(Object.values(layout).sort());
    for (const [name, file] of Object.entries(layout))
      expect(sha256OfFile(path.join(destination, file))).toBe(packages[name]?.sha256);
  });

  it('filters by RFC and by stored date, and refuses an RFC the tenant does not have', () => {
    const byRfc = path.join(work, 'by-rfc');
    const onlyAaa = exportTo(byRfc, '--rfc', AAA.toLowerCase());
    expect(onlyAaa.status).toBe(0);
    expect(filesUnder(byRfc)).toEqual([layout.issued]);

    // Stored 2024-05-10 and 2024-07-01 qualify; 2024-04-01 and 2024-04-02 do not.
    const since = path.join(work, 'since');
    const recent = exportTo(since, '--since', '2024-05-01');
    expect(recent.status).toBe(0);
    expect(filesUnder(since)).toEqual([layout.retenciones, layout.issued].sort());

    const stranger = path.join(work, 'stranger');
    const refused = exportTo(stranger, '--rfc', 'XAXX010101000');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/DM-4001 .*XAXX010101000/);
    expect(filesUnder(stranger)).toEqual([]);
  });

  it('--extract writes each XML to <RFC>/xml/<year>/<month>/<UUID>.xml, byte for byte, once', async () => {
    const destination = path.join(work, 'extract');
    const result = exportTo(destination, '--extract');
    expect(result.status).toBe(0);
    const issued = corpusDocuments(
      AAA,
      'Emitidos',
      mexicoMidnight('2024-06-01'),
      mexicoMidnight('2024-06-06'),
    );
    const expected = [
      ...receivedDocuments.map((document) => ({ rfc: EKU, document, zip: layout.received })),
      ...retencionesDocuments.map((document) => ({ rfc: EKU, document, zip: layout.retenciones })),
      ...issued.map((document) => ({ rfc: AAA, document, zip: layout.issued })),
    ];
    expect(summaryCount(result, 'xml extracted')).toBe(expected.length);
    expect(summaryCount(result, 'xml unreadable')).toBe(0);
    const xmlFiles = filesUnder(destination).filter((file) => file.endsWith('.xml'));
    expect(xmlFiles).toEqual(expected.map(({ rfc, document }) => documentFile(rfc, document)).sort());
    // Each file holds exactly the bytes of its entry in the exported ZIP.
    for (const zip of [layout.received, layout.retenciones, layout.issued]) {
      for await (const { entry, content } of rootEntries(path.join(destination, zip ?? ''))) {
        const chunks: Buffer[] = [];
        for await (const chunk of content) chunks.push(chunk as Buffer);
        const match = expected.find(({ document }) => `${document.uuid.toLowerCase()}.xml` === entry.name);
        expect(match).toBeDefined();
        const file = path.join(
          destination,
          documentFile(match?.rfc ?? '', match?.document as CorpusDocument),
        );
        expect(readFileSync(file).equals(Buffer.concat(chunks))).toBe(true);
      }
    }
    // A metadata package is copied, not unpacked; its text stays in its ZIP.
    expect(filesUnder(destination).filter((file) => file.endsWith('.txt'))).toEqual([]);
    expect(existsSync(path.join(destination, layout.metadata ?? ''))).toBe(true);
    expect(filesUnder(destination).some((file) => file.endsWith('.part'))).toBe(false);

    const again = exportTo(destination, '--extract');
    expect(again.status).toBe(0);
    expect(summaryCount(again, 'skipped')).toBe(4);
    expect(summaryCount(again, 'xml extracted')).toBe(0);
    expect(filesUnder(destination).filter((file) => file.endsWith('.xml'))).toEqual(xmlFiles);
  });

  it('reports a stored package that fails its SHA-256 and a document that is no CFDI, exiting 1', () => {
    const destination = path.join(work, 'damaged');
    const result = runCliProcess(['export', '--tenant', 'damaged', '--dest', destination, '--extract'], env);
    expect(result.status).toBe(1);
    expect(summaryCount(result, 'copied')).toBe(1);
    expect(summaryCount(result, 'failed')).toBe(1);
    expect(summaryCount(result, 'xml extracted')).toBe(2);
    expect(summaryCount(result, 'xml unreadable')).toBe(1);
    expect(result.stderr).toMatch(/failed D0D0D0D0-0002-4000-8000-000000000002_01: DM-6006 /);
    expect(result.stderr).toMatch(
      /D0D0D0D0-0001-4000-8000-000000000001_01: 1 document\(s\) not extracted.*roto\.xml/,
    );
    // The bad copy was discarded: neither it nor its .part is left to be mistaken for a good one.
    expect(filesUnder(destination)).toEqual(
      [
        `${EKU}/2024/Recibidos-CFDI/D0D0D0D0-0001-4000-8000-000000000001_01.zip`,
        `${EKU}/xml/.extracted/D0D0D0D0-0001-4000-8000-000000000001_01`,
        `${EKU}/xml/2024/03/${ODD_UUIDS[0]}.xml`,
        `${EKU}/xml/2024/04/${ODD_UUIDS[1]}.xml`,
      ].sort(),
    );
  });

  it('shows a tenant only its own packages, even of an RFC another tenant shares', () => {
    const destination = path.join(work, 'other');
    const result = runCliProcess(['export', '--tenant', 'other', '--dest', destination], env);
    expect(result.status).toBe(0);
    expect(filesUnder(destination)).toEqual([
      `${EKU}/2024/Recibidos-CFDI/F0F0F0F0-0001-4000-8000-000000000001_01.zip`,
    ]);
    expect(sha256OfFile(path.join(destination, filesUnder(destination)[0] ?? ''))).toBe(
      packages.foreign?.sha256,
    );
  });

  it('refuses an unknown tenant, a bad --since, a missing --dest and a destination it cannot write', () => {
    const unknown = runCliProcess(['export', '--tenant', 'nadie', '--dest', path.join(work, 'x')], env);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/DM-4001 .*nadie/);
    const badSince = exportTo(path.join(work, 'x'), '--since', 'ayer');
    expect(badSince.status).toBe(2);
    expect(badSince.stderr).toMatch(/--since.*2024-05-01/);
    const noDest = runCliProcess(['export', '--tenant', 'acme'], env);
    expect(noDest.status).toBe(2);
    expect(noDest.stderr).toMatch(/--dest/);
    const file = path.join(work, 'a-file');
    writeFileSync(file, 'not a folder');
    const notFolder = exportTo(file);
    expect(notFolder.status).toBe(1);
    expect(notFolder.stderr).toMatch(/DM-6007 .*a-file/);
    expect(existsSync(path.join(work, 'x'))).toBe(false);
  });
});
