import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createObjectStore, type ObjectStore } from '../../src/storage';
import { createTestDatabase, type TestDatabase } from './database';
import { startS3Server, type S3TestServer } from './s3-server';
import { startStallingProxy, type StallingProxy } from './stalling-proxy';
import {
  corpusDocuments,
  createTenant,
  simulatorPackage,
  storePackage,
  type StoredPackage,
} from './stored-packages';

const BUCKET = 'paquetes';

/**
 * What the CLI's interrupted-run tests stand on: packages of tenant `acme` in a real S3 server, read
 * by the CLI through a proxy that can freeze a download half-way (so a kill lands at a known point).
 */
export interface S3Scene {
  readonly database: TestDatabase;
  readonly s3: S3TestServer;
  readonly proxy: StallingProxy;
  /** A scratch directory of the test's own. */
  readonly work: string;
  readonly store: ObjectStore;
  readonly tenantId: string;
  /** The CLI's environment, reaching S3 at `endpoint` (the proxy's URL, or S3's own). */
  env(endpoint: string): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function startS3Scene(name: string): Promise<S3Scene> {
  const database = await createTestDatabase(name);
  const s3 = await startS3Server();
  const proxy = await startStallingProxy(s3.endpoint);
  const work = mkdtempSync(path.join(tmpdir(), `${name}-`));
  const store = await createObjectStore({
    kind: 's3',
    endpoint: s3.endpoint,
    region: 'us-east-1',
    bucket: BUCKET,
    accessKey: s3.accessKey,
    secretKey: s3.secretKey,
  });
  const tenant = await createTenant(database.dataSource, 'acme');
  return {
    database,
    s3,
    proxy,
    work,
    store,
    tenantId: tenant.id,
    env: (endpoint) => ({
      DATABASE_URL: database.url,
      MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
      DATA_DIR: path.join(work, 'data'),
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_BUCKET: BUCKET,
    }),
    close: async () => {
      await proxy.close();
      await s3.close();
      await database.drop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/**
 * Four CFDI packages of `rfc`, one a month from January 2024 (the corpus's first half of each month),
 * stored in the scene's S3 for its tenant; `prefix` is the first block of their ids (8 hex digits).
 */
export async function storeFourMonths(
  scene: S3Scene,
  rfc: string,
  contexto: 'Emitidos' | 'Recibidos',
  prefix: string,
): Promise<StoredPackage[]> {
  const stored: StoredPackage[] = [];
  for (const month of [1, 2, 3, 4]) {
    const start = new Date(Date.UTC(2024, month - 1, 1, 6));
    const end = new Date(Date.UTC(2024, month - 1, 15, 6));
    const idPaquete = `${prefix}-000${month}-4000-8000-00000000000${month}_01`;
    stored.push(
      await storePackage(scene.database.dataSource, scene.store, {
        tenantId: scene.tenantId,
        rfc,
        idPaquete,
        contexto,
        tipoSolicitud: 'CFDI',
        fechaInicial: start,
        storedAt: new Date(Date.UTC(2024, month, 1)),
        zip: simulatorPackage(idPaquete, 'CFDI', corpusDocuments(rfc, contexto, start, end)),
      }),
    );
  }
  return stored;
}
