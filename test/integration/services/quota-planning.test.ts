import { Contribuyente, SatRequest, Solicitud, Tenant } from '../../../src/db';
import type { JobQueue } from '../../../src/services/ports/job-queue';
import { fromMexicoWallClock } from '../../../src/services/periods/mexico-time';
import { timeRange } from '../../../src/services/periods/time-range';
import { criteriaKey } from '../../../src/services/planning';
import { QuotaGuard } from '../../../src/services/pipeline';
import { RegistrationService, type RegistrationCaller } from '../../../src/services/solicitudes';
import { filtersKey } from '../../../src/services/solicitudes/ledger-key';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

/*
 * The planner on the database alone (no SAT): sizing from the metadata index, the dry run that writes
 * nothing, SAT's lifetime limit checked before registering, and the guard every send goes through.
 */

class RecordingQueue implements JobQueue {
  readonly enqueued: { name: string; key: string }[] = [];
  async enqueue(name: string, key: string): Promise<void> {
    this.enqueued.push({ name, key });
  }
}

const RFC = 'EKU9003173C9';
const now = new Date('2026-11-24T18:00:00Z');
const NO_FILTERS = filtersKey({ rfcContrapartes: [] });

const june = { fechaInicial: '2025-06-01T00:00:00', fechaFinal: '2025-06-30T23:59:59' };
const juneStart = fromMexicoWallClock(june.fechaInicial);
const juneEnd = new Date(fromMexicoWallClock(june.fechaFinal).getTime() + 1000);

