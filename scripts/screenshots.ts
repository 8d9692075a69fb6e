/**
 * Writes screenshots of the main pages to docs/screenshots/ (PNG, 1280×800), from a throw-away
 * embedded instance in simulator mode with the demo tenant. Run: npm run screenshots
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Page } from 'playwright-core';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logging';
import { startApplication } from '../src/app';
import { launchChromium } from '../test/helpers/chromium';

const target = path.join(__dirname, '..', 'docs', 'screenshots');

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(target, `${name}.png`), fullPage: false });
  console.log(`wrote docs/screenshots/${name}.png`);
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'dm-screenshots-'));
  const application = await startApplication(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SIMULATOR_DELAY_SECONDS: '0',
      VERIFY_INITIAL_DELAY_SECONDS: '1',
    }),
    createLogger({ stream: new PassThrough() }),
    { announce: () => undefined },
  );
  const browser = await launchChromium();
  try {
    await mkdir(target, { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${application.url}/entrar`);
    await shoot(page, 'entrar');
    await page.getByLabel('Usuario o correo').fill('demo');
    await page.getByLabel('Contraseña').fill('demo');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.waitForURL('**/solicitudes');

    for (const [from, to, contexto] of [
      ['2026-03-02', '2026-03-04', 'Emitidos'],
      ['2026-03-09', '2026-03-10', 'Recibidos'],
      ['2026-04-01', '2026-04-03', 'Ambos'],
    ] as const) {
      await page.goto(`${application.url}/solicitudes/nueva`);
      await page.getByLabel('Desde').fill(`${from}T00:00:00`);
      await page.getByLabel('Hasta').fill(`${to}T23:59:59`);
      await page.getByLabel('Contexto').selectOption(contexto);
      await page.getByLabel('Tipo', { exact: true }).selectOption(contexto === 'Ambos' ? 'Ambos' : 'CFDI');
      await page.getByRole('button', { name: 'Registrar' }).click();
      await page.locator('tr.resultado, p.alert').first().waitFor();
      const problem = await page.locator('p.alert').count();
      if (problem > 0)
        throw new Error(`registration refused: ${await page.locator('p.alert').first().textContent()}`);
    }
    await shoot(page, 'nueva-solicitud');

    await page.goto(`${application.url}/solicitudes`);
    const deadline = Date.now() + 90_000;
    while (
      (await page.locator('.badge.busy, .badge[data-estado="Registrada"]').count()) > 0 &&
      Date.now() < deadline
    ) {
      await page.waitForTimeout(1000);
      await page.reload();
    }
    await shoot(page, 'solicitudes');
    await page.locator('tbody tr a').first().click();
    await page.waitForURL(/\/solicitudes\/[0-9a-f-]{36}$/);
    await shoot(page, 'solicitud');
    for (const [url, name] of [
      ['/cfdi', 'cfdi'],
      ['/fiel', 'fiel'],
      ['/usuarios-api', 'usuarios-api'],
    ] as const) {
      const response = await page.goto(`${application.url}${url}`);
      if (response?.ok()) await shoot(page, name);
    }
  } finally {
    await browser.close();
    await application.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
