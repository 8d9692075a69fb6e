import { createDataSource, Tenant } from '../../../src/db';
import { WebUserService } from '../../../src/services/web-access';
import { Browser } from '../../helpers/web-browser';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';

describe('web interface: sessions, CSRF, lock-out and tenant isolation', () => {
  let application: PostgresTestApp;

  beforeAll(async () => {
    application = await startTestApp({
      name: 'dm_web_session',
      env: {
        WORKERS_ENABLED: 'false',
        WEB_LOGIN_MAX_FAILURES: '3',
        WEB_LOCKOUT_MINUTES: '10',
      },
    });
    const dataSource = createDataSource({ url: application.database.url, poolSize: 1 });
    await dataSource.initialize();
    const other = await dataSource.getRepository(Tenant).save({ slug: 'otra-web', nombre: 'Otra' });
    const users = new WebUserService(dataSource, { maxFailures: 3, lockoutMinutes: 10 });
    await users.create(other.id, 'otra@empresa.mx', 'clave-otra', { role: 'admin' });
    await users.create(other.id, 'victima@empresa.mx', 'clave-correcta');
    await dataSource.destroy();
  });

  afterAll(async () => {
    await application.close();
  });

  it('sends a visitor to the sign-in page and back where they were going', async () => {
    const browser = new Browser(application.url);
    const response = await browser.get('/solicitudes?estado=Completada');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/entrar?siguiente=%2Fsolicitudes%3Festado%3DCompletada');
    const page = await browser.get('/entrar');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const signedIn = await browser.signIn('demo', 'demo');
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.getSetCookie().find((c) => c.startsWith('dm_sesion='))).toMatch(/HttpOnly/);
    expect(signedIn.headers.getSetCookie().find((c) => c.startsWith('dm_sesion='))).toMatch(/SameSite=Lax/);
    const list = await browser.get('/solicitudes');
    expect(list.status).toBe(200);
    expect(await list.text()).toContain('<h1>Solicitudes</h1>');
  });

  it('refuses a sign-in form that did not come from the sign-in page', async () => {
    const browser = new Browser(application.url);
    const response = await browser.post('/entrar', { _csrf: 'forjado', login: 'demo', password: 'demo' });
    expect(response.status).toBe(403);
    expect(browser.cookie('dm_sesion')).toBeUndefined();
  });

  it('never tells an unknown user from a wrong password', async () => {
    const unknown = await new Browser(application.url).signIn('nadie@empresa.mx', 'x');
    const wrong = await new Browser(application.url).signIn('otra@empresa.mx', 'x');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const message = (html: string): string => /<p class="alert" role="alert">([^<]*)</.exec(html)?.[1] ?? '';
    expect(message(await unknown.text())).toBe(message(await wrong.text()));
  });

  it('locks an account after repeated failures, even against the right password', async () => {
    const browser = new Browser(application.url);
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      expect((await browser.signIn('victima@empresa.mx', 'mala')).status).toBe(401);
    }
    // Locked, but answered like any failed sign-in: a lock would tell that the login exists.
    const third = await browser.signIn('victima@empresa.mx', 'mala');
    expect(third.status).toBe(401);
    expect(await third.text()).toContain('bloqueada temporalmente');
    const right = await browser.signIn('victima@empresa.mx', 'clave-correcta');
    expect(right.status).toBe(401);
    expect(browser.cookie('dm_sesion')).toBeUndefined();
  });

  it('requires the session CSRF token on every form and ends the session on sign-out', async () => {
    const browser = new Browser(application.url);
    await browser.signIn('demo', 'demo');
    const forged = await browser.post('/solicitudes/nueva', { rfc: 'EKU9003173C9' });
    expect(forged.status).toBe(403);
    const csrf = await browser.csrfOf('/solicitudes/nueva');
    const registered = await browser.post('/solicitudes/nueva', {
      _csrf: csrf,
      rfc: 'EKU9003173C9',
      fechaInicial: '2026-04-01T00:00',
      fechaFinal: '2026-04-02T23:59:59',
      contexto: 'Emitidos',
      tipoSolicitud: 'Ambos',
      tipoDocumento: 'CFDI',
    });
    expect(registered.status).toBe(200);
    const html = await registered.text();
    expect(html.match(/class="resultado" data-estado="Registrada"/g)).toHaveLength(2);

    const bad = await browser.post('/solicitudes/nueva', {
      _csrf: csrf,
      rfc: 'EKU9003173C9',
      fechaInicial: '2026-04-05T00:00',
      fechaFinal: '2026-04-01T00:00',
      contexto: 'Emitidos',
      tipoSolicitud: 'CFDI',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/<strong>DM-\d{4}<\/strong>/);

    const session = browser.cookie('dm_sesion');
    expect((await browser.post('/salir', { _csrf: csrf })).status).toBe(303);
    expect(browser.cookie('dm_sesion')).toBeUndefined();
    const replay = await fetch(`${application.url}/solicitudes`, {
      headers: { Cookie: `dm_sesion=${session}` },
      redirect: 'manual',
    });
    expect(replay.status).toBe(303);
  });

  it('shows one tenant nothing of another: pages, progress and package links answer as missing', async () => {
    const demo = new Browser(application.url);
    await demo.signIn('demo', 'demo');
    const list = await (await demo.get('/solicitudes')).text();
    const id = /href="\/solicitudes\/([0-9a-f-]{36})"/.exec(list)?.[1] ?? '';
    expect(id).not.toBe('');
    expect((await demo.get(`/solicitudes/${id}`)).status).toBe(200);

    const other = new Browser(application.url);
    await other.signIn('otra@empresa.mx', 'clave-otra');
    const page = await other.get(`/solicitudes/${id}`);
    const missing = await other.get('/solicitudes/7a1f6b0e-0000-4000-8000-000000000000');
    expect(page.status).toBe(404);
    expect(missing.status).toBe(404);
    // The same page as for an id that does not exist (the address typed aside).
    expect((await page.text()).replaceAll(id, '<id>')).toBe(
      (await missing.text()).replaceAll('7a1f6b0e-0000-4000-8000-000000000000', '<id>'),
    );
    expect(await (await other.get(`/solicitudes/progreso?ids=${id}`, 'application/json')).json()).toEqual([]);
    expect(await (await demo.get(`/solicitudes/progreso?ids=${id}`, 'application/json')).json()).toHaveLength(
      1,
    );
    expect((await other.get(`/solicitudes/${id}/paquetes/X_01`)).status).toBe(404);
    expect(await (await other.get('/solicitudes')).text()).not.toContain(id);
  });
});
