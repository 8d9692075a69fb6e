import { readFileSync } from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import {
  CResponse,
  type CRequest,
  type WebClientInterface,
  CfdiPackageReader,
  DateTimePeriod,
  DocumentStatus,
  DownloadType,
  Fiel,
  FielRequestBuilder,
  MetadataPackageReader,
  QueryParameters,
  RequestType,
  Service,
  ServiceEndpoints,
  ServiceType,
} from '@nodecfdi/sat-ws-descarga-masiva';
import { startSatSimulator, type RunningSatSimulator, PATHS } from '../../../src/sat-simulator';

const fielDir = path.join(__dirname, '../../../fixtures/fake-fiel');

/** nodecfdi's own web client speaks HTTPS only; the simulator listens on plain loopback HTTP. */
class FetchWebClient implements WebClientInterface {
  fireRequest(): void {}
  fireResponse(): void {}
  async call(request: CRequest): Promise<CResponse> {
    const response = await fetch(request.getUri(), {
      method: request.getMethod(),
      headers: request.getHeaders(),
      body: request.getBody(),
    });
    return new CResponse(response.status, await response.text(), Object.fromEntries(response.headers));
  }
}

/** An independent SAT client (nodecfdi's, a TypeScript port of phpcfdi) pointed at the simulator. */
function nodecfdiService(baseUrl: string, directory = fielDir): Service {
  const fiel = Fiel.create(
    readFileSync(path.join(directory, 'EKU9003173C9.cer'), 'binary'),
    readFileSync(path.join(directory, 'EKU9003173C9.key'), 'binary'),
    readFileSync(path.join(directory, 'EKU9003173C9-password.txt'), 'utf8'),
  );
  const endpoints = new ServiceEndpoints(
    baseUrl + PATHS.autenticacion,
    baseUrl + PATHS.solicitud,
    baseUrl + PATHS.verificacion,
    baseUrl + PATHS.descarga,
    new ServiceType('cfdi'),
  );
  return new Service(new FielRequestBuilder(fiel), new FetchWebClient(), null, endpoints);
}

function zipEntries(buffer: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) {
        reject(error ?? new Error('no zip'));
        return;
      }
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** What the simulator says a request holds, from its own registry (the oracle's side of the check). */
function expectedDocuments(simulator: RunningSatSimulator, requestId: string): CorpusDocumentView[] {
  const request = simulator.state.registry.get(requestId);
  if (!request) throw new Error(`unknown request ${requestId}`);
  return [...simulator.state.registry.matching(request, new Date())];
}
type CorpusDocumentView = { uuid: string; rfcEmisor: string; rfcReceptor: string; vigente: boolean };

/** Every document of every package of a finished request, read with nodecfdi's own package readers. */
async function downloadAll(
  service: Service,
  packageIds: string[],
  kind: 'xml' | 'metadata',
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const packageId of packageIds) {
    const download = await service.download(packageId);
    expect(download.getStatus().getCode()).toBe(5000);
    const zip = Buffer.from(download.getPackageContent(), 'base64').toString('binary');
    if (kind === 'xml') {
      const reader = await CfdiPackageReader.createFromContents(zip);
      for await (const map of reader.cfdis())
        for (const [uuid, xml] of map) found.set(uuid.toUpperCase(), xml);
    } else {
      const reader = await MetadataPackageReader.createFromContents(zip);
      for await (const item of reader.metadata())
        found.set(item.get('uuid').toUpperCase(), item.get('rfcACuentaTerceros'));
    }
  }
  return found;
}

