import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import { AuditLog, Paquete } from '../../../src/db';
import { StorageError, storageErrors } from '../../../src/errors';
import { isRetryable } from '../../../src/jobs';
import { createLogger } from '../../../src/logging';
import { NodeSatTransport } from '../../../src/sat';
import { startSatSimulator, type RunningSatSimulator } from '../../../src/sat-simulator';
import { ensureDemoTenant } from '../../../src/services/accounts';
import {
  ExpiryWatch,
  PackageCustody,
  type PackageAtRisk,
  type PackageCustodySink,
} from '../../../src/services/custody';
import {
  DESCARGAR_JOB,
  INDEXAR_JOB,
  SOLICITAR_JOB,
  SatClientGateway,
  SolicitudPipeline,
  VERIFICAR_JOB,
} from '../../../src/services/pipeline';
import type { PackageStore } from '../../../src/services/ports/package-store';
import { FielVault, SecretBox, generateMasterKey } from '../../../src/services/secrets';
import { RegistrationService } from '../../../src/services/solicitudes';
import { LocalDiskObjectStore } from '../../../src/storage';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { RecordingQueue } from '../../helpers/recording-queue';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The local store with two faults a real store can have: bytes that change once written (a byte
 * flipped at rest, an object replaced behind our back) and a read that fails while the store is down.
 */
class FaultyStore implements PackageStore {
  rotNextPut = false;
  failNextGet = false;

  constructor(readonly inner: LocalDiskObjectStore) {}

