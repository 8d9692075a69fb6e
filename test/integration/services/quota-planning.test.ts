import { Contribuyente, SatRequest, Solicitud, Tenant } from '../../../src/db';
import { fromMexicoWallClock } from '../../../src/services/periods/mexico-time';
import { timeRange } from '../../../src/services/periods/time-range';
import { criteriaKey } from '../../../src/services/planning';
import { QuotaGuard } from '../../../src/services/pipeline';
import { RegistrationService, type RegistrationCaller } from '../../../src/services/solicitudes';
import { filtersKey } from '../../../src/services/solicitudes/ledger-key';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { RecordingQueue } from '../../helpers/recording-queue';

/*
 * The planner on the database alone (no SAT): sizing from the metadata index, the dry run that writes
 * nothing, SAT's lifetime limit checked before registering, and the guard every send goes through.
 */

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

  it('registers a period SAT already took twice (it will be asked one second wider), dry run included', async () => {
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
    const [simulated] = await service.register(caller, { ...xml, forzar: true, simular: true });
    expect(simulated).toMatchObject({ estado: 'Simulada', solicitudesSat: 3 });
    const [registered] = await service.register(caller, { ...xml, forzar: true });
    expect(registered).toMatchObject({ estado: 'Registrada', solicitudesSat: 3 });
    expect(registered?.idSolicitud).toEqual(expect.any(String));
  });

  it('refuses (DM-9030) a third request by Uuid, which has no period to widen, dry run included', async () => {
    const uuid = '8A5C2E3D-1F4B-4C6D-9E8F-0A1B2C3D4E5F';
    const before = await counts();
    const folio = { ...xml, fechaInicial: undefined, fechaFinal: undefined, uuid };
    const [first] = await service.register(caller, folio);
    expect(first).toMatchObject({ estado: 'Registrada' });
    const [part] = await database.dataSource
      .getRepository(SatRequest)
      .findBy({ solicitudId: first?.idSolicitud ?? '' });
    const key = criteriaKey({
      rfc: RFC,
      tipoDocumento: 'CFDI',
      contexto: 'Emitidos',
      tipoSolicitud: 'CFDI',
      periodo: undefined,
      filtrosKey: (
        await database.dataSource.getRepository(Solicitud).findOneByOrFail({ id: first?.idSolicitud ?? '' })
      ).filtrosKey,
    });
    expect(part?.periodoInicio).toBeNull();
    await database.dataSource.query(
      `INSERT INTO sat_criteria_usage (criteria_key, rfc, veces) VALUES ($1, $2, 2)`,
      [key, RFC],
    );
    for (const simular of [true, false]) {
      const [answer] = await service.register(caller, { ...folio, forzar: true, simular });
      expect(answer).toMatchObject({ estado: 'Rechazada', codigo: 'DM-9030', idSolicitud: null });
    }
    expect((await counts()).registros).toBe(before.registros + 2);
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

    async function otherSolicitud(changes: Partial<Solicitud>): Promise<Solicitud> {
      return database.dataSource.getRepository(Solicitud).save({
        tenantId: solicitud.tenantId,
        contribuyenteId: solicitud.contribuyenteId,
        rfc: RFC,
        contexto: 'Emitidos',
        tipoSolicitud: 'CFDI',
        tipoDocumento: 'CFDI',
        filtros: {},
        filtrosKey: NO_FILTERS,
        estado: 'EnProceso',
        ...changes,
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

    it('waits while an identical request is open, and asks the third one SAT would refuse one second wider', async () => {
      const first = await request(1);
      const taken = await guard.reserve(first, solicitud);
      expect(taken).toMatchObject({ kind: 'send', widenedSeconds: 0 });
      // Sent and accepted: SAT is working on it, so an identical one waits instead of earning 5005.
      await guard.settle(first, taken, true);
      const second = await request(1);
      expect(await guard.reserve(second, solicitud)).toEqual({
        kind: 'wait',
        until: new Date(now.getTime() + 5000),
      });
      await database.dataSource.getRepository(SatRequest).update({ id: first.id }, { finishedAt: now });
      const again = await guard.reserve(await reload(second), solicitud);
      expect(again).toMatchObject({ kind: 'send', widenedSeconds: 0 });
      await guard.settle(second, again, true);
      await database.dataSource.getRepository(SatRequest).update({ id: second.id }, { finishedAt: now });
      // SAT took these exact criteria twice: the third goes out as another request, one second wider.
      const third = await request(1);
      const wider = await guard.reserve(third, solicitud);
      const start = new Date(Date.UTC(2025, 7, 1, 6));
      expect(wider).toMatchObject({ kind: 'send', widenedSeconds: 1 });
      expect(wider.kind === 'send' && wider.periodo?.start).toEqual(new Date(start.getTime() - 1000));
      // The part records what was really asked, and so does the ledger.
      const stored = await reload(third);
      expect(stored.periodoInicio).toEqual(new Date(start.getTime() - 1000));
      expect(stored.mensaje).toContain('ampliado 1 s');
      const ledger = await database.dataSource.query<{ inicio: string; veces: number }[]>(
        `SELECT criterios->>'inicio' AS inicio, veces FROM sat_criteria_usage
          WHERE criterios->>'fin' = $1 ORDER BY 1`,
        [new Date(Date.UTC(2025, 7, 2, 6)).toISOString()],
      );
      expect(ledger).toEqual([
        { inicio: new Date(start.getTime() - 1000).toISOString(), veces: 1 },
        { inicio: start.toISOString(), veces: 2 },
      ]);
    });

    it('widens metadata criteria only once SAT itself declared them spent', async () => {
      const metadata = await otherSolicitud({ tipoSolicitud: 'Metadata' });
      const part = async (): Promise<SatRequest> =>
        database.dataSource.getRepository(SatRequest).save({
          solicitudId: metadata.id,
          periodoInicio: new Date(Date.UTC(2025, 7, 10, 6)),
          periodoFin: new Date(Date.UTC(2025, 7, 11, 6)),
          estado: 'Pendiente',
          finishedAt: now,
        });
      // Three identical metadata sends: SAT's documents say they are not limited, so we do not refuse.
      let last;
      for (let send = 0; send < 3; send += 1) {
        const row = await part();
        last = await guard.reserve(row, metadata);
        expect(last).toMatchObject({ kind: 'send', widenedSeconds: 0 });
        await guard.settle(row, last, true);
        await database.dataSource.getRepository(SatRequest).update({ id: row.id }, { finishedAt: now });
      }
      // Until SAT answers 5002 to them: from then on they go one second wider.
      if (last?.kind === 'send') await guard.markSpent(last.key);
      expect(await guard.reserve(await part(), metadata)).toMatchObject({ kind: 'send', widenedSeconds: 1 });
    });

    it('refuses with DM-9030 only where the criteria can move neither way (a Uuid)', async () => {
      const folio = await otherSolicitud({ filtrosKey: 'f'.repeat(64) });
      const send = async (): Promise<Awaited<ReturnType<QuotaGuard['reserve']>>> => {
        const row = await database.dataSource.getRepository(SatRequest).save({
          solicitudId: folio.id,
          periodoInicio: null,
          periodoFin: null,
          estado: 'Pendiente',
        });
        const reservation = await guard.reserve(row, folio);
        if (reservation.kind === 'send') await guard.settle(row, reservation, true);
        await database.dataSource.getRepository(SatRequest).update({ id: row.id }, { finishedAt: now });
        return reservation;
      };
      expect(await send()).toMatchObject({ kind: 'send' });
      expect(await send()).toMatchObject({ kind: 'send' });
      expect(await send()).toMatchObject({ kind: 'refused', codigo: 'DM-9030' });
    });

    it('gives the count back when SAT did not count a send, and sends a part whose answer was lost one second wider', async () => {
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
      await guard.settle(refusedBySat, taken, false);
      expect((await reload(refusedBySat)).criteriaKey).toBeNull();

      // A lost answer: SAT may have accepted, so the count stays, and the part is never sent as it was
      // again (that could spend SAT's second request blindly): the resend goes one second wider.
      const unanswered = await request(3);
      const firstTry = await guard.reserve(unanswered, solicitud);
      await guard.settle(unanswered, firstTry, true);
      expect(await uses(unanswered)).toBe(1);
      const resend = await guard.reserve(await reload(unanswered), solicitud);
      expect(resend).toMatchObject({ kind: 'send', widenedSeconds: 1 });
      const [usage] = await database.dataSource.query<{ veces: number }[]>(
        `SELECT veces FROM sat_criteria_usage WHERE criteria_key = $1`,
        [firstTry.kind === 'send' ? firstTry.key : ''],
      );
      expect(usage?.veces).toBe(1);
      expect(await uses(unanswered)).toBe(1);
    });
  });
});
