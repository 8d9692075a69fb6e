import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { createDataSource, Tenant } from '../../../src/db';
import { startSatSimulator, type RunningSatSimulator } from '../../../src/sat-simulator';
import { WebUserService } from '../../../src/services/web-access';
import { launchChromium } from '../../helpers/chromium';
import { TestCa } from '../../helpers/test-ca';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';

/*
 * The real pages in a real browser (Debian's chromium through playwright-core) against the running
 * application, its workers and a SAT simulator over HTTP: what a user does, end to end.
 */

const RFC = 'NAV0101017B2';
jest.setTimeout(180_000);

describe('web interface in a browser', () => {
  const ca = new TestCa();
  const fiel = ca.mint({ rfc: RFC, name: 'NAVEGADORA SA DE CV' });
  let simulator: RunningSatSimulator;
  let application: PostgresTestApp;
  let browser: Browser;
  let files: string;
  let pg: Client;

  beforeAll(async () => {
    simulator = await startSatSimulator({
      delaySeconds: 0,
      documentsPerDay: 4,
      trustedAuthorities: [ca.certificate],
    });
    application = await startTestApp({
      name: 'dm_web_browser',
      env: {
        SAT_BASE_URL: simulator.url,
        VERIFY_INITIAL_DELAY_SECONDS: '1',
        WEB_LOGIN_MAX_FAILURES: '3',
      },
    });
    const dataSource = createDataSource({ url: application.database.url, poolSize: 1 });
    await dataSource.initialize();
    const other = await dataSource.getRepository(Tenant).save({ slug: 'ajena', nombre: 'Ajena' });
    const users = new WebUserService(dataSource, { maxFailures: 3, lockoutMinutes: 15 });
    await users.create(other.id, 'ajena@otra.mx', 'clave-ajena', { role: 'admin' });
    await users.create(other.id, 'bloqueable@otra.mx', 'clave-buena');
    await dataSource.destroy();
    files = await mkdtemp(path.join(tmpdir(), 'dm-browser-'));
    await writeFile(path.join(files, 'fiel.cer'), fiel.certificate);
    await writeFile(path.join(files, 'fiel.key'), fiel.privateKey);
    pg = new Client({ connectionString: application.database.url });
    await pg.connect();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser.close();
    await pg.end();
    await application.close();
    await simulator.close();
    await rm(files, { recursive: true, force: true });
  });

  async function signIn(page: Page, login: string, password: string): Promise<void> {
    await page.goto(`${application.url}/`);
    await page.getByLabel('Usuario o correo').fill(login);
    await page.getByLabel('Contraseña').fill(password);
    await page.getByRole('button', { name: 'Entrar' }).click();
  }

  it('signs in, uploads an e.firma, registers, watches it complete and downloads a package', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, 'demo', 'demo');
    await page.waitForURL('**/solicitudes');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Solicitudes');

    await page.getByRole('link', { name: 'e.firma' }).click();
    await page.getByLabel('Certificado (.cer)').setInputFiles(path.join(files, 'fiel.cer'));
    await page.getByLabel('Llave privada (.key)').setInputFiles(path.join(files, 'fiel.key'));
    await page.getByLabel('Contraseña de la llave').fill(fiel.password);
    await page.getByRole('button', { name: 'Validar y guardar' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain(RFC);
    await expect(page.locator(`tr[data-rfc="${RFC}"] .badge`).textContent()).resolves.toBe('Vigente');

    await page.getByRole('link', { name: 'Nueva solicitud' }).click();
    await page.getByLabel('RFC', { exact: true }).selectOption(RFC);
    await page.getByLabel('Desde').fill('2026-05-04T00:00:00');
    await page.getByLabel('Hasta').fill('2026-05-05T23:59:59');
    await page.getByLabel('Contexto').selectOption('Emitidos');
    await page.getByLabel('Tipo', { exact: true }).selectOption('CFDI');
    await page.getByRole('button', { name: 'Registrar' }).click();
    const result = page.locator('tr.resultado');
    await expect(result.getAttribute('data-estado')).resolves.toBe('Registrada');

    // The detail page follows the solicitud by itself until it completes, then shows its packages.
    await result.getByRole('link').click();
    await page.waitForURL(/\/solicitudes\/[0-9a-f-]{36}$/);
    await page.locator('dd.estado [data-estado="Completada"]').waitFor({ timeout: 120_000 });
    const downloadLink = page.getByRole('link', { name: 'Descargar' }).first();
    await downloadLink.waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), downloadLink.click()]);
    const saved = path.join(files, 'paquete.zip');
    await download.saveAs(saved);
    const content = await readFile(saved);
    const solicitudId = /\/solicitudes\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
    const { rows } = await pg.query<{ sha256: string }>(
      `SELECT sha256 FROM paquetes WHERE solicitud_id = $1`,
      [solicitudId],
    );
    expect(rows.map((row) => row.sha256)).toContain(createHash('sha256').update(content).digest('hex'));
    expect(content.subarray(0, 2).toString('latin1')).toBe('PK');

    // Search the index for what was just downloaded, open one document, export the search as CSV.
    await page.getByRole('link', { name: 'CFDI', exact: true }).click();
    await page.getByLabel('RFC emisor').fill(RFC);
    await page.getByRole('button', { name: 'Buscar', exact: true }).click();
    const results = page.locator('tr[data-uuid]');
    await results.first().waitFor();
    const found = await results.count();
    const { rows: indexed } = await pg.query<{ n: number }>(
      `SELECT count(DISTINCT uuid)::int AS n FROM cfdi_documents WHERE rfc_emisor = $1`,
      [RFC],
    );
    expect(found).toBe(Math.min(indexed[0]?.n ?? -1, 25));
    const uuid = (await results.first().getAttribute('data-uuid')) ?? '';
    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Exportar CSV' }).click(),
    ]);
    const csvPath = path.join(files, 'cfdi.csv');
    await csvDownload.saveAs(csvPath);
    const csv = (await readFile(csvPath, 'utf8'))
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(csv.length - 1).toBe(indexed[0]?.n);
    expect(csv.some((line) => line.toLowerCase().includes(uuid.toLowerCase()))).toBe(true);
    await page.locator(`tr[data-uuid="${uuid}"] a.uuid`).click();
    await page.waitForURL(new RegExp(`/cfdi/${uuid}$`, 'i'));
    await expect(page.locator('main').textContent()).resolves.toContain(uuid.toUpperCase());
    await context.close();
  });

  it('locks an account after repeated wrong passwords', async () => {
    const page = await browser.newPage();
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await signIn(page, 'bloqueable@otra.mx', 'mala');
    }
    await expect(page.getByRole('alert').textContent()).resolves.toContain('bloqueada');
    await signIn(page, 'bloqueable@otra.mx', 'clave-buena');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('bloqueada');
    expect(page.url()).toContain('/entrar');
    await page.close();
  });

  it('shows another tenant none of this tenant’s pages or files by URL', async () => {
    const { rows } = await pg.query<{ id: string; id_paquete: string }>(
      `SELECT s.id, p.id_paquete FROM solicitudes s JOIN paquetes p ON p.solicitud_id = s.id WHERE s.rfc = $1 LIMIT 1`,
      [RFC],
    );
    const { id, id_paquete: idPaquete } = rows[0] as { id: string; id_paquete: string };
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, 'ajena@otra.mx', 'clave-ajena');
    await page.waitForURL('**/solicitudes');
    expect(await page.locator(`a[href="/solicitudes/${id}"]`).count()).toBe(0);
    for (const url of [`/solicitudes/${id}`, `/solicitudes/${id}/paquetes/${idPaquete}`]) {
      const response = await page.goto(`${application.url}${url}`);
      expect(response?.status()).toBe(404);
      await expect(page.getByRole('alert').textContent()).resolves.toContain('no existe');
    }
    expect(await page.locator(`tr[data-rfc="${RFC}"]`).count()).toBe(0);
    await page.goto(`${application.url}/fiel`);
    expect(await page.locator(`tr[data-rfc="${RFC}"]`).count()).toBe(0);
    await context.close();
  });
});
