import { SatExchange, Solicitud, Tenant } from '../../../src/db';
import { currentSatCallScope, type SatExchangeEvent } from '../../../src/services/sat-observation';
import { SatTrail } from '../../../src/services/sat-trail';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

/** The raw SAT trail's switch, attribution and retention (the envelopes themselves: app/sat-observability). */
describe('SatTrail', () => {
  let database: TestDatabase;
  let opted: Tenant;
  let other: Tenant;
  let solicitudId: string;
  let now = new Date('2026-05-01T12:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase('sat_trail');
    const tenants = database.dataSource.getRepository(Tenant);
    opted = await tenants.save({ slug: 'con-rastro', nombre: 'Con rastro' });
    other = await tenants.save({ slug: 'sin-rastro', nombre: 'Sin rastro' });
    const [contribuyente] = await database.dataSource.query<{ id: string }[]>(
      `INSERT INTO contribuyentes (tenant_id, rfc) VALUES ($1, 'EKU9003173C9') RETURNING id`,
      [opted.id],
    );
    const solicitud = await database.dataSource.getRepository(Solicitud).save({
      tenantId: opted.id,
      contribuyenteId: contribuyente?.id ?? '',
      rfc: 'EKU9003173C9',
      contexto: 'Emitidos',
      tipoSolicitud: 'CFDI',
      tipoDocumento: 'CFDI',
      filtrosKey: 'a'.repeat(64),
    });
    solicitudId = solicitud.id;
  });

  afterAll(async () => {
    await database.drop();
  });

  function event(
    scope: SatExchangeEvent['scope'],
    operacion = 'VerificaSolicitudDescarga',
  ): SatExchangeEvent {
    return {
      endpoint: 'cfdi.verificacion',
      operacion,
      at: now,
      ms: 40,
      totalMs: 45,
      status: 200,
      outcome: 'ok',
      code: '5000',
      scope,
      ...(scope?.trail
        ? { requestEnvelope: '<s:Envelope/>', responseEnvelope: '<s:Envelope>ok</s:Envelope>' }
        : {}),
    };
  }

  it('is off until a tenant opts in, and attributes each step’s calls with the tenant’s choice', async () => {
    const trail = new SatTrail(database.dataSource, { retentionDays: 30, clock: () => now });
    expect(await trail.isEnabled(opted.id)).toBe(false);
    await trail.setEnabled(opted.id, true);
    expect(await trail.isEnabled(opted.id)).toBe(true);
    expect(await trail.isEnabled(other.id)).toBe(false);
    const seen = await trail.scoped({ tenantId: opted.id, solicitudId }, async () => currentSatCallScope());
    expect(seen).toEqual({ tenantId: opted.id, solicitudId, trail: true });
    const unseen = await trail.scoped({ tenantId: other.id, solicitudId }, async () => currentSatCallScope());
    expect(unseen?.trail).toBe(false);
    expect(currentSatCallScope()).toBeUndefined();
    await expect(trail.setEnabled('00000000-0000-4000-8000-000000000000', true)).rejects.toMatchObject({
      code: 'DM-4001',
    });
  });

  it('keeps exchanges of opted-in scopes only, and purges them after the retention period', async () => {
    const trail = new SatTrail(database.dataSource, { retentionDays: 30, clock: () => now });
    trail.listener(event({ tenantId: opted.id, solicitudId, trail: true }, 'Autentica'));
    trail.listener(event({ tenantId: other.id, solicitudId, trail: false }));
    trail.listener(event(undefined));
    await trail.flush();
    const kept = await trail.list(opted.id, solicitudId);
    expect(kept).toMatchObject([
      {
        operacion: 'Autentica',
        httpStatus: 200,
        durationMs: 45,
        responseEnvelope: '<s:Envelope>ok</s:Envelope>',
      },
    ]);
    expect(kept[0]?.expiresAt.toISOString()).toBe('2026-05-31T12:00:00.000Z');
    // Another tenant asking for the same solicitud sees nothing.
    expect(await trail.list(other.id, solicitudId)).toEqual([]);

    now = new Date('2026-05-20T12:00:00Z');
    trail.listener(event({ tenantId: opted.id, solicitudId, trail: true }, 'Descargar'));
    await trail.flush();
    expect(await trail.purgeExpired()).toBe(0);
    now = new Date('2026-05-31T12:00:01Z');
    expect(await trail.purgeExpired()).toBe(1);
    expect((await trail.list(opted.id, solicitudId)).map((entry) => entry.operacion)).toEqual(['Descargar']);
    now = new Date('2026-06-20T12:00:00Z');
    expect(await trail.purgeExpired(1)).toBe(1);
    expect(await database.dataSource.getRepository(SatExchange).count()).toBe(0);
  });
});