describe('SAT simulator driven by an independent client (@nodecfdi/sat-ws-descarga-masiva)', () => {
  let simulator: RunningSatSimulator;

  beforeAll(async () => {
    simulator = await startSatSimulator({ delaySeconds: 0, documentsPerDay: 6, perPackage: 10 });
  });

  afterAll(async () => {
    await simulator.close();
  });

  it.each([
    ['issued', 'xml'],
    ['issued', 'metadata'],
    ['received', 'xml'],
    ['received', 'metadata'],
  ] as const)(
    'authenticates, queries %s %s, verifies and downloads packages holding exactly the expected documents',
    async (downloadType, requestType) => {
      const service = nodecfdiService(simulator.url);
      let parameters = QueryParameters.create()
        .withPeriod(DateTimePeriod.createFromValues('2026-01-01 00:00:00', '2026-01-20 23:59:59'))
        .withDownloadType(new DownloadType(downloadType))
        .withRequestType(new RequestType(requestType));
      if (downloadType === 'received' && requestType === 'xml')
        parameters = parameters.withDocumentStatus(new DocumentStatus('active'));
      const query = await service.query(parameters);
      expect(query.getStatus().getCode()).toBe(5000);
      const requestId = query.getRequestId();
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

      const verify = await service.verify(requestId);
      expect(verify.getStatus().getCode()).toBe(5000);
      expect(verify.getStatusRequest().isTypeOf('Finished')).toBe(true);
      const packages = verify.getPackageIds();
      expect(packages.length).toBeGreaterThan(requestType === 'xml' ? 1 : 0);

      const expected = expectedDocuments(simulator, requestId);
      const own = downloadType === 'issued' ? 'rfcEmisor' : 'rfcReceptor';
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.every((document) => document[own] === 'EKU9003173C9')).toBe(true);
      if (downloadType === 'received' && requestType === 'xml')
        expect(expected.every((document) => document.vigente)).toBe(true);

      const found = await downloadAll(service, packages, requestType);
      expect([...found.keys()].sort()).toEqual(expected.map((document) => document.uuid).sort());
      expect(verify.getNumberCfdis()).toBe(expected.length);
    },
  );

  it('serves metadata with third parties joined by UUID and refuses a third download (5008)', async () => {
    const service = nodecfdiService(simulator.url);
    const query = await service.query(
      QueryParameters.create()
        .withPeriod(DateTimePeriod.createFromValues('2026-02-01 00:00:00', '2026-03-31 00:00:00'))
        .withDownloadType(new DownloadType('issued'))
        .withRequestType(new RequestType('metadata')),
    );
    const verify = await service.verify(query.getRequestId());
    const [first] = verify.getPackageIds();
    expect(first).toBeDefined();
    const withThirdParties = expectedDocuments(simulator, query.getRequestId()).filter(
      (document) => (document as { rfcACuentaTerceros?: string }).rfcACuentaTerceros,
    );
    expect(withThirdParties.length).toBeGreaterThan(0);
    const found = await downloadAll(service, verify.getPackageIds(), 'metadata');
    for (const document of withThirdParties)
      expect(found.get(document.uuid)).toBe((document as { rfcACuentaTerceros?: string }).rfcACuentaTerceros);
    const content = Buffer.from((await service.download(first as string)).getPackageContent(), 'base64');
    const id = (first as string).split('_')[0];
    expect((await zipEntries(content)).sort()).toEqual([`${id}-0001.txt`, `${id}_tercero.txt`]);
    expect((await service.download(first as string)).getStatus().getCode()).toBe(5008);
  });

  it('answers a duplicate of an active request with 5005 and refuses received XML that is not Vigente (301)', async () => {
    const slow = await startSatSimulator({ delaySeconds: 60 });
    try {
      const service = nodecfdiService(slow.url);
      const parameters = QueryParameters.create()
        .withPeriod(DateTimePeriod.createFromValues('2026-03-01 00:00:00', '2026-03-02 00:00:00'))
        .withRequestType(new RequestType('metadata'));
      expect((await service.query(parameters)).getStatus().getCode()).toBe(5000);
      expect((await service.query(parameters)).getStatus().getCode()).toBe(5005);
      const cancelledXml = await service.query(
        parameters.withDownloadType(new DownloadType('received')).withRequestType(new RequestType('xml')),
      );
      expect(cancelledXml.getStatus().getCode()).toBe(301);
    } finally {
      await slow.close();
    }
  });

  it('refuses to authenticate a CSD (a seal certificate is not an e.firma)', async () => {
    const service = nodecfdiService(simulator.url, path.join(__dirname, '../../../fixtures/fake-csd'));
    await expect(service.authenticate()).rejects.toThrow();
  });
});
