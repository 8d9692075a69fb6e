import { Client } from 'pg';
import { createDataSource, Tenant } from '../../../src/db';
import { WebUserService } from '../../../src/services/web-access';
import { TestCa } from '../../helpers/test-ca';
import { Browser } from '../../helpers/web-browser';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';

const RFC = 'CSR0101017A1';
const MAX_FAILURES = 5;
const HOOK = 'http://127.0.0.1:9/erp/csrf';

/** A multipart form as another site could post it: no token, or the one given. */
function multipart(fields: Record<string, string> = { x: '1' }): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return form;
}

function alertOf(html: string): string {
  return /<p class="alert" role="alert">([^<]*)</.exec(html)?.[1] ?? '';
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

describe('web interface: CSRF for every content type, atomic lock-out, no login enumeration', () => {
  const ca = new TestCa();
  const fiel = ca.mint({ rfc: RFC, name: 'EMPRESA CSRF SA DE CV' });
  let application: PostgresTestApp;
  let pg: Client;

  beforeAll(async () => {
    application = await startTestApp({
      name: 'dm_web_security',
      env: {
        WORKERS_ENABLED: 'false',
        WEB_LOGIN_MAX_FAILURES: String(MAX_FAILURES),
        WEB_LOCKOUT_MINUTES: '15',
        // The account lock-out is under test here; the per-address throttle has its own test.
        AUTH_FAILURES_PER_IP: '100000',
        AUTH_FAILURES_PER_USERNAME: '100000',
      },
    });
    const dataSource = createDataSource({ url: application.database.url, poolSize: 1 });
    await dataSource.initialize();
    const tenant = await dataSource.getRepository(Tenant).save({ slug: 'web-csrf', nombre: 'CSRF' });
    const users = new WebUserService(dataSource, { maxFailures: MAX_FAILURES, lockoutMinutes: 15 });
    await users.create(tenant.id, 'jefa@csrf.mx', 'clave-jefa', { role: 'admin' });
    await users.create(tenant.id, 'rafaga@csrf.mx', 'clave-rafaga');
    await users.create(tenant.id, 'bloqueada@csrf.mx', 'clave-bloqueada');
    await users.create(tenant.id, 'tiempo@csrf.mx', 'clave-tiempo');
    await dataSource.destroy();
    pg = new Client({ connectionString: application.database.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await application.close();
  });

  async function fielStored(): Promise<boolean> {
    const { rows } = await pg.query(
      'SELECT 1 FROM contribuyentes WHERE rfc = $1 AND fiel_certificate IS NOT NULL',
      [RFC],
    );
    return rows.length === 1;
  }

  async function apiUserActive(username: string): Promise<boolean> {
    const { rows } = await pg.query('SELECT 1 FROM api_users WHERE username = $1 AND revoked_at IS NULL', [
      username,
    ]);
    return rows.length === 1;
  }

  async function webhook(id: string): Promise<{ activo: boolean } | undefined> {
    const { rows } = await pg.query<{ activo: boolean }>('SELECT activo FROM webhooks WHERE id = $1', [id]);
    return rows[0];
  }

  it('refuses every state-changing multipart post without the session token, and changes nothing', async () => {
    const admin = new Browser(application.url);
    await admin.signIn('jefa@csrf.mx', 'clave-jefa');

    // Set-up through the forms, with the token: the e.firma upload (multipart) still works.
    const upload = multipart({ _csrf: await admin.csrfOf('/fiel'), password: fiel.password });
    upload.set('cer', new Blob([fiel.certificate]), 'fiel.cer');
    upload.set('key', new Blob([fiel.privateKey]), 'fiel.key');
    expect((await admin.postMultipart('/fiel', upload)).status).toBe(200);
    expect(await fielStored()).toBe(true);
    const token = await admin.csrfOf('/usuarios-api');
    expect((await admin.post('/usuarios-api', { _csrf: token, username: 'erp-csrf' })).status).toBe(200);
    const hook = new URLSearchParams({ _csrf: token, url: HOOK, eventos: 'solicitud.estado' });
    expect((await admin.post('/notificaciones', hook)).status).toBe(200);
    const { rows } = await pg.query<{ id: string }>('SELECT id FROM webhooks WHERE url = $1', [HOOK]);
    const hookId = rows[0]?.id ?? '';
    await pg.query('UPDATE webhooks SET activo = false WHERE id = $1', [hookId]);

    const targets = [
      `/fiel/${RFC}/eliminar`,
      '/usuarios-api/erp-csrf/revocar',
      `/notificaciones/${hookId}/eliminar`,
      `/notificaciones/${hookId}/activar`,
      '/salir',
    ];
    for (const target of targets) {
      for (const form of [multipart(), multipart({ _csrf: 'forjado' }), multipart({ _csrf: '' })]) {
        const refused = await admin.postMultipart(target, form);
        expect({ target, status: refused.status }).toEqual({ target, status: 403 });
        expect(await refused.text()).toContain('DM-3006');
      }
    }
    // Other encodings without a readable token are refused alike.
    for (const [type, body] of [
      ['text/plain', `_csrf=${token}`],
      ['application/json', JSON.stringify({ _csrf: token })],
      ['application/octet-stream', 'x'],
    ]) {
      const response = await fetch(`${application.url}/fiel/${RFC}/eliminar`, {
        method: 'POST',
        headers: { 'Content-Type': type ?? '', Cookie: `dm_sesion=${admin.cookie('dm_sesion')}` },
        body,
        redirect: 'manual',
      });
      expect({ type, status: response.status }).toEqual({ type, status: 403 });
    }
    const unlabelled = await fetch(`${application.url}/salir`, {
      method: 'POST',
      headers: { Cookie: `dm_sesion=${admin.cookie('dm_sesion')}` },
      redirect: 'manual',
    });
    expect(unlabelled.status).toBe(403);

    expect(await fielStored()).toBe(true);
    expect(await apiUserActive('erp-csrf')).toBe(true);
    expect(await webhook(hookId)).toEqual({ activo: false });
    expect((await admin.get('/solicitudes')).status).toBe(200);

    // The same posts, multipart too, with the token: they work.
    const withToken = async (target: string): Promise<number> =>
      (await admin.postMultipart(target, multipart({ _csrf: token }))).status;
    expect(await withToken(`/notificaciones/${hookId}/activar`)).toBe(303);
    expect(await webhook(hookId)).toEqual({ activo: true });
    expect(await withToken(`/notificaciones/${hookId}/desactivar`)).toBe(303);
    expect(await webhook(hookId)).toEqual({ activo: false });
    expect(await withToken(`/notificaciones/${hookId}/eliminar`)).toBe(303);
    expect(await webhook(hookId)).toBeUndefined();
    expect(await withToken('/usuarios-api/erp-csrf/revocar')).toBe(303);
    expect(await apiUserActive('erp-csrf')).toBe(false);
    expect(await withToken(`/fiel/${RFC}/eliminar`)).toBe(303);
    expect(await fielStored()).toBe(false);
    expect(await withToken('/salir')).toBe(303);
    expect((await admin.get('/solicitudes')).status).toBe(303);
  });

  it('stops reading an oversized upload, and reads no multipart body before sign-in', async () => {
    const admin = new Browser(application.url);
    await admin.signIn('jefa@csrf.mx', 'clave-jefa');
    const huge = multipart({ _csrf: await admin.csrfOf('/fiel'), password: fiel.password });
    huge.set('cer', new Blob([Buffer.alloc(400 * 1024, 1)]), 'enorme.cer');
    huge.set('key', new Blob([fiel.privateKey]), 'fiel.key');
    const refused = await admin.postMultipart('/fiel', huge);
    expect(refused.status).toBe(413);
    expect(await refused.text()).toContain('DM-2003');
    expect(await fielStored()).toBe(false);
    // Chunked, so no Content-Length tells the size up front.
    const boundary = 'limite';
    const part = `--${boundary}\r\nContent-Disposition: form-data; name="relleno"; filename="x"\r\n\r\n`;
    const chunk = new Uint8Array(64 * 1024).fill(65);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode(part));
        sent += 1;
        if (sent > 64) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const chunked = await fetch(`${application.url}/fiel`, {
      method: 'POST',
      headers: {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        Cookie: `dm_sesion=${admin.cookie('dm_sesion')}`,
      },
      body,
      duplex: 'half',
      redirect: 'manual',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    const malformed = await fetch(`${application.url}/fiel`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data', Cookie: `dm_sesion=${admin.cookie('dm_sesion')}` },
      body: 'x',
      redirect: 'manual',
    });
    expect(malformed.status).toBe(400);
    const longForm = await admin.post('/usuarios-api', { _csrf: 'x', relleno: 'a'.repeat(100 * 1024) });
    expect(longForm.status).toBe(413);

    const visitor = new Browser(application.url);
    const token = await visitor.csrfOf('/entrar');
    const signIn = await visitor.postMultipart(
      '/entrar',
      multipart({ _csrf: token, login: 'jefa@csrf.mx', password: 'clave-jefa' }),
    );
    expect(signIn.status).toBe(403);
    expect(visitor.cookie('dm_sesion')).toBeUndefined();
  });

  it('locks after exactly the limit when 40 wrong passwords arrive at once, and then refuses the right one', async () => {
    const attacker = new Browser(application.url);
    const token = await attacker.csrfOf('/entrar');
    const attempt = (password: string): Promise<Response> =>
      attacker.post('/entrar', { _csrf: token, login: 'rafaga@csrf.mx', password });
    const burst = await Promise.all(Array.from({ length: 40 }, (_, index) => attempt(`mala-${index}`)));
    // 429: more checks at once than the hashing gate queues; those were not checked, nor counted.
    const statuses = burst.map((response) => response.status);
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    expect(statuses.filter((status) => status === 401).length).toBeGreaterThanOrEqual(MAX_FAILURES);
    const right = await attempt('clave-rafaga');
    expect(right.status).toBe(401);
    expect(attacker.cookie('dm_sesion')).toBeUndefined();
    const { rows } = await pg.query<{ failed_login_count: number; locked: boolean }>(
      `SELECT failed_login_count, locked_until > now() AS locked FROM web_users WHERE email = 'rafaga@csrf.mx'`,
    );
    expect(rows[0]).toEqual({ failed_login_count: MAX_FAILURES, locked: true });
  });

  it('answers an unknown login exactly like an existing one, locked or not', async () => {
    const browser = new Browser(application.url);
    const token = await browser.csrfOf('/entrar');
    const answer = async (login: string, password: string): Promise<[number, string, string[]]> => {
      const response = await browser.post('/entrar', { _csrf: token, login, password });
      const cookies = response.headers.getSetCookie().map((line) => line.split('=')[0] ?? '');
      return [response.status, alertOf(await response.text()), cookies];
    };
    const wrong = await answer('bloqueada@csrf.mx', 'mala');
    expect(wrong[0]).toBe(401);
    expect(wrong[1]).not.toBe('');
    for (let attempt = 1; attempt < MAX_FAILURES + 3; attempt += 1) {
      expect(await answer('bloqueada@csrf.mx', 'mala')).toEqual(wrong);
      expect(await answer('nadie@csrf.mx', 'mala')).toEqual(wrong);
    }
    const { rows } = await pg.query<{ locked: boolean }>(
      `SELECT locked_until > now() AS locked FROM web_users WHERE email = 'bloqueada@csrf.mx'`,
    );
    expect(rows[0]?.locked).toBe(true);
    expect(await answer('bloqueada@csrf.mx', 'clave-bloqueada')).toEqual(wrong);
    expect(browser.cookie('dm_sesion')).toBeUndefined();
  });

  it('takes as long for an unknown login as for an existing one, locked or not (medians within 20 %)', async () => {
    const browser = new Browser(application.url);
    const token = await browser.csrfOf('/entrar');
    const timed = async (login: string, password: string): Promise<number> => {
      const started = process.hrtime.bigint();
      const response = await browser.post('/entrar', { _csrf: token, login, password });
      await response.text();
      expect(response.status).toBe(401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const samples = {
      unknown: [] as number[],
      wrong: [] as number[],
      locked: [] as number[],
      lockedRight: [] as number[],
    };
    // Interleaved, so load on the machine weighs on every kind alike.
    for (let round = 0; round < 30; round += 1) {
      await pg.query(
        `UPDATE web_users SET failed_login_count = 0, locked_until = NULL WHERE email = 'tiempo@csrf.mx'`,
      );
      samples.unknown.push(await timed(`nadie-${round}@csrf.mx`, 'mala'));
      samples.wrong.push(await timed('tiempo@csrf.mx', 'mala'));
      samples.locked.push(await timed('rafaga@csrf.mx', 'mala'));
      samples.lockedRight.push(await timed('rafaga@csrf.mx', 'clave-rafaga'));
    }
    const unknown = median(samples.unknown);
    const medians = {
      wrong: median(samples.wrong),
      locked: median(samples.locked),
      lockedRight: median(samples.lockedRight),
    };
    for (const [kind, value] of Object.entries(medians)) {
      expect({ kind, ratio: Math.abs(value - unknown) / unknown < 0.2 }).toEqual({ kind, ratio: true });
    }
  });
});
