import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, Tenant } from '../../../src/db';
import { JobRunner } from '../../../src/jobs';
import { createLogger } from '../../../src/logging';
import {
  FielExpiryNotices,
  WebhookNotifier,
  WebhookService,
  type RegisteredWebhook,
} from '../../../src/services/notifications';
import { fromMexicoWallClock, toMexicoWallClock } from '../../../src/services/periods/mexico-time';
import { FielVault, SecretBox, masterKeyFrom } from '../../../src/services/secrets';
import { WebhookReceiver, verifySignature, type ReceivedWebhook } from '../../helpers/webhook-receiver';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';
import { until } from '../../helpers/eventually';

const DAY_MS = 86_400_000;
const MASTER_KEY = Buffer.alloc(32, 21);
const MAX_ATTEMPTS = 3;

interface DeliveryRow {
  id: string;
  estado: string;
  attempts: number;
  last_status_code: number | null;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
}

interface AttemptRow {
  attempt: number;
  started_at: Date;
  status_code: number | null;
  error: string | null;
  resultado: string;
  next_attempt_at: Date | null;
}

interface Body {
  id: string;
  evento: string;
  fecha: string;
  datos: Record<string, unknown>;
}

/** A port nobody listens on right now, for a receiver that must be given its port up front. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** One of the receivers of docs/examples/webhooks, started as a reader would start it. */
async function startExample(
  command: string,
  script: string,
  port: number,
  secret: string,
): Promise<{ child: ChildProcessWithoutNullStreams; lines: string[] }> {
  const child = spawn(command, [path.join(__dirname, '../../../docs/examples/webhooks', script)], {
    env: { PATH: process.env.PATH, WEBHOOK_SECRET: secret, PORT: String(port) },
  });
  const lines: string[] = [];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    lines.push(...complete);
  });
  await waitFor(`${script} listening`, async () =>
    lines.some((line) => line.startsWith('listening on')) ? true : undefined,
  );
  return { child, lines };
}

function bodyOf(request: ReceivedWebhook): Body {
  return JSON.parse(request.body) as Body;
}