describe('the quota-aware planner on the database', () => {
  let database: TestDatabase;
  let caller: RegistrationCaller;
  let contribuyenteId: string;
  let queue: RecordingQueue;
  let service: RegistrationService;

  async function counts(): Promise<Record<string, number>> {
    const [row] = await database.dataSource.query<Record<string, number>[]>(
      `SELECT (SELECT count(*)::int FROM registros) AS registros,
              (SELECT count(*)::int FROM solicitudes) AS solicitudes,
              (SELECT count(*)::int FROM sat_requests) AS sat_requests,
              (SELECT count(*)::int FROM ledger_periodos) AS ledger,
              (SELECT count(*)::int FROM sat_criteria_usage) AS usage`,
    );
    return row ?? {};
  }

  /** A metadata solicitud that finished with its rows indexed: what makes the index authoritative. */
  async function completedMetadata(start: Date, end: Date): Promise<void> {
    const solicitud = await database.dataSource.getRepository(Solicitud).save({
      tenantId: caller.tenantId,
      contribuyenteId,
      rfc: RFC,
      contexto: 'Emitidos',
      tipoSolicitud: 'Metadata',
      tipoDocumento: 'CFDI',
      fechaInicial: start,
      fechaFinal: end,
      filtros: {},
      filtrosKey: NO_FILTERS,
      estado: 'Completada',
    });
    await database.dataSource.getRepository(SatRequest).save({
      solicitudId: solicitud.id,
      periodoInicio: start,
      periodoFin: end,
      estado: 'Terminada',
      finishedAt: now,
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase('quota_planning');
    const tenant = await database.dataSource.getRepository(Tenant).save({ slug: 'q', nombre: 'Q' });
    caller = { tenantId: tenant.id, canal: 'soap' };
    const contribuyente = await database.dataSource.getRepository(Contribuyente).save({
      tenantId: tenant.id,
      rfc: RFC,
      fielCertificate: Buffer.from('certificate'),
      fielKeyCiphertext: Buffer.from('sealed'),
      fielPasswordCiphertext: Buffer.from('sealed'),
      fielMasterKeyId: '0000000000000000',
      fielSerial: '30001000000500003415',
      fielValidFrom: new Date('2023-05-18T00:00:00Z'),
      fielValidTo: new Date('2027-05-17T00:00:00Z'),
    });
    contribuyenteId = contribuyente.id;
    // 450,000 issued documents in June 2025, 15,000 a day, as a metadata download would index them.
    await database.dataSource.query(
      `INSERT INTO cfdi_metadata (tenant_id, rfc, uuid, rfc_emisor, rfc_receptor, fecha_emision, estatus, efecto)
       SELECT $1, $2, gen_random_uuid(), $2, 'AAA010101AAA', $3::timestamptz + make_interval(secs => g * 5.76),
              'Vigente', 'I'
         FROM generate_series(0, 449999) AS g`,
      [tenant.id, RFC, juneStart],
    );
    await completedMetadata(juneStart, juneEnd);
  }, 120_000);

  beforeEach(() => {
    queue = new RecordingQueue();
    service = new RegistrationService(database.dataSource, queue, {
      settlementWindowHours: 72,
      clock: () => now,
    });
  });

  afterAll(async () => {
    await database.drop();
  });

  const xml = { rfc: RFC, ...june, contexto: 'Emitidos', tipoSolicitud: 'CFDI' } as const;

  it('dry run: plans 450,000 indexed documents into SAT requests that each fit, and writes nothing', async () => {
    const before = await counts();
    const [simulated] = await service.register(caller, { ...xml, simular: true });
    expect(simulated).toMatchObject({
      estado: 'Simulada',
      idSolicitud: null,
      solicitudesSat: 3,
      documentosEstimados: 450_000,
      dimensionado: true,
    });
    expect(simulated?.periodosSolicitados).toEqual([
      { inicio: '2025-06-01T06:00:00.000Z', fin: '2025-06-14T06:00:00.000Z' },
      { inicio: '2025-06-14T06:00:00.000Z', fin: '2025-06-27T06:00:00.000Z' },
      { inicio: '2025-06-27T06:00:00.000Z', fin: '2025-07-01T06:00:00.000Z' },
    ]);
    // Each part holds at most SAT's 200,000, counted independently of the planner.
    for (const periodo of simulated?.periodosSolicitados ?? []) {
      const [{ total }] = await database.dataSource.query<{ total: number }[]>(
        `SELECT count(*)::int AS total FROM cfdi_metadata WHERE fecha_emision >= $1 AND fecha_emision < $2`,
        [periodo.inicio, periodo.fin],
      );
      expect(total).toBeLessThanOrEqual(200_000);
    }
    expect(await counts()).toEqual(before);
    expect(queue.enqueued).toEqual([]);
  });

  it('registers the same plan: one SAT request per part, sized, with its estimate', async () => {
    const [registered] = await service.register(caller, xml);
    expect(registered).toMatchObject({ estado: 'Registrada', solicitudesSat: 3, dimensionado: true });
    const parts = await database.dataSource
      .getRepository(SatRequest)
      .find({ where: { solicitudId: registered?.idSolicitud ?? '' }, order: { parte: 'ASC' } });
    expect(parts.map((part) => [part.documentosEstimados, part.dimensionada, part.estado])).toEqual([
      [195_000, true, 'Pendiente'],
      [195_000, true, 'Pendiente'],
      [60_000, true, 'Pendiente'],
    ]);
    expect(queue.enqueued).toHaveLength(3);
  });

  it('refuses (DM-9030) a third identical XML request before registering it, dry run included', async () => {
    // SAT already took the first part twice.
    const firstPart = criteriaKey({
      rfc: RFC,
      tipoDocumento: 'CFDI',
      contexto: 'Emitidos',
      tipoSolicitud: 'CFDI',
      periodo: timeRange(juneStart, new Date('2025-06-14T06:00:00.000Z')),
      filtrosKey: NO_FILTERS,
    });
    await database.dataSource.query(
      `INSERT INTO sat_criteria_usage (criteria_key, rfc, veces) VALUES ($1, $2, 2)`,
      [firstPart, RFC],
    );
    const before = await counts();
    for (const simular of [true, false]) {
      const [answer] = await service.register(caller, { ...xml, forzar: true, simular });
      expect(answer).toMatchObject({ estado: 'Rechazada', codigo: 'DM-9030', idSolicitud: null });
      expect(answer?.mensaje).toContain('2025-06-01T00:00:00 – 2025-06-13T23:59:59');
    }
    // The refused registration is recorded (registro) but nothing else is.
    expect(await counts()).toEqual({ ...before, registros: before.registros + 1 });
    expect(queue.enqueued).toEqual([]);
  });

  it('leaves a period the index does not describe to be sized by one metadata request first', async () => {
    const july = { fechaInicial: '2025-07-01T00:00:00', fechaFinal: '2025-07-31T23:59:59' };
    const [simulated] = await service.register(caller, { ...xml, ...july, simular: true });
    expect(simulated).toMatchObject({
      estado: 'Simulada',
      solicitudesSat: 2,
      documentosEstimados: null,
      dimensionado: false,
    });
    // Asked together with its metadata (Ambos), the metadata request sizes it: no extra request.
    const ambos = await service.register(caller, { ...xml, ...july, tipoSolicitud: 'Ambos', simular: true });
    expect(ambos.map((result) => [result.tipoSolicitud, result.solicitudesSat])).toEqual([
      ['Metadata', 1],
      ['CFDI', 1],
    ]);
    const [registered] = await service.register(caller, { ...xml, ...july });
    const [part] = await database.dataSource
      .getRepository(SatRequest)
      .findBy({ solicitudId: registered?.idSolicitud ?? '' });
    expect(part).toMatchObject({ dimensionada: false, documentosEstimados: null, estado: 'Pendiente' });
    // Registered with it, in the same transaction: the metadata solicitud that will size it.
    const sizing = await database.dataSource
      .getRepository(Solicitud)
      .findOneByOrFail({ referenciaCliente: `dimensionar:${registered?.idSolicitud}` });
    expect(sizing).toMatchObject({ tipoSolicitud: 'Metadata', contexto: 'Emitidos', estado: 'Registrada' });
    expect(registered?.mensaje).toContain(sizing.id);
    expect(queue.enqueued).toHaveLength(2);
    // Registered again meanwhile, the same period waits for that metadata: no second sizing request.
    const [again] = await service.register(caller, { ...xml, ...july, forzar: true });
    expect(again).toMatchObject({ estado: 'Registrada', solicitudesSat: 1, mensaje: null });
  });

  describe('QuotaGuard', () => {
    let guard: QuotaGuard;
    let solicitud: Solicitud;

    async function request(day: number): Promise<SatRequest> {
      return database.dataSource.getRepository(SatRequest).save({
        solicitudId: solicitud.id,
        periodoInicio: new Date(Date.UTC(2025, 7, day, 6)),
        periodoFin: new Date(Date.UTC(2025, 7, day + 1, 6)),
        estado: 'Pendiente',
      });
    }

    async function reload(row: SatRequest): Promise<SatRequest> {
      return database.dataSource.getRepository(SatRequest).findOneByOrFail({ id: row.id });
    }

    beforeAll(async () => {
      guard = new QuotaGuard(database.dataSource, { recheckSeconds: 5, clock: () => now });
      solicitud = await database.dataSource.getRepository(Solicitud).save({
        tenantId: caller.tenantId,
        contribuyenteId,
        rfc: RFC,
        contexto: 'Emitidos',
        tipoSolicitud: 'CFDI',
        tipoDocumento: 'CFDI',
        filtros: {},
        filtrosKey: NO_FILTERS,
        estado: 'EnProceso',
      });
    });

    it('waits while an identical request is open, and refuses the third one SAT accepted', async () => {
      const first = await request(1);
      const taken = await guard.reserve(first, solicitud);
      expect(taken).toMatchObject({ kind: 'send', fresh: true });
      // Sent and accepted: SAT is working on it, so an identical one waits instead of earning 5005.
      await guard.settle(first, taken, '5000');
      const second = await request(1);
      expect(await guard.reserve(second, solicitud)).toEqual({
        kind: 'wait',
        until: new Date(now.getTime() + 5000),
      });
      await database.dataSource.getRepository(SatRequest).update({ id: first.id }, { finishedAt: now });
      const again = await guard.reserve(await reload(second), solicitud);
      expect(again).toMatchObject({ kind: 'send', fresh: true });
      await guard.settle(second, again, '5000');
      await database.dataSource.getRepository(SatRequest).update({ id: second.id }, { finishedAt: now });
      const third = await guard.reserve(await request(1), solicitud);
      expect(third).toMatchObject({ kind: 'refused', codigo: 'DM-9030' });
    });

    it('gives the count back when SAT refused outright, keeps it when no answer came', async () => {
      const uses = async (row: SatRequest) => {
        const [usage] = await database.dataSource.query<{ veces: number }[]>(
          `SELECT veces FROM sat_criteria_usage WHERE criteria_key = (SELECT criteria_key FROM sat_requests WHERE id = $1)`,
          [row.id],
        );
        return usage?.veces;
      };
      const refusedBySat = await request(2);
      const taken = await guard.reserve(refusedBySat, solicitud);
      expect(await uses(refusedBySat)).toBe(1);
      await guard.settle(refusedBySat, taken, '301');
      expect((await reload(refusedBySat)).criteriaKey).toBeNull();

      // A timeout: SAT may have accepted it, so the count stays, and the retry does not count again.
      const unanswered = await request(3);
      const firstTry = await guard.reserve(unanswered, solicitud);
      expect(firstTry).toMatchObject({ kind: 'send', fresh: true });
      const retry = await guard.reserve(await reload(unanswered), solicitud);
      expect(retry).toMatchObject({ kind: 'send', fresh: false });
      await guard.settle(unanswered, retry, '5005');
      expect(await uses(unanswered)).toBe(1);
    });
  });
});
