import { Readable } from 'node:stream';
import { StorageError } from '../../../src/errors';
import { S3ObjectStore, createObjectStore, packageObjectKey } from '../../../src/storage';
import { startS3Server, type S3TestServer } from '../../helpers/s3-server';
import { generatedStream, sha256Of } from '../../helpers/streams';

describe('S3ObjectStore against a real S3 server (s3rver)', () => {
  let server: S3TestServer;
  let store: S3ObjectStore;

  beforeAll(async () => {
    server = await startS3Server();
    store = (await createObjectStore({
      kind: 's3',
      endpoint: server.endpoint,
      region: 'us-east-1',
      bucket: 'paquetes',
      accessKey: server.accessKey,
      secretKey: server.secretKey,
      partSize: 5 * 1024 * 1024,
    })) as S3ObjectStore;
  });

  afterAll(async () => {
    await server.close();
  });

  const key = packageObjectKey({
    tenantId: 't1',
    rfc: 'eku9003173c9',
    year: 2026,
    solicitudId: 's1',
    paqueteId: 'ABC_01',
  });

  it('streams an object larger than one part, hashing as it goes, and reads it back whole and by range', async () => {
    const size = 12 * 1024 * 1024 + 123;
    const source = generatedStream(size, 7);
    const stored = await store.put(key, source.stream, { contentType: 'application/zip' });
    expect(stored).toEqual({ key, size, sha256: source.sha256() });
    expect((await store.stat(key))?.size).toBe(size);
    expect(await sha256Of(await store.get(key))).toEqual({ sha256: stored.sha256, size });
    const slice = await sha256Of(
      await store.get(key, { start: 5 * 1024 * 1024 - 10, end: 5 * 1024 * 1024 + 9 }),
    );
    expect(slice.size).toBe(20);
  });

  it('stores an object of exactly two parts intact, each part uploaded before the next is read', async () => {
    const exact = `${key}-exact`;
    const size = 2 * 5 * 1024 * 1024;
    const source = generatedStream(size, 11);
    const stored = await store.put(exact, source.stream);
    expect(stored).toEqual({ key: exact, size, sha256: source.sha256() });
    expect(await sha256Of(await store.get(exact))).toEqual({ sha256: stored.sha256, size });
  });

  it('serves a presigned link over plain HTTP with the right bytes and file name', async () => {
    const { url, expiresAt } = await store.link(key, { ttlSeconds: 300, fileName: 'ABC_01.zip' });
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 290_000);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('ABC_01.zip');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBe(12 * 1024 * 1024 + 123);
  });

  it('aborts the upload when the source fails, leaving no object behind', async () => {
    const failing = packageObjectKey({
      tenantId: 't1',
      rfc: 'EKU9003173C9',
      year: 2026,
      solicitudId: 's1',
      paqueteId: 'BROKEN_01',
    });
    const source = generatedStream(20 * 1024 * 1024, 3, 7 * 1024 * 1024);
    await expect(store.put(failing, source.stream)).rejects.toBeInstanceOf(StorageError);
    expect(await store.stat(failing)).toBeUndefined();
  });

  it('refuses content that does not match the expected hash, and stores nothing', async () => {
    const other = packageObjectKey({
      tenantId: 't1',
      rfc: 'EKU9003173C9',
      year: 2026,
      solicitudId: 's1',
      paqueteId: 'BAD_01',
    });
    await expect(
      store.put(other, Readable.from([Buffer.from('hello')]), { expectedSha256: '0'.repeat(64) }),
    ).rejects.toMatchObject({
      code: 'DM-6003',
    });
    expect(await store.stat(other)).toBeUndefined();
  });

  it('stores an empty object and deletes objects', async () => {
    const empty = packageObjectKey({
      tenantId: 't1',
      rfc: 'EKU9003173C9',
      year: 2026,
      solicitudId: 's1',
      paqueteId: 'EMPTY_01',
    });
    expect((await store.put(empty, Readable.from([]))).size).toBe(0);
    await store.delete(empty);
    expect(await store.stat(empty)).toBeUndefined();
    await expect(store.get(empty)).rejects.toMatchObject({ code: 'DM-6004' });
  });

  it('reports an unreachable server as a transient storage error', async () => {
    const down = new S3ObjectStore({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      bucket: 'x',
      accessKey: 'a',
      secretKey: 'b',
    });
    await expect(down.ping()).rejects.toMatchObject({ code: 'DM-6001', transient: true });
  });
});
