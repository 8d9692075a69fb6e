import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logging';
import { startApplication, type RunningApplication } from '../../../src/main';

function embeddedEnv(): Record<string, string> {
  return { PORT: '0', HOST: '127.0.0.1', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'dm-app-')) };
}

describe('service start-up with embedded defaults', () => {
  let application: RunningApplication;
  const banners: string[] = [];

  beforeAll(async () => {
    const config = loadConfig(embeddedEnv());
    application = await startApplication(config, createLogger({ stream: new PassThrough() }), {
      announce: (text) => banners.push(text),
    });
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
    const config = loadConfig({ ...embeddedEnv(), WORKERS_ENABLED: 'false' });
    const other = await startApplication(config, createLogger({ stream: new PassThrough() }), {
      announce: () => undefined,
    });
    await Promise.all([other.close(), other.close()]);
    await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
  });
});
