import { PassThrough } from 'node:stream';
import { Client } from 'pg';
import { createDataSource, Tenant } from '../../../src/db';
import { WebUserService } from '../../../src/services/web-access';
import { TestCa, type MintedCredential } from '../../helpers/test-ca';
import { Browser } from '../../helpers/web-browser';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';

const RFC = 'WEB0101017A1';

function fielForm(csrf: string, credential: MintedCredential, password = credential.password): FormData {
  const form = new FormData();
  form.set('_csrf', csrf);
  form.set('cer', new Blob([credential.certificate]), 'fiel.cer');
  form.set('key', new Blob([credential.privateKey]), 'fiel.key');
  form.set('password', password);
  return form;
}

describe('web interface: e.firma and API users (administrators)', () => {
  const ca = new TestCa();
  const fiel = ca.mint({ rfc: RFC, name: 'EMPRESA WEB SA DE CV' });
  let application: PostgresTestApp;
  let pg: Client;
  const logLines: string[] = [];

  beforeAll(async () => {
    const logs = new PassThrough();
    logs.on('data', (chunk: Buffer) => logLines.push(chunk.toString('utf8')));
    application = await startTestApp({
      name: 'dm_web_admin',
      env: {
        WORKERS_ENABLED: 'false',
        LOG_LEVEL: 'debug',
      },
      logs,
    });
    const dataSource = createDataSource({ url: application.database.url, poolSize: 1 });
    await dataSource.initialize();
    const tenant = await dataSource.getRepository(Tenant).save({ slug: 'web-admin', nombre: 'Web' });
    const users = new WebUserService(dataSource, { maxFailures: 5, lockoutMinutes: 15 });
    await users.create(tenant.id, 'jefa@web.mx', 'clave-jefa', { role: 'admin' });
    await users.create(tenant.id, 'capturista@web.mx', 'clave-captura', { role: 'user' });
    await dataSource.destroy();
    pg = new Client({ connectionString: application.database.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await application.close();
  });

  it('keeps e.firma and API user pages for administrators', async () => {
    const user = new Browser(application.url);
    await user.signIn('capturista@web.mx', 'clave-captura');
    expect((await user.get('/fiel')).status).toBe(403);
    expect((await user.get('/usuarios-api')).status).toBe(403);
    expect(await (await user.get('/solicitudes')).text()).not.toContain('href="/fiel"');
  });

  it('validates an uploaded e.firma as the SAT client will, and says why it refuses one', async () => {
    const admin = new Browser(application.url);
    await admin.signIn('jefa@web.mx', 'clave-jefa');
    const cases: [string, FormData, string][] = [
      ['wrong password', fielForm(await admin.csrfOf('/fiel'), fiel, 'otra-clave'), 'DM-7002'],
      ['CSD', fielForm(await admin.csrfOf('/fiel'), ca.mint({ rfc: RFC, kind: 'CSD' })), 'DM-7004'],
      [
        'expired',
        fielForm(
          await admin.csrfOf('/fiel'),
          ca.mint({
            rfc: RFC,
            validFrom: new Date(Date.now() - 900 * 86_400_000),
            validTo: new Date(Date.now() - 86_400_000),
          }),
        ),
        'DM-7005',
      ],
    ];
    for (const [, form, code] of cases) {
      const response = await admin.postMultipart('/fiel', form);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain(`<strong>${code}</strong>`);
    }
    const oversized = fielForm(await admin.csrfOf('/fiel'), fiel);
    oversized.set('cer', new Blob([Buffer.alloc(200 * 1024, 1)]), 'enorme.cer');
    expect((await admin.postMultipart('/fiel', oversized)).status).toBe(400);
    const { rows } = await pg.query('SELECT 1 FROM contribuyentes WHERE rfc = $1', [RFC]);
    expect(rows).toHaveLength(0);
  });

  it('refuses an upload without the session’s CSRF token', async () => {
    const admin = new Browser(application.url);
    await admin.signIn('jefa@web.mx', 'clave-jefa');
    const response = await admin.postMultipart('/fiel', fielForm('falso', fiel));
    expect(response.status).toBe(403);
    const { rows } = await pg.query('SELECT 1 FROM contribuyentes WHERE rfc = $1', [RFC]);
    expect(rows).toHaveLength(0);
  });

  it('stores a valid e.firma sealed, lists it with its expiry, and removes it', async () => {
    const admin = new Browser(application.url);
    await admin.signIn('jefa@web.mx', 'clave-jefa');
    const saved = await admin.postMultipart('/fiel', fielForm(await admin.csrfOf('/fiel'), fiel));
    expect(saved.status).toBe(200);
    const page = await saved.text();
    expect(page).toContain('class="notice"');
    expect(page).toMatch(
      new RegExp(`<tr data-rfc="${RFC}">[\\s\\S]*?${fiel.certificateNumber}[\\s\\S]*?badge ok`),
    );
    expect(page).not.toContain(fiel.password);
    const { rows } = await pg.query<{ key: Buffer; password: Buffer }>(
      'SELECT fiel_key_ciphertext AS key, fiel_password_ciphertext AS password FROM contribuyentes WHERE rfc = $1',
      [RFC],
    );
    expect(rows[0]?.key.includes(fiel.privateKey)).toBe(false);
    expect(rows[0]?.password.toString('latin1')).not.toContain(fiel.password);
    expect(logLines.join('')).not.toContain(fiel.password);
    // The RFC can now be chosen for a new solicitud.
    expect(await (await admin.get('/solicitudes/nueva')).text()).toContain(`<option value="${RFC}"`);

    const removed = await admin.post(`/fiel/${RFC}/eliminar`, { _csrf: await admin.csrfOf('/fiel') });
    expect(removed.status).toBe(303);
    expect(await (await admin.get('/fiel')).text()).not.toContain(`data-rfc="${RFC}"`);
  });

  it('shows a new API user’s credentials once, lists only a hint, and revokes within the tenant only', async () => {
    const admin = new Browser(application.url);
    await admin.signIn('jefa@web.mx', 'clave-jefa');
    const created = await admin.post('/usuarios-api', {
      _csrf: await admin.csrfOf('/usuarios-api'),
      username: 'erp-web',
      descripcion: 'SAP B1',
    });
    expect(created.status).toBe(200);
    const once = await created.text();
    const secret = /data-credencial="secreto">([^<]+)</.exec(once)?.[1] ?? '';
    const requestor = /data-credencial="requestor">([^<]+)</.exec(once)?.[1] ?? '';
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(requestor).toMatch(/^[0-9A-F-]{36}$/i);
    // The Requestor works at once (the RFC stays in the tenant after its FIEL was removed above).
    const call = async (guid: string): Promise<string> =>
      (
        await fetch(`${application.url}/mx.com.fact.wsfront/FactWSFront.asmx`, {
          method: 'POST',
          headers: {
            'Content-Type': 'text/xml; charset=utf-8',
            SOAPAction: '"http://www.fact.com.mx/schema/ws/RequestTransaction"',
          },
          body: `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ws="http://www.fact.com.mx/schema/ws"><soap:Body><ws:RequestTransaction><ws:Requestor>${guid}</ws:Requestor><ws:Transaction>OBTENER_LISTA_SOLICITUDES_DM_SAT</ws:Transaction><ws:Country>MX</ws:Country><ws:Entity>${RFC}</ws:Entity></ws:RequestTransaction></soap:Body></soap:Envelope>`,
        })
      ).text();
    expect(await call(requestor)).toMatch(/<(\w+:)?Code>0</);
    const listed = await (await admin.get('/usuarios-api')).text();
    expect(listed).toContain('data-usuario="erp-web"');
    expect(listed).not.toContain(secret);
    expect(listed).not.toContain(requestor);
    expect(listed).toContain(`…${requestor.slice(-4).toLowerCase()}`);

    const duplicate = await admin.post('/usuarios-api', {
      _csrf: await admin.csrfOf('/usuarios-api'),
      username: 'erp-web',
    });
    expect(duplicate.status).toBe(409);

    // The demo tenant's API user cannot be revoked from here.
    const foreign = await admin.post('/usuarios-api/demo/revocar', {
      _csrf: await admin.csrfOf('/usuarios-api'),
    });
    expect(foreign.status).toBe(404);
    const { rows } = await pg.query(`SELECT 1 FROM api_users WHERE username = 'demo' AND revoked_at IS NULL`);
    expect(rows).toHaveLength(1);

    const revoked = await admin.post('/usuarios-api/erp-web/revocar', {
      _csrf: await admin.csrfOf('/usuarios-api'),
    });
    expect(revoked.status).toBe(303);
    expect(await (await admin.get('/usuarios-api')).text()).toMatch(
      /data-usuario="erp-web">[\s\S]*?badge bad/,
    );
  });
});
