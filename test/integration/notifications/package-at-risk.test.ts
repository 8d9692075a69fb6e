import { PassThrough } from 'node:stream';
import { Paquete } from '../../../src/db';
import { createLogger } from '../../../src/logging';
import { ExpiryWatch } from '../../../src/services/custody';
import { DELIVER_JOB, WebhookNotifier, WebhookService } from '../../../src/services/notifications';
import { SecretBox, generateMasterKey } from '../../../src/services/secrets';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { RecordingQueue } from '../../helpers/recording-queue';
import { createTenant, storePackage } from '../../helpers/stored-packages';

/* Custody's near-expiry alert reaches the tenant's webhooks as `paquete.en_riesgo`, once. */
describe('paquete.en_riesgo webhook', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('dm_package_at_risk');
  });

  afterAll(async () => {
    await database.drop();
  });

  it('writes one delivery per subscribed webhook of the package’s tenant and queues it after commit', async () => {
    const tenant = await createTenant(database.dataSource, 'custodia');
    const other = await createTenant(database.dataSource, 'vecina');
    const webhooks = new WebhookService(database.dataSource, new SecretBox(generateMasterKey(), []), {
      allowHttp: true,
    });
    const all = await webhooks.register(tenant.id, { url: 'http://127.0.0.1:9/todo' });
    const atRisk = await webhooks.register(tenant.id, {
      url: 'http://127.0.0.1:9/riesgo',
      eventos: ['paquete.en_riesgo'],
    });
    await webhooks.register(tenant.id, { url: 'http://127.0.0.1:9/estados', eventos: ['solicitud.estado'] });
    await webhooks.register(other.id, { url: 'http://127.0.0.1:9/vecina' });
    const pending = await storePackage(database.dataSource, undefined as never, {
      tenantId: tenant.id,
      rfc: 'CUS0101017A1',
      idPaquete: 'PAQ_EN_RIESGO_01',
      contexto: 'Emitidos',
      tipoSolicitud: 'CFDI',
      fechaInicial: new Date('2026-05-01T06:00:00Z'),
      storedAt: new Date(),
    });
    await database.dataSource
      .getRepository(Paquete)
      .update({ id: pending.paqueteId }, { satExpiresAt: new Date(Date.now() + 3 * 3_600_000) });

    const queue = new RecordingQueue();
    const notifier = new WebhookNotifier(queue, createLogger({ stream: new PassThrough() }));
    const watch = new ExpiryWatch(database.dataSource, {
      alertHours: 24,
      sinks: [notifier],
      logger: createLogger({ stream: new PassThrough() }),
    });
    expect((await watch.check()).map((aviso) => aviso.idPaquete)).toEqual(['PAQ_EN_RIESGO_01']);

    const rows = await database.dataSource.query<
      { webhook_id: string; evento: string; payload: { datos: Record<string, unknown> }; id: string }[]
    >(`SELECT id, webhook_id, evento, payload FROM webhook_deliveries ORDER BY webhook_id`);
    expect(rows.map((row) => row.webhook_id).sort()).toEqual([all.webhook.id, atRisk.webhook.id].sort());
    expect(rows.every((row) => row.evento === 'paquete.en_riesgo')).toBe(true);
    expect(rows[0]?.payload.datos).toMatchObject({
      idPaquete: 'PAQ_EN_RIESGO_01',
      rfc: 'CUS0101017A1',
      estado: 'Pendiente',
    });
    expect(rows[0]?.payload.datos.horasRestantes).toBeGreaterThanOrEqual(2);
    expect(queue.enqueued.map((job) => `${job.name}:${job.key}`).sort()).toEqual(
      rows.map((row) => `${DELIVER_JOB}:${row.id}`).sort(),
    );

    // Once: the next look neither alerts nor writes deliveries again.
    expect(await watch.check()).toEqual([]);
    const [{ n }] = await database.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM webhook_deliveries`,
    );
    expect(n).toBe(2);
  });
});
