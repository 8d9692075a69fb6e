import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { LocalDiskObjectStore, packageObjectKey } from '../../../src/storage';
import { createLocalFileLinksRouter } from '../../../src/web';
import { generatedStream, sha256Of } from '../../helpers/streams';

describe('LocalDiskObjectStore and its signed links', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'dm-objects-'));
  const secret = randomBytes(32);
  let baseUrl = '';
  let server: Server;
  const store = new LocalDiskObjectStore({ directory, baseUrl: () => baseUrl, linkSecret: secret });
  const key = packageObjectKey({
    tenantId: 't1',
    rfc: 'EKU9003173C9',
    year: 2026,
    solicitudId: 's1',
    paqueteId: 'P_01',
  });
  const size = 3 * 1024 * 1024 + 17;
  let sha256 = '';

  beforeAll(async () => {
    const app = express();
    app.use(createLocalFileLinksRouter(store, { secret }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const source = generatedStream(size, 11);
    sha256 = (await store.put(key, source.stream)).sha256;
    expect(sha256).toBe(source.sha256());
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('writes atomically: no temporary file is left and the bytes read back equal', async () => {
    expect(readdirSync(path.join(directory, '.tmp'))).toEqual([]);
    expect(await sha256Of(await store.get(key))).toEqual({ sha256, size });
  });

  it('downloads through a signed link, whole and by range, with the file name', async () => {
    const { url } = await store.link(key, { ttlSeconds: 60, fileName: 'P_01.zip' });
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-disposition')).toContain('P_01.zip');
    const body = Buffer.from(await whole.arrayBuffer());
    expect(createHash('sha256').update(body).digest('hex')).toBe(sha256);
    const partial = await fetch(url, { headers: { Range: 'bytes=10-19' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 10-19/${size}`);
    expect((await partial.arrayBuffer()).byteLength).toBe(10);
    const unsatisfiable = await fetch(url, { headers: { Range: `bytes=${size + 5}-` } });
    expect(unsatisfiable.status).toBe(416);
  });

  it('refuses tampered, expired and traversal links with 403', async () => {
    const { url } = await store.link(key, { ttlSeconds: 60, fileName: 'P_01.zip' });
    const tampered = new URL(url);
    tampered.searchParams.set('name', 'other.zip');
    expect((await fetch(tampered)).status).toBe(403);
    const expired = new URL(url);
    expired.searchParams.set('expires', String(Math.floor(Date.now() / 1000) - 1));
    expect((await fetch(expired)).status).toBe(403);
    expect(
      (await fetch(`${baseUrl}/files/..%2F..%2Fetc%2Fpasswd?expires=9999999999&name=x&sig=${'0'.repeat(64)}`))
        .status,
    ).toBe(403);
    expect(
      (await fetch(`${baseUrl}/files/tenants/../../x?expires=9999999999&name=x&sig=${'0'.repeat(64)}`))
        .status,
    ).not.toBe(200);
  });

  it('never lets a key escape the directory', () => {
    expect(() => store.pathOf('../outside')).toThrow();
    expect(() => store.pathOf('/etc/passwd')).toThrow();
    expect(store.pathOf(key).startsWith(directory)).toBe(true);
  });
});
