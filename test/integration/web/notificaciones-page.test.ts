import { PassThrough } from 'node:stream';
import { Client } from 'pg';
import { createDataSource, Tenant } from '../../../src/db';
import { webhookSecretContext } from '../../../src/services/notifications';
import { SecretBox, masterKeyFrom } from '../../../src/services/secrets';
import { WebUserService } from '../../../src/services/web-access';
import { Browser } from '../../helpers/web-browser';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';

const MASTER_KEY = Buffer.alloc(32, 17);
const HOOK = 'http://127.0.0.1:9/erp/webhook';

describe('web interface: notifications (webhooks) for administrators', () => {
  let application: PostgresTestApp;
  let pg: Client;
  let tenantId: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    const logs = new PassThrough();
    logs.on('data', (chunk: Buffer) => logLines.push(chunk.toString('utf8')));
    application = await startTestApp({
      name: 'dm_web_webhooks',
      env: {
        MASTER_KEY: MASTER_KEY.toString('base64'),
        WORKERS_ENABLED: 'false',
        LOG_LEVEL: 'debug',
      },
      logs,
    });
    const dataSource = createDataSource({ url: application.database.url, poolSize: 1 });
    await dataSource.initialize();
    const tenants = dataSource.getRepository(Tenant);
    const tenant = await tenants.save({ slug: 'avisos', nombre: 'Avisos' });
    const vecino = await tenants.save({ slug: 'vecino', nombre: 'Vecino' });
    tenantId = tenant.id;
    const users = new WebUserService(dataSource, { maxFailures: 5, lockoutMinutes: 15 });
    await users.create(tenant.id, 'jefa@avisos.mx', 'clave-jefa', { role: 'admin' });
    await users.create(tenant.id, 'captura@avisos.mx', 'clave-captura', { role: 'user' });
    await users.create(vecino.id, 'jefe@vecino.mx', 'clave-vecino', { role: 'admin' });
    await dataSource.destroy();
    pg = new Client({ connectionString: application.database.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await application.close();
  });

  async function admin(login = 'jefa@avisos.mx', password = 'clave-jefa'): Promise<Browser> {
    const browser = new Browser(application.url);
    await browser.signIn(login, password);
    return browser;
  }

  it('is for administrators only, and only they see it in the menu', async () => {
    const user = new Browser(application.url);
    await user.signIn('captura@avisos.mx', 'clave-captura');
    expect((await user.get('/notificaciones')).status).toBe(403);
    expect(await (await user.get('/solicitudes')).text()).not.toContain('href="/notificaciones"');
    expect(await (await (await admin()).get('/solicitudes')).text()).toContain('href="/notificaciones"');
  });

  it('registers a webhook, shows its secret once and keeps it sealed', async () => {
    const browser = await admin();
    const form = new URLSearchParams({ _csrf: await browser.csrfOf('/notificaciones'), url: HOOK });
    form.append('eventos', 'solicitud.estado');
    form.append('eventos', 'fiel.por_vencer');
    const created = await browser.post('/notificaciones', form);
    expect(created.status).toBe(200);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const page = await created.text();
    const secret = /data-credencial="secreto-webhook">([^<]+)</.exec(page)?.[1] ?? '';
    expect(secret).toMatch(/^whsec_[\w-]{43}$/);

    const { rows } = await pg.query<{ id: string; eventos: string[]; secret_ciphertext: Buffer }>(
      `SELECT id, eventos, secret_ciphertext FROM webhooks WHERE tenant_id = $1`,
      [tenantId],
    );
    expect(rows).toHaveLength(1);
    const row = rows[0] as { id: string; eventos: string[]; secret_ciphertext: Buffer };
    expect(row.eventos).toEqual(['fiel.por_vencer', 'solicitud.estado']);
    expect(row.secret_ciphertext.toString('latin1')).not.toContain(secret);
    const box = new SecretBox(masterKeyFrom(MASTER_KEY));
    expect(box.decryptText(row.secret_ciphertext, webhookSecretContext(tenantId, row.id))).toBe(secret);

    const listed = await (await browser.get('/notificaciones')).text();
    expect(listed).toContain(`data-webhook="${row.id}"`);
    expect(listed).toContain(HOOK);
    expect(listed).not.toContain(secret);
    expect(logLines.join('')).not.toContain(secret);
  });

  it('says why it refuses a URL or an event, keeping what was typed', async () => {
    const browser = await admin();
    const bad = await browser.post('/notificaciones', {
      _csrf: await browser.csrfOf('/notificaciones'),
      url: 'ftp://erp.example.com/hook',
    });
    expect(bad.status).toBe(400);
    const page = await bad.text();
    expect(page).toContain('<strong>DM-4101</strong>');
    expect(page).toContain('value="ftp://erp.example.com/hook"');
    const unknown = await browser.post('/notificaciones', {
      _csrf: await browser.csrfOf('/notificaciones'),
      url: HOOK,
      eventos: 'solicitud.borrada',
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('<strong>DM-4103</strong>');
    const forged = await browser.post('/notificaciones', { _csrf: 'falso', url: HOOK });
    expect(forged.status).toBe(403);
    const { rows } = await pg.query(`SELECT 1 FROM webhooks WHERE tenant_id = $1`, [tenantId]);
    expect(rows).toHaveLength(1);
  });

  it('lists recent deliveries with their state, attempts and last answer', async () => {
    const { rows } = await pg.query<{ id: string }>(`SELECT id FROM webhooks WHERE tenant_id = $1`, [
      tenantId,
    ]);
    const webhookId = rows[0]?.id as string;
    const inserted = await pg.query<{ id: string }>(
      `INSERT INTO webhook_deliveries (webhook_id, evento, payload, estado, attempts, last_status_code, last_error, last_duration_ms, delivered_at)
       VALUES ($1, 'solicitud.estado', '{}', 'Entregado', 1, 200, NULL, 35, now()),
              ($1, 'fiel.por_vencer', '{}', 'Fallido', 2, 503, 'HTTP 503: mantenimiento', 12, NULL)
       RETURNING id`,
      [webhookId],
    );
    await pg.query(
      `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, resultado, next_attempt_at)
       VALUES ($1, 1, now(), 5003, NULL, 'no answer within 5000 ms', 'Reintento', now() + interval '30 seconds'),
              ($1, 2, now(), 12, 503, 'HTTP 503: mantenimiento', 'Fallido', NULL)`,
      [inserted.rows[1]?.id],
    );
    const page = await (await (await admin()).get('/notificaciones')).text();
    expect(page).toMatch(/data-estado-entrega="Entregado">[\s\S]*?badge ok[\s\S]*?<td class="num">200<\/td>/);
    expect(page).toMatch(/data-estado-entrega="Fallido">[\s\S]*?badge bad[\s\S]*?<summary>2<\/summary>/);
    // Every attempt is there, in order, with what came of it.
    expect(page).toMatch(
      /data-intento="1">[^<]*—\s+·\s+5003 ms\s+·\s+se reintentará · no answer within 5000 ms\s*<\/li><li data-intento="2">[^<]*HTTP 503\s+·\s+12 ms\s+·\s+último intento · HTTP 503: mantenimiento/,
    );
  });

  it('keeps another tenant’s administrator away from this tenant’s webhooks', async () => {
    const { rows } = await pg.query<{ id: string }>(`SELECT id FROM webhooks WHERE tenant_id = $1`, [
      tenantId,
    ]);
    const webhookId = rows[0]?.id as string;
    const neighbour = await admin('jefe@vecino.mx', 'clave-vecino');
    const page = await (await neighbour.get('/notificaciones')).text();
    expect(page).not.toContain(webhookId);
    expect(page).not.toContain('mantenimiento');
    for (const action of ['eliminar', 'desactivar']) {
      const response = await neighbour.post(`/notificaciones/${webhookId}/${action}`, {
        _csrf: await neighbour.csrfOf('/notificaciones'),
      });
      expect(response.status).toBe(404);
    }
    const after = await pg.query(`SELECT activo FROM webhooks WHERE id = $1`, [webhookId]);
    expect(after.rows).toEqual([{ activo: true }]);
  });

  it('disables, enables and removes a webhook with its delivery log', async () => {
    const browser = await admin();
    const { rows } = await pg.query<{ id: string }>(`SELECT id FROM webhooks WHERE tenant_id = $1`, [
      tenantId,
    ]);
    const webhookId = rows[0]?.id as string;
    const csrf = await browser.csrfOf('/notificaciones');
    const pending = await pg.query<{ id: string }>(
      `INSERT INTO webhook_deliveries (webhook_id, evento, payload, estado, next_attempt_at)
       VALUES ($1, 'solicitud.estado', '{}', 'Pendiente', now() + interval '1 hour') RETURNING id`,
      [webhookId],
    );

    const disabled = await browser.post(`/notificaciones/${webhookId}/desactivar`, { _csrf: csrf });
    expect(disabled.status).toBe(303);
    expect(disabled.headers.get('location')).toBe('/notificaciones?hecho=desactivado');
    const page = await (await browser.get('/notificaciones?hecho=desactivado')).text();
    expect(page).toContain('class="notice"');
    expect(page).toMatch(new RegExp(`data-webhook="${webhookId}">[\\s\\S]*?badge neutral`));
    expect(page).toContain(`action="/notificaciones/${webhookId}/activar"`);
    // What was still waiting to be sent is given up at once, and the log says why.
    const given = await pg.query(
      `SELECT estado, next_attempt_at, last_error FROM webhook_deliveries WHERE id = $1`,
      [pending.rows[0]?.id],
    );
    expect(given.rows).toEqual([
      { estado: 'Fallido', next_attempt_at: null, last_error: 'webhook disabled before delivery' },
    ]);

    expect((await browser.post(`/notificaciones/${webhookId}/activar`, { _csrf: csrf })).status).toBe(303);
    expect((await pg.query(`SELECT activo FROM webhooks WHERE id = $1`, [webhookId])).rows).toEqual([
      { activo: true },
    ]);

    expect((await browser.post(`/notificaciones/${webhookId}/eliminar`, { _csrf: csrf })).status).toBe(303);
    expect((await pg.query(`SELECT 1 FROM webhooks WHERE id = $1`, [webhookId])).rows).toHaveLength(0);
    expect(
      (await pg.query(`SELECT 1 FROM webhook_deliveries WHERE webhook_id = $1`, [webhookId])).rows,
    ).toHaveLength(0);
    expect(await (await browser.get('/notificaciones')).text()).not.toContain(webhookId);
    expect((await browser.post(`/notificaciones/not-an-id/eliminar`, { _csrf: csrf })).status).toBe(404);
  });
});
