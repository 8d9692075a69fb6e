import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from 'pg';
import { partFileName } from '../../../src/storage/stale-parts';
import { currentPartWriter } from '../../../src/storage/temp-parts';
import { Browser } from '../../helpers/web-browser';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';

/*
 * Issue 16, F12: `/files/%E0%A4%A` answered 500 with Express's default page — stack trace and absolute
 * paths — whenever NODE_ENV was not `production`. Every HTTP answer outside SOAP now comes from our
 * handlers: 4xx with a DM code for the client's mistakes, a generic DM-1000 with the request id for
 * ours, in any NODE_ENV. (F13 rides along: the app sweeps interrupted writes when it starts.)
 */

const MALFORMED = '%E0%A4%A';
const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Nothing that tells how the service is built or where it lives. */
function expectNoInternals(body: string): void {
  expect(body).not.toContain(PROJECT_ROOT);
  expect(body).not.toContain('node_modules');
  expect(body).not.toMatch(/\bat \S+ \(|\bat (?:\/|file:|node:)|\.[jt]s:\d+:\d+/);
  expect(body).not.toMatch(/URIError|TypeError|BadRequestError|PayloadTooLargeError|UnsupportedMediaType/);
  expect(body).not.toContain('/tmp/');
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

describe.each([undefined, 'development', 'production'])('HTTP errors with NODE_ENV=%s', (nodeEnv) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dm-http-errors-'));
  const logLines: string[] = [];
  const savedNodeEnv = process.env.NODE_ENV;
  let application: PostgresTestApp;
  let leftoverPart = '';

  beforeAll(async () => {
    // A download killed with SIGKILL by an earlier run of the service.
    const temporary = path.join(dataDir, 'objects', '.tmp');
    mkdirSync(temporary, { recursive: true });
    const self = await currentPartWriter();
    leftoverPart = path.join(
      temporary,
      partFileName(
        { space: self.space, pid: await deadPid(), instance: randomBytes(4).toString('hex') },
        randomBytes(12).toString('hex'),
      ),
    );
    writeFileSync(leftoverPart, 'half a package');

    // Express reads NODE_ENV when the application is built.
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    const logs = new PassThrough();
    logs.on('data', (chunk: Buffer) => logLines.push(chunk.toString('utf8')));
    try {
      application = await startTestApp({
        name: 'dm_http_errors',
        env: {
          WORKERS_ENABLED: 'false',
          DATA_DIR: dataDir,
        },
        logs,
      });
    } finally {
      process.env.NODE_ENV = savedNodeEnv;
    }
  });

  afterAll(async () => {
    await application.close();
  });

  async function fetchText(
    pathAndQuery: string,
    init: RequestInit = {},
  ): Promise<{ status: number; body: string; headers: Headers }> {
    const response = await fetch(`${application.url}${pathAndQuery}`, { redirect: 'manual', ...init });
    return { status: response.status, body: await response.text(), headers: response.headers };
  }

  it('answers a malformed URL under /files/ with 400 DM-1010, text or JSON, never a stack', async () => {
    for (const link of [`/files/${MALFORMED}`, `/files/t/EKU9003173C9/${MALFORMED}.zip?expires=1&sig=x`]) {
      const text = await fetchText(link);
      expect(text.status).toBe(400);
      expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(text.body).toContain('DM-1010');
      expect(text.body).toContain(`IdPeticion: ${text.headers.get('x-request-id')}`);
      expectNoInternals(text.body);

      const json = await fetchText(link, { headers: { Accept: 'application/json' } });
      expect(json.status).toBe(400);
      expect(JSON.parse(json.body)).toEqual({
        codigo: 'DM-1010',
        mensaje: expect.stringContaining('URL') as string,
        message: expect.stringContaining('URL') as string,
        idPeticion: json.headers.get('x-request-id'),
      });
    }
    // Decoded once only: a percent sign that reaches the key is refused as any bad link is.
    const doubled = await fetchText(`/files/${encodeURIComponent(MALFORMED)}?expires=1&sig=x`);
    expect(doubled.status).toBe(403);
    expectNoInternals(doubled.body);
  });

  it('answers malformed URLs under the SOAP endpoints without a stack', async () => {
    for (const url of [
      `/soap/DescargaMasiva/${MALFORMED}`,
      `/soap/${MALFORMED}`,
      `/soap/DescargaMasiva?wsdl=${MALFORMED}`,
      `/mx.com.fact.wsfront/FactWSFront.asmx/${MALFORMED}`,
      `/mx.com.fact.wsfront/FactWSFront.asmx?WSDL=${MALFORMED}`,
    ]) {
      for (const method of ['GET', 'POST']) {
        const answer = await fetchText(url, {
          method,
          headers: { 'Content-Type': 'text/xml; charset=utf-8' },
          ...(method === 'POST' ? { body: '<x/>' } : {}),
        });
        expectNoInternals(answer.body);
        if (answer.status < 500) continue;
        // A POST that reaches an endpoint is SOAP's: a Fault blaming the client (HTTP 500 in SOAP 1.1).
        expect(method).toBe('POST');
        expect(answer.body).toContain('<faultcode>soap:Client</faultcode>');
        expect(answer.body).toMatch(/<(?:dm|fx):Codigo>DM-\d{4}<\/(?:dm|fx):Codigo>/);
      }
    }
  });

  it('answers the web interface’s own mistakes with 4xx pages, signed in or not', async () => {
    const browser = new Browser(application.url);
    const language = await browser.get(`/idioma/${MALFORMED}`);
    expect(language.status).toBe(400);
    const languagePage = await language.text();
    expect(languagePage).toContain('DM-1010');
    expectNoInternals(languagePage);

    const staticMalformed = await browser.get(`/static/${MALFORMED}`);
    expect(staticMalformed.status).toBe(400);
    expectNoInternals(await staticMalformed.text());
    const staticMissing = await browser.get('/static/no-existe.css');
    expect(staticMissing.status).toBe(404);
    expectNoInternals(await staticMissing.text());

    expect((await browser.signIn('demo', 'demo')).status).toBe(303);
    for (const page of [`/solicitudes/${MALFORMED}`, `/cfdi/${MALFORMED}`]) {
      const answer = await browser.get(page);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expectNoInternals(await answer.text());
    }
  });

  it('answers unreadable form bodies with 4xx, never 500', async () => {
    const cases: [string, string, number[]][] = [
      ['application/x-www-form-urlencoded; charset=koi8-x', 'login=a', [400, 415]],
      ['application/x-www-form-urlencoded', `login=${MALFORMED}`, [400, 403]],
      ['application/x-www-form-urlencoded', `login=${'x'.repeat(200_000)}`, [413]],
    ];
    for (const [contentType, body, statuses] of cases) {
      const answer = await fetchText('/entrar', {
        method: 'POST',
        headers: { 'Content-Type': contentType, Accept: 'text/html' },
        body,
      });
      expect(statuses).toContain(answer.status);
      expectNoInternals(answer.body);
    }
  });

  it('answers a failure of ours with 500 DM-1000 and the request id, logging the error under that id', async () => {
    const pg = new Client({ connectionString: application.database.url });
    await pg.connect();
    await pg.query('ALTER TABLE solicitudes RENAME TO solicitudes_fuera');
    try {
      const metrics = await fetchText('/metrics', { headers: { 'X-Request-Id': 'prueba-falla-1' } });
      expect(metrics.status).toBe(500);
      expect(metrics.body).toContain('DM-1000');
      expect(metrics.body).toContain('prueba-falla-1');
      expectNoInternals(metrics.body);
      expect(metrics.body).not.toContain('solicitudes');

      const browser = new Browser(application.url);
      expect((await browser.signIn('demo', 'demo')).status).toBe(303);
      const page = await browser.get('/solicitudes');
      expect(page.status).toBe(500);
      const html = await page.text();
      expect(html).toContain('DM-1000');
      expect(html).toContain(page.headers.get('x-request-id') ?? 'no request id');
      expectNoInternals(html);
    } finally {
      await pg.query('ALTER TABLE solicitudes_fuera RENAME TO solicitudes');
      await pg.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const failure = logLines
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.requestId === 'prueba-falla-1' && line.message === 'http request failed');
    expect(failure).toMatchObject({ level: 'error', code: 'DM-1000', status: 500 });
    expect(JSON.stringify(failure)).toContain('solicitudes');
  });

  it('swept the temporary file of a write killed in an earlier run when it started', () => {
    expect(existsSync(leftoverPart)).toBe(false);
    expect(logLines.join('')).toContain('temporary files of interrupted writes swept');
  });
});