  async put(key: string, source: Readable, options?: { contentType?: string }) {
    const stored = await this.inner.put(key, source, options);
    if (this.rotNextPut) {
      this.rotNextPut = false;
      const bytes = await readAll(await this.inner.get(key));
      bytes[bytes.length >> 1] ^= 0xff;
      await this.inner.put(key, Readable.from([bytes]));
    }
    return stored;
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    if (this.failNextGet) {
      this.failNextGet = false;
      throw new StorageError(storageErrors.unavailable, { params: { reason: 'connection refused' } });
    }
    return this.inner.get(key, range);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}

/*
 * Package custody over the simulator: a package is Almacenado only once its bytes are in storage and
 * verified (SHA-256 read back, every ZIP entry's CRC-32); damage on the way or in storage means it is
 * downloaded again (SAT's second and last download), never acknowledged.
 */
describe('package custody', () => {
  let database: TestDatabase;
  let simulator: RunningSatSimulator;
  let directory: string;
  let store: FaultyStore;
  let queue: RecordingQueue;
  let pipeline: SolicitudPipeline;
  let tenantId: string;
  const failures: string[] = [];
  const network = new NodeSatTransport({
    connectTimeoutMs: 2000,
    idleTimeoutMs: 5000,
    totalTimeoutMs: 20000,
  });
  let day = 1;

  beforeAll(async () => {
    database = await createTestDatabase('package_custody');
    directory = await mkdtemp(path.join(tmpdir(), 'dm-custody-test-'));
    simulator = await startSatSimulator({ delaySeconds: 0, documentsPerDay: 6, perPackage: 4 });
    const box = new SecretBox(generateMasterKey());
    tenantId = (
      await ensureDemoTenant(database.dataSource, box, {
        directory: path.join(__dirname, '../../../fixtures/fake-fiel'),
      })
    ).id;
    store = new FaultyStore(
      new LocalDiskObjectStore({
        directory,
        baseUrl: () => 'http://127.0.0.1',
        linkSecret: Buffer.alloc(32, 1),
      }),
    );
    queue = new RecordingQueue();
    pipeline = new SolicitudPipeline(
      database.dataSource,
      new SatClientGateway({ transport: network, baseUrl: simulator.url, tokenRenewMarginSeconds: 30 }),
      store,
      new FielVault(database.dataSource, box),
      queue,
      {
        verifyInitialDelaySeconds: 1,
        verifyMaxDelaySeconds: 1,
        verifyHorizonHours: 1,
        custody: new PackageCustody(database.dataSource, store, {
          onVerificationFailed: (reason) => failures.push(reason),
        }),
      },
    );
  });

  afterAll(async () => {
    network.close();
    await simulator.close();
    await database.drop();
    await rm(directory, { recursive: true, force: true });
  });

  /** Registers a fresh solicitud and runs it up to its packages waiting to be downloaded. */
  async function pendingPackages(): Promise<Paquete[]> {
    const first = `2026-03-${String(day).padStart(2, '0')}`;
    const last = `2026-03-${String(day + 4).padStart(2, '0')}`;
    day += 5;
    const [registered] = await new RegistrationService(database.dataSource, queue, {
      settlementWindowHours: 72,
    }).register(
      { tenantId, canal: 'system' },
      {
        rfc: 'EKU9003173C9',
        fechaInicial: `${first}T00:00:00`,
        fechaFinal: `${last}T23:59:59`,
        contexto: 'Emitidos',
        // Metadata: an XML period is first sized by a metadata solicitud, which one pass would not finish.
        tipoSolicitud: 'Metadata',
      },
    );
    for (const key of queue.take(SOLICITAR_JOB)) await pipeline.solicitar(key);
    for (const key of queue.take(VERIFICAR_JOB)) await pipeline.verificar(key);
    queue.take(DESCARGAR_JOB);
    const paquetes = await database.dataSource
      .getRepository(Paquete)
      .find({ where: { solicitudId: registered?.idSolicitud ?? '' }, order: { idPaquete: 'ASC' } });
    expect(paquetes.length).toBeGreaterThan(0);
    expect(paquetes.every((paquete) => paquete.estado === 'Pendiente')).toBe(true);
    return paquetes;
  }

  async function row(id: string): Promise<Paquete> {
    return database.dataSource.getRepository(Paquete).findOneByOrFail({ id });
  }

  async function sha256Stored(key: string): Promise<string> {
    return createHash('sha256')
      .update(await readAll(await store.get(key)))
      .digest('hex');
  }

  it('does not acknowledge a package damaged on the way, and stores it intact from the second download', async () => {
    const [paquete] = await pendingPackages();
    if (!paquete) throw new Error('no package');
    simulator.state.failNext('descarga', 'corruptPackage');
    const failed = await pipeline.descargar(paquete.id).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toMatchObject({ code: 'DM-5101' });
    // Transient: the job runner retries it.
    expect(isRetryable(failed)).toBe(true);
    expect(await row(paquete.id)).toMatchObject({
      estado: 'Descargando',
      storedAt: null,
      objectKey: null,
      sha256: null,
      satDownloadCount: 1,
    });
    // The damaged copy is gone from storage too.
    const key = `tenants/${tenantId}/EKU9003173C9/2026/${paquete.solicitudId}/${paquete.idPaquete}.zip`;
    await expect(store.get(key)).rejects.toMatchObject({ code: 'DM-6004' });
    expect(failures).toEqual(['zip']);
    expect(queue.take(INDEXAR_JOB)).toEqual([]);

    await pipeline.descargar(paquete.id);
    const stored = await row(paquete.id);
    expect(stored).toMatchObject({ estado: 'Almacenado', satDownloadCount: 2 });
    expect(stored.storedAt).toBeInstanceOf(Date);
    expect(stored.objectKey).toBe(key);
    expect(await sha256Stored(stored.objectKey ?? '')).toBe(stored.sha256);
    expect(simulator.state.downloads.get(paquete.idPaquete)).toBe(2);
    expect(queue.take(INDEXAR_JOB)).toEqual([paquete.id]);
  });

  it('does not acknowledge a package storage did not keep intact, and downloads it again', async () => {
    const [paquete] = await pendingPackages();
    if (!paquete) throw new Error('no package');
    store.rotNextPut = true;
    await expect(pipeline.descargar(paquete.id)).rejects.toMatchObject({ code: 'DM-5102' });
    expect(await row(paquete.id)).toMatchObject({ estado: 'Descargando', storedAt: null, sha256: null });
    expect(failures).toEqual(['zip', 'sha256']);
    await pipeline.descargar(paquete.id);
    const stored = await row(paquete.id);
    expect(stored.estado).toBe('Almacenado');
    expect(await sha256Stored(stored.objectKey ?? '')).toBe(stored.sha256);
    expect(simulator.state.downloads.get(paquete.idPaquete)).toBe(2);
  });

  it('keeps SAT’s last download of a package even when damaged, and says so on the package', async () => {
    const [paquete] = await pendingPackages();
    if (!paquete) throw new Error('no package');
    simulator.state.failNext('descarga', 'corruptPackage');
    simulator.state.failNext('descarga', 'corruptPackage');
    await expect(pipeline.descargar(paquete.id)).rejects.toMatchObject({ code: 'DM-5101' });
    // SAT will not serve it a third time: damaged bytes beat none, and the indexer reports what it cannot read.
    await pipeline.descargar(paquete.id);
    const kept = await row(paquete.id);
    expect(kept).toMatchObject({ estado: 'Almacenado', satDownloadCount: 2 });
    expect(kept.mensaje).toMatch(/^El paquete .* llegó dañado/);
    expect(await sha256Stored(kept.objectKey ?? '')).toBe(kept.sha256);
    queue.take(INDEXAR_JOB);
  });

  it('verifies bytes an interrupted attempt left in storage instead of spending SAT’s second download', async () => {
    const [paquete] = await pendingPackages();
    if (!paquete) throw new Error('no package');
    // Storage stops answering right after the put, while the package is read back to be verified.
    store.failNextGet = true;
    await expect(pipeline.descargar(paquete.id)).rejects.toMatchObject({ code: 'DM-6001' });
    const left = await row(paquete.id);
    expect(left).toMatchObject({ estado: 'Descargando', storedAt: null });
    expect(left.sha256).toMatch(/^[0-9a-f]{64}$/);
    await pipeline.descargar(paquete.id);
    expect(await row(paquete.id)).toMatchObject({ estado: 'Almacenado', sha256: left.sha256 });
    expect(simulator.state.downloads.get(paquete.idPaquete)).toBe(1);
  });

  it('keeps identical content once per tenant, pointing the copy at the verified original', async () => {
    const [original] = await pendingPackages();
    if (!original) throw new Error('no package');
    await pipeline.descargar(original.id);
    const first = await row(original.id);
    const bytes = await readAll(await store.get(first.objectKey ?? ''));
    const copyKey = `tenants/${tenantId}/EKU9003173C9/2026/${first.solicitudId}/COPIA_01.zip`;
    await store.put(copyKey, Readable.from([bytes]));
    const copy = await database.dataSource.getRepository(Paquete).save({
      tenantId,
      solicitudId: first.solicitudId,
      satRequestId: first.satRequestId,
      idPaquete: 'COPIA_01',
      estado: 'Descargando',
    });
    const custody = new PackageCustody(database.dataSource, store);
    const recorded = {
      id: copy.id,
      tenantId,
      objectKey: copyKey,
      size: bytes.length,
      sha256: first.sha256 ?? '',
    };
    expect(await custody.deduplicate(recorded)).toBe(first.objectKey);
    await expect(store.get(copyKey)).rejects.toMatchObject({ code: 'DM-6004' });

    // Another tenant's identical package is not theirs to share, and an original that no longer holds
    // those bytes is not trusted.
    expect(await custody.deduplicate({ ...recorded, tenantId: '00000000-0000-4000-8000-000000000000' })).toBe(
      copyKey,
    );
    await store.put(copyKey, Readable.from([bytes]));
    await store.inner.put(first.objectKey ?? '', Readable.from([Buffer.from('otro contenido')]));
    expect(await custody.deduplicate(recorded)).toBe(copyKey);
    expect(await sha256Stored(copyKey)).toBe(first.sha256);
  });

  it('alerts once for packages near SAT’s expiry that are not stored, with a metric hook, a log and listeners', async () => {
    const [template] = await pendingPackages();
    if (!template) throw new Error('no package');
    const hours = (count: number): Date => new Date(Date.now() + count * 3_600_000);
    const repository = database.dataSource.getRepository(Paquete);
    const base = { tenantId, solicitudId: template.solicitudId, satRequestId: template.satRequestId };
    // The pending package of this solicitud expires in 2 h; others: stored, far from expiry, failed, gone.
    await repository.update({ id: template.id }, { satExpiresAt: hours(2) });
    await repository.save([
      {
        ...base,
        idPaquete: 'RIESGO_ALMACENADO',
        estado: 'Almacenado',
        satExpiresAt: hours(2),
        objectKey: 'k',
        tamano: 1,
        sha256: 'a'.repeat(64),
        storedAt: new Date(),
      },
      { ...base, idPaquete: 'RIESGO_LEJOS', estado: 'Pendiente', satExpiresAt: hours(48) },
      { ...base, idPaquete: 'RIESGO_ERROR', estado: 'Error', codigo: '5008', satExpiresAt: hours(1) },
      { ...base, idPaquete: 'RIESGO_VENCIDO', estado: 'Pendiente', satExpiresAt: hours(-1) },
    ]);
    // Earlier tests' packages are stored or far from expiry; clear their dates so only these count.
    await database.dataSource.query(
      `UPDATE paquetes SET sat_expires_at = now() + interval '70 hours' WHERE solicitud_id <> $1`,
      [template.solicitudId],
    );
    const heard: PackageAtRisk[] = [];
    const sink: PackageCustodySink = {
      // A listener writes in the alert's own transaction (e.g. a webhook delivery).
      async paqueteEnRiesgo(manager: EntityManager, aviso: PackageAtRisk) {
        await manager.getRepository(AuditLog).insert({
          actorType: 'system',
          operacion: 'custodia.paqueteEnRiesgo',
          recursoId: aviso.idPaquete,
          resultado: 'ok',
        });
        return async () => {
          heard.push(aviso);
        };
      },
    };
    const logs: string[] = [];
    const logger = createLogger({ stream: new PassThrough() });
    logger.on('data', (line: { message?: string; idPaquete?: string }) =>
      logs.push(`${line.message} ${line.idPaquete}`),
    );
    const alerted: string[] = [];
    const watch = new ExpiryWatch(database.dataSource, {
      alertHours: 24,
      sinks: [sink],
      logger,
      onAlert: (aviso) => alerted.push(aviso.idPaquete),
    });
    expect(await watch.countAtRisk()).toBe(2);
    const alerts = await watch.check();
    expect(alerts.map((aviso) => aviso.idPaquete).sort()).toEqual(
      ['RIESGO_ERROR', template.idPaquete].sort(),
    );
    expect(alerts.find((aviso) => aviso.idPaquete === 'RIESGO_ERROR')).toMatchObject({
      tenantId,
      rfc: 'EKU9003173C9',
      estado: 'Error',
      codigo: '5008',
      hoursLeft: 1,
    });
    expect(alerted.sort()).toEqual(['RIESGO_ERROR', template.idPaquete].sort());
    expect(heard).toHaveLength(2);
    expect(logs.filter((line) => line.startsWith('package near SAT expiry and not stored'))).toHaveLength(2);
    const audited = await database.dataSource
      .getRepository(AuditLog)
      .findBy({ operacion: 'custodia.paqueteEnRiesgo' });
    expect(audited).toHaveLength(2);
    // Once: a second look (another worker, the next run) alerts nothing more; the gauge still counts them.
    expect(await watch.check()).toEqual([]);
    expect(await watch.countAtRisk()).toBe(2);
    expect((await row(template.id)).expiryAlertedAt).toBeInstanceOf(Date);
  });
});