/** Polls `probe` until it answers; on time-out, says what it last saw. */
function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  describeLast: () => Promise<unknown> = async () => undefined,
  timeoutMs = 90_000,
): Promise<T> {
  return until(what, probe, { timeoutMs, intervalMs: 250 }).catch(async () => {
    throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(await describeLast())}`);
  });
}

// A solicitud through the simulator and deliveries retried by Agenda (which looks for due jobs every
// 5 s) take seconds each; a loaded two-core machine makes that tens of seconds.
jest.setTimeout(180_000);

describe('webhooks: signed deliveries of state changes and e.firma expiry, retried and logged', () => {
  const receiver = new WebhookReceiver();
  const logLines: string[] = [];
  const secrets: string[] = [];
  let application: PostgresTestApp;
  let dataSource: DataSource;
  let jobsPool: Pool;
  let enqueuer: JobRunner;
  let webhooks: WebhookService;
  let notifier: WebhookNotifier;
  let vault: FielVault;
  let dataDir: string;

  async function tenant(slug: string): Promise<string> {
    return (await dataSource.getRepository(Tenant).save({ slug, nombre: slug })).id;
  }

  async function register(
    tenantId: string,
    route: string,
    eventos: string[] = [],
  ): Promise<RegisteredWebhook> {
    const registered = await webhooks.register(tenantId, { url: `${receiver.url}${route}`, eventos });
    secrets.push(registered.secret);
    return registered;
  }

  /** An e.firma on file with the given expiry; the key material is never used by these tests. */
  async function fielExpiring(tenantId: string, rfc: string, validTo: Date): Promise<void> {
    await vault.store({
      tenantId,
      rfc,
      nombre: `CONTRIBUYENTE ${rfc}`,
      certificate: Buffer.from(`certificado ${rfc}`),
      privateKey: Buffer.from(`llave ${rfc}`),
      password: 'no-se-usa',
      serial: `0000100000070000${rfc.slice(0, 4).replace(/\D/g, '0')}`,
      validFrom: new Date(validTo.getTime() - 4 * 365 * DAY_MS),
      validTo,
    });
  }

  function notices(clock?: () => Date): FielExpiryNotices {
    return new FielExpiryNotices(dataSource, notifier, { noticeDays: 30, ...(clock ? { clock } : {}) });
  }

  async function deliveriesOf(webhookId: string): Promise<DeliveryRow[]> {
    return dataSource.query<DeliveryRow[]>(
      `SELECT id, estado, attempts, last_status_code, next_attempt_at, delivered_at
         FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at, id`,
      [webhookId],
    );
  }

  async function attemptsOf(deliveryId: string): Promise<AttemptRow[]> {
    return dataSource.query<AttemptRow[]>(
      `SELECT attempt, started_at, status_code, error, resultado, next_attempt_at
         FROM webhook_delivery_attempts WHERE delivery_id = $1 ORDER BY attempt`,
      [deliveryId],
    );
  }

  /** Waits until the webhook has `count` deliveries and none is pending. */
  async function settled(webhookId: string, count: number): Promise<DeliveryRow[]> {
    return waitFor(
      `${count} settled deliveries`,
      async () => {
        const rows = await deliveriesOf(webhookId);
        return rows.length === count && rows.every((row) => row.estado !== 'Pendiente') ? rows : undefined;
      },
      () => deliveriesOf(webhookId),
    );
  }

  beforeAll(async () => {
    await receiver.start();
    dataDir = mkdtempSync(path.join(tmpdir(), 'dm-webhooks-'));
    const logs = new PassThrough();
    logs.on('data', (chunk: Buffer) => logLines.push(chunk.toString('utf8')));
    application = await startTestApp({
      name: 'dm_webhooks',
      env: {
        MASTER_KEY: MASTER_KEY.toString('base64'),
        SIMULATOR_DELAY_SECONDS: '0',
        VERIFY_INITIAL_DELAY_SECONDS: '1',
        DATA_DIR: dataDir,
        WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        WEBHOOK_RETRY_DELAY_SECONDS: '1',
        WEBHOOK_MAX_RETRY_DELAY_SECONDS: '2',
        WEBHOOK_TIMEOUT_SECONDS: '5',
        LOG_LEVEL: 'debug',
      },
      logs,
    });
    dataSource = createDataSource({ url: application.database.url, poolSize: 2 });
    await dataSource.initialize();
    const box = new SecretBox(masterKeyFrom(MASTER_KEY));
    webhooks = new WebhookService(dataSource, box, { allowHttp: true });
    vault = new FielVault(dataSource, box);
    // A second process on the same database, as the CLI or another worker would be: it only enqueues,
    // and the application's workers run the deliveries.
    jobsPool = new Pool({ connectionString: application.database.url, max: 2 });
    const logger = createLogger({ stream: new PassThrough() });
    enqueuer = new JobRunner({ pool: jobsPool, logger, name: 'webhooks-test', maxConcurrency: 1 });
    notifier = new WebhookNotifier(enqueuer, logger);
  });

  afterAll(async () => {
    await application.close();
    await enqueuer.stop();
    await dataSource.destroy();
    await jobsPool.end();
    await receiver.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('posts every state change of a solicitud, signed, to the webhooks of its tenant only', async () => {
    const demo = await dataSource.getRepository(Tenant).findOneByOrFail({ slug: 'demo' });
    const all = await register(demo.id, '/demo');
    const fielOnly = await register(demo.id, '/demo-fiel', ['fiel.por_vencer']);
    const other = await register(await tenant('otra'), '/otra');

    const client = await application.soapClient();
    const [registered] = await client.RegistrarSolicitudAsync({
      Rfc: 'EKU9003173C9',
      FechaInicial: '2026-02-01T00:00:00',
      FechaFinal: '2026-02-10T23:59:59',
      Contexto: 'Emitidos',
      TipoSolicitud: 'CFDI',
      ReferenciaCliente: 'ERP-4411',
    });
    const idSolicitud = (registered.Resultados.Resultado as { IdSolicitud: string }[])[0]
      ?.IdSolicitud as string;

    const estados = async (): Promise<string[]> =>
      (
        await dataSource.query<{ estado: string }[]>(
          `SELECT estado FROM solicitud_estados WHERE solicitud_id = $1 ORDER BY id`,
          [idSolicitud],
        )
      ).map((row) => row.estado);
    const history = await waitFor(
      'Completada',
      async () => {
        const seen = await estados();
        return seen.at(-1) === 'Completada' ? seen : undefined;
      },
      estados,
    );
    // Registrada is the creation; every later entry is a change.
    expect(history[0]).toBe('Registrada');
    const changes = history.slice(1);
    expect(changes).toEqual(expect.arrayContaining(['EnProceso', 'Completada']));

    // The registration may have made other solicitudes of the tenant (a metadata request that sizes
    // the period): their changes are notified too, so this one's are picked out by IdSolicitud.
    const ofThisSolicitud = async (): Promise<DeliveryRow[]> =>
      dataSource.query<DeliveryRow[]>(
        `SELECT id, estado, attempts, last_status_code, next_attempt_at, delivered_at
           FROM webhook_deliveries
          WHERE webhook_id = $1 AND payload -> 'datos' ->> 'idSolicitud' = $2`,
        [all.webhook.id, idSolicitud],
      );
    const rows = await waitFor(
      `${changes.length} deliveries`,
      async () => {
        const seen = await ofThisSolicitud();
        return seen.length === changes.length && seen.every((row) => row.estado !== 'Pendiente')
          ? seen
          : undefined;
      },
      ofThisSolicitud,
    );
    expect(rows.every((row) => row.estado === 'Entregado' && row.attempts === 1)).toBe(true);
    const posts = receiver.at('/demo').filter((post) => bodyOf(post).datos.idSolicitud === idSolicitud);
    expect(posts).toHaveLength(changes.length);
    for (const post of posts) {
      expect(verifySignature(post, all.secret)).toBe(true);
      // Another webhook's secret does not verify it: each webhook signs with its own.
      expect(verifySignature(post, other.secret)).toBe(false);
      const body = bodyOf(post);
      expect(post.headers['content-type']).toMatch(/^application\/json/);
      expect(post.headers['x-descargamasiva-event']).toBe('solicitud.estado');
      expect(post.headers['x-descargamasiva-delivery']).toBe(body.id);
      expect(post.headers['x-descargamasiva-attempt']).toBe('1');
      expect(rows.map((row) => row.id)).toContain(body.id);
      expect(body.evento).toBe('solicitud.estado');
      expect(body.datos).toMatchObject({
        idSolicitud,
        referenciaCliente: 'ERP-4411',
        rfc: 'EKU9003173C9',
        contexto: 'Emitidos',
        tipoSolicitud: 'CFDI',
        fechaInicial: '2026-02-01T06:00:00.000Z',
        fechaFinal: '2026-02-11T05:59:59.000Z',
      });
      expect(Date.parse(body.fecha)).not.toBeNaN();
      for (const secret of secrets) expect(post.body).not.toContain(secret);
      expect(post.body).not.toMatch(/password|contrase|tenant_?id|secret/i);
    }
    // Every change, each from the one before it, in the order they happened.
    const received = posts.map(bodyOf).sort((a, b) => Date.parse(a.fecha) - Date.parse(b.fecha));
    expect(received.map((body) => body.datos.estado)).toEqual(changes);
    expect(received.map((body) => body.datos.estadoAnterior)).toEqual(history.slice(0, -1));
    const completada = received.at(-1)?.datos as Record<string, unknown>;
    expect(completada.numeroCfdis).toEqual(expect.any(Number));
    expect(completada.paquetesTotal).toBeGreaterThan(0);
    expect(completada.paquetesAlmacenados).toBe(completada.paquetesTotal);
    expect(completada.fechaFin).toEqual(expect.any(String));

    // Whatever reached this webhook is about the demo tenant's solicitudes, nobody else's.
    const demoIds = new Set(
      (
        await dataSource.query<{ id: string }[]>(`SELECT id FROM solicitudes WHERE tenant_id = $1`, [demo.id])
      ).map((row) => row.id),
    );
    expect(receiver.at('/demo').every((post) => demoIds.has(bodyOf(post).datos.idSolicitud as string))).toBe(
      true,
    );
    // Not subscribed to this event, or another tenant: nothing, not even a row.
    expect(receiver.at('/demo-fiel')).toHaveLength(0);
    expect(receiver.at('/otra')).toHaveLength(0);
    expect(await deliveriesOf(fielOnly.webhook.id)).toHaveLength(0);
    expect(await deliveriesOf(other.webhook.id)).toHaveLength(0);
  });

  it('retries a failing receiver with growing waits and delivers on the third attempt, logging each', async () => {
    receiver.on('/flaky', (_request, earlier) => (earlier < 2 ? 500 : 204));
    const tenantId = await tenant('reintentos');
    const hook = await register(tenantId, '/flaky', ['fiel.por_vencer']);
    await fielExpiring(tenantId, 'RET010101AAA', new Date(Date.now() + 10 * DAY_MS));
    expect(await notices().check()).toBeGreaterThanOrEqual(1);

    const [delivery] = await settled(hook.webhook.id, 1);
    expect(delivery).toMatchObject({
      estado: 'Entregado',
      attempts: 3,
      last_status_code: 204,
      next_attempt_at: null,
    });
    expect(delivery?.delivered_at).toBeInstanceOf(Date);

    const attempts = await attemptsOf(delivery?.id as string);
    expect(attempts.map((row) => [row.attempt, row.status_code, row.resultado])).toEqual([
      [1, 500, 'Reintento'],
      [2, 500, 'Reintento'],
      [3, 204, 'Entregado'],
    ]);
    expect(attempts[0]?.error).toMatch(/^HTTP 500/);
    expect(attempts[2]?.error).toBeNull();
    expect(attempts[2]?.next_attempt_at).toBeNull();
    // Exponential backoff with jitter: 1 s then 2 s, each at least half of it.
    const wait = (index: number): number =>
      (attempts[index]?.next_attempt_at?.getTime() ?? 0) - (attempts[index]?.started_at.getTime() ?? 0);
    expect(wait(0)).toBeGreaterThanOrEqual(500);
    expect(wait(0)).toBeLessThanOrEqual(1_000 + 5_000);
    expect(wait(1)).toBeGreaterThanOrEqual(1_000);

    const posts = receiver.at('/flaky');
    expect(posts).toHaveLength(3);
    expect(posts.map((post) => post.headers['x-descargamasiva-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(posts.map((post) => post.headers['x-descargamasiva-delivery']))).toEqual(
      new Set([delivery?.id]),
    );
    for (const post of posts) {
      expect(verifySignature(post, hook.secret)).toBe(true);
      expect(bodyOf(post).datos).toMatchObject({ rfc: 'RET010101AAA', estado: 'PorVencer', umbralDias: 30 });
    }
    expect((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(450);
    expect((posts[2]?.at ?? 0) - (posts[1]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('gives a delivery up as failed after the maximum attempts when the receiver keeps failing', async () => {
    receiver.on('/down', () => 503);
    const tenantId = await tenant('caido');
    const hook = await register(tenantId, '/down', ['fiel.por_vencer']);
    await fielExpiring(tenantId, 'CAI010101AAA', new Date(Date.now() - 2 * DAY_MS));
    await notices().check();

    const [delivery] = await settled(hook.webhook.id, 1);
    expect(delivery).toMatchObject({
      estado: 'Fallido',
      attempts: MAX_ATTEMPTS,
      last_status_code: 503,
      next_attempt_at: null,
      delivered_at: null,
    });
    const attempts = await attemptsOf(delivery?.id as string);
    expect(attempts.map((row) => [row.attempt, row.status_code, row.resultado])).toEqual([
      [1, 503, 'Reintento'],
      [2, 503, 'Reintento'],
      [3, 503, 'Fallido'],
    ]);
    expect(attempts.every((row) => /^HTTP 503/.test(row.error ?? ''))).toBe(true);
    // Nothing after the last attempt.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const posts = receiver.at('/down');
    expect(posts).toHaveLength(MAX_ATTEMPTS);
    expect(bodyOf(posts[0] as ReceivedWebhook).datos).toMatchObject({
      rfc: 'CAI010101AAA',
      estado: 'Vencida',
      diasRestantes: -2,
    });
    // Every e.firma notice reached only its own tenant's webhook.
    expect(receiver.at('/flaky').every((post) => bodyOf(post).datos.rfc === 'RET010101AAA')).toBe(true);
    expect(receiver.at('/otra')).toHaveLength(0);
    expect(receiver.at('/demo-fiel')).toHaveLength(0);
  });

  it('sends an e.firma expiry notice at most once a day, Mexico City time', async () => {
    // The other tenants' webhooks stay out of this one.
    for (const slug of ['reintentos', 'caido']) {
      const { id } = await dataSource.getRepository(Tenant).findOneByOrFail({ slug });
      for (const hook of await webhooks.list(id)) await webhooks.setActive(id, hook.id, false);
    }
    const tenantId = await tenant('diario');
    const hook = await register(tenantId, '/diario');
    await fielExpiring(tenantId, 'DIA010101AAA', new Date(Date.now() + 20 * DAY_MS));
    const today = toMexicoWallClock(new Date()).slice(0, 10);
    const noon = fromMexicoWallClock(`${today}T12:00:00`).getTime();
    let now = noon;
    const check = notices(() => new Date(now));

    expect(await check.check()).toBe(1);
    now = noon + 3_600_000;
    expect(await check.check()).toBe(0);
    now = noon + 11 * 3_600_000; // 23:00, still the same day in Mexico City
    expect(await check.check()).toBe(0);
    now = noon + 24 * 3_600_000;
    expect(await check.check()).toBe(1);
    expect(await check.check()).toBe(0);

    await settled(hook.webhook.id, 2);
    const posts = receiver.at('/diario');
    expect(posts).toHaveLength(2);
    expect(posts.every((post) => verifySignature(post, hook.secret))).toBe(true);
    expect(posts.map((post) => post.headers['x-descargamasiva-event'])).toEqual([
      'fiel.por_vencer',
      'fiel.por_vencer',
    ]);
    const days = posts.map((post) => bodyOf(post).datos.diasRestantes as number).sort((a, b) => b - a);
    expect(days[0] as number).toBeGreaterThan(days[1] as number);
    expect(posts.every((post) => bodyOf(post).datos.rfc === 'DIA010101AAA')).toBe(true);
    // The disabled webhooks got no notice for the second day.
    expect(receiver.at('/flaky')).toHaveLength(3);
    expect(receiver.at('/down')).toHaveLength(MAX_ATTEMPTS);
  });

  it('is verified by the example receivers of docs/examples, which refuse forged and stale posts', async () => {
    const tenantId = await tenant('ejemplos');
    const ports = { js: await freePort(), py: await freePort() };
    const js = await webhooks.register(tenantId, {
      url: `http://127.0.0.1:${ports.js}/webhook`,
      eventos: ['fiel.por_vencer'],
    });
    const py = await webhooks.register(tenantId, {
      url: `http://127.0.0.1:${ports.py}/webhook`,
      eventos: ['fiel.por_vencer'],
    });
    secrets.push(js.secret, py.secret);
    const examples = [
      {
        hook: js,
        port: ports.js,
        ...(await startExample(process.execPath, 'receiver.js', ports.js, js.secret)),
      },
      { hook: py, port: ports.py, ...(await startExample('python3', 'receiver.py', ports.py, py.secret)) },
    ];
    try {
      await fielExpiring(tenantId, 'EJE010101AAA', new Date(Date.now() + 5 * DAY_MS));
      await notices().check();
      for (const example of examples) {
        // Delivered on the first attempt: the receiver accepted the signature.
        const [delivery] = await settled(example.hook.webhook.id, 1);
        expect(delivery).toMatchObject({ estado: 'Entregado', attempts: 1, last_status_code: 204 });
        const events = example.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
        expect(events).toEqual([
          {
            delivery: delivery?.id,
            evento: 'fiel.por_vencer',
            datos: expect.objectContaining({ rfc: 'EJE010101AAA', estado: 'PorVencer' }),
          },
        ]);

        const post = (timestamp: number, body: string, signedBody = body): Promise<Response> =>
          fetch(`http://127.0.0.1:${example.port}/webhook`, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              'X-DescargaMasiva-Delivery': 'd0d0d0d0-0000-4000-8000-000000000001',
              'X-DescargaMasiva-Timestamp': String(timestamp),
              'X-DescargaMasiva-Signature': `sha256=${createHmac('sha256', example.hook.secret)
                .update(`${timestamp}.${signedBody}`)
                .digest('hex')}`,
            },
            body,
          });
        const body = JSON.stringify({ id: 'x', evento: 'fiel.por_vencer', fecha: '', datos: {} });
        const now = Math.floor(Date.now() / 1000);
        expect((await post(now, body.replace('fiel', 'FIEL'), body)).status).toBe(401);
        expect((await post(now - 600, body)).status).toBe(401);
        expect((await post(now, body)).status).toBe(204);
        // The same delivery again (a retry): acknowledged, not handled twice.
        expect((await post(now, body)).status).toBe(204);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(example.lines.filter((line) => line.includes('d0d0d0d0'))).toHaveLength(1);
      }
    } finally {
      for (const example of examples) example.child.kill();
    }
  });

  it('never writes a signing secret to the logs', () => {
    const logs = logLines.join('');
    expect(logs).toContain('webhook delivered');
    expect(logs).toContain('webhook delivery failed for good');
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(logs).not.toContain('sha256=');
  });
});
