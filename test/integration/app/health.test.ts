import { startEmbeddedTestApp, type TestApp } from '../../helpers/app';

describe('service start-up with embedded defaults', () => {
  let application: TestApp;
  const banners: string[] = [];

  beforeAll(async () => {
    application = await startEmbeddedTestApp({ start: { announce: (text) => banners.push(text) } });
  });

  afterAll(async () => {
    await application.close();
  });

  it('answers /healthz with every dependency check and echoes the request id', async () => {
    const response = await fetch(`${application.url}/healthz`, { headers: { 'X-Request-Id': 'probe-1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('probe-1');
    const body = (await response.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe('ok');
    expect(body.checks.database?.status).toBe('ok');
    expect(body.checks.storage?.status).toBe('ok');
  });

  it('announces the demo credentials in simulator mode', () => {
    expect(banners).toHaveLength(1);
    expect(banners[0]).toContain(`${application.url}/soap/DescargaMasiva?wsdl`);
    expect(banners[0]).toContain('demo / demo');
    expect(banners[0]).toContain('11111111-2222-3333-4444-555555555555');
  });

  it('closes idempotently', async () => {
    const other = await startEmbeddedTestApp({ env: { WORKERS_ENABLED: 'false' } });
    await Promise.all([other.app.close(), other.app.close()]);
    await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
    await other.close();
  });
});
