import { Contribuyente, SatRequest, Solicitud, Tenant } from '../../../src/db';
import { fromMexicoWallClock } from '../../../src/services/periods/mexico-time';
import { PeriodSizer } from '../../../src/services/pipeline';
import { filtersKey } from '../../../src/services/solicitudes/ledger-key';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

/*
 * PeriodSizer's time-box on the database alone (no SAT): before SIZING_MAX_WAIT an unsized XML period
 * waits for its metadata, never past the deadline; after it, the period is cut by Mexico City day,
 * the days the index already describes planned from it with their sizes, the others one request a
 * day of unknown size; a period of a day or less is sent as it is.
 */

const RFC = 'EKU9003173C9';
const NO_FILTERS = filtersKey({ rfcContrapartes: [] });
const MAX_WAIT_SECONDS = 3 * 3600;

const mexico = (text: string): Date => fromMexicoWallClock(text);
const afterLast = (text: string): Date => new Date(mexico(text).getTime() + 1000);

describe('PeriodSizer: sizing is time-boxed', () => {
  let database: TestDatabase;
  let tenantId: string;
  let contribuyenteId: string;

  async function solicitud(
    tipoSolicitud: 'CFDI' | 'Metadata',
    estado: Solicitud['estado'],
    start: Date,
    end: Date,
  ): Promise<Solicitud> {
    return database.dataSource.getRepository(Solicitud).save({
      tenantId,
      contribuyenteId,
      rfc: RFC,
      contexto: 'Emitidos',
      tipoSolicitud,
      tipoDocumento: 'CFDI',
      fechaInicial: start,
      fechaFinal: end,
      filtros: {},
      filtrosKey: NO_FILTERS,
      estado,
    });
  }

  /** An XML part still to be sized, as registration leaves it when nothing indexed describes it. */
  async function unsizedXml(from: string, to: string): Promise<{ request: SatRequest; owner: Solicitud }> {
    const owner = await solicitud('CFDI', 'Registrada', mexico(from), afterLast(to));
    const request = await database.dataSource.getRepository(SatRequest).save({
      solicitudId: owner.id,
      parte: 1,
      periodoInicio: mexico(from),
      periodoFin: afterLast(to),
      estado: 'Pendiente',
      dimensionada: false,
    });
    return { request, owner };
  }

  function sizer(at: Date): PeriodSizer {
    return new PeriodSizer(database.dataSource, {
      caps: { maxXmlPerRequest: 60, maxMetadataPerRequest: 1000 },
      recheckInitialSeconds: 30,
      recheckMaxSeconds: 3600,
      maxWaitSeconds: MAX_WAIT_SECONDS,
      clock: () => at,
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase('sizing_time_box');
    const tenant = await database.dataSource.getRepository(Tenant).save({ slug: 't', nombre: 'T' });
    tenantId = tenant.id;
    const contribuyente = await database.dataSource.getRepository(Contribuyente).save({
      tenantId,
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
    /** A metadata solicitud of whole days and its one SAT request, in the states given. */
    const metadataAsked = async (
      estado: Solicitud['estado'],
      from: string,
      to: string,
      request: Partial<SatRequest>,
    ): Promise<void> => {
      const owner = await solicitud('Metadata', estado, mexico(from), afterLast(to));
      await database.dataSource.getRepository(SatRequest).save({
        solicitudId: owner.id,
        periodoInicio: owner.fechaInicial,
        periodoFin: owner.fechaFinal,
        ...request,
      });
    };
    // 1 and 2 August 2025 are indexed: 30 and 20 documents, their metadata request finished.
    await metadataAsked('Completada', '2025-08-01T00:00:00', '2025-08-02T23:59:59', {
      estado: 'Terminada',
      finishedAt: new Date(),
    });
    for (const [day, count] of [
      ['2025-08-01T10:00:00', 30],
      ['2025-08-02T10:00:00', 20],
    ] as const) {
      await database.dataSource.query(
        `INSERT INTO cfdi_metadata (tenant_id, rfc, uuid, rfc_emisor, rfc_receptor, fecha_emision, estatus, efecto)
         SELECT $1, $2, gen_random_uuid(), $2, 'AAA010101AAA', $3::timestamptz + make_interval(secs => g),
                'Vigente', 'I'
           FROM generate_series(1, $4::int) AS g`,
        [tenantId, RFC, mexico(day), count],
      );
    }
    // 3 to 5 August: their metadata was accepted by SAT and never came back (state 1 for days).
    await metadataAsked('EnProceso', '2025-08-03T00:00:00', '2025-08-05T23:59:59', {
      estado: 'EnProceso',
      idSolicitudSat: 'stuck-at-sat',
    });
  }, 60_000);

  afterAll(async () => {
    await database.drop();
  });

  it('waits for the metadata on its way, but never past SIZING_MAX_WAIT', async () => {
    const { request, owner } = await unsizedXml('2025-08-01T00:00:00', '2025-08-04T23:59:59');
    const deadline = request.createdAt.getTime() + MAX_WAIT_SECONDS * 1000;
    // Early on: the next look comes soon (30 s, with jitter).
    const early = await sizer(new Date(request.createdAt.getTime() + 60_000)).size(request, owner);
    expect(early.kind).toBe('wait');
    // Close to the deadline the usual wait (a tenth of the time elapsed) would overshoot it.
    const late = await sizer(new Date(deadline - 60_000)).size(request, owner);
    expect(late).toEqual({ kind: 'wait', until: new Date(deadline + 1000) });
    const reloaded = await database.dataSource.getRepository(SatRequest).findOneByOrFail({ id: request.id });
    expect(reloaded).toMatchObject({ estado: 'Pendiente', dimensionada: false });
  });

  it('past SIZING_MAX_WAIT asks by day: indexed days with their size, the others one request a day', async () => {
    const { request, owner } = await unsizedXml('2025-08-01T00:00:00', '2025-08-04T23:59:59');
    const at = new Date(request.createdAt.getTime() + MAX_WAIT_SECONDS * 1000 + 1000);
    const outcome = await sizer(at).size(request, owner);
    expect(outcome.kind).toBe('split');
    const repository = database.dataSource.getRepository(SatRequest);
    const parent = await repository.findOneByOrFail({ id: request.id });
    expect(parent).toMatchObject({ estado: 'Dividida', dimensionada: true, documentosEstimados: null });
    expect(parent.mensaje).toContain('SIZING_MAX_WAIT (3h)');
    expect(parent.mensaje).toContain('5003');
    const children = await repository.find({ where: { parentId: request.id }, order: { parte: 'ASC' } });
    expect(outcome).toEqual({ kind: 'split', children: children.map((child) => child.id) });
    expect(
      children.map((child) => [
        child.periodoInicio,
        child.periodoFin,
        child.documentosEstimados,
        child.estado,
      ]),
    ).toEqual([
      // 1 and 2 August fit in one request of 60: packed as a sized period is.
      [mexico('2025-08-01T00:00:00'), mexico('2025-08-03T00:00:00'), 50, 'Pendiente'],
      [mexico('2025-08-03T00:00:00'), mexico('2025-08-04T00:00:00'), null, 'Pendiente'],
      [mexico('2025-08-04T00:00:00'), mexico('2025-08-05T00:00:00'), null, 'Pendiente'],
    ]);
    expect(children.every((child) => child.dimensionada)).toBe(true);
    // The metadata SAT still holds is left alone: it sizes later periods when it comes.
    const [{ stuck }] = await database.dataSource.query<{ stuck: string }[]>(
      `SELECT estado AS stuck FROM sat_requests WHERE id_solicitud_sat = 'stuck-at-sat'`,
    );
    expect(stuck).toBe('EnProceso');
  });

  it('past SIZING_MAX_WAIT sends a period of one day or less as it is', async () => {
    const { request, owner } = await unsizedXml('2025-08-04T12:00:00', '2025-08-05T11:59:59');
    const at = new Date(request.createdAt.getTime() + MAX_WAIT_SECONDS * 1000 + 1000);
    expect(await sizer(at).size(request, owner)).toEqual({ kind: 'send' });
    const reloaded = await database.dataSource.getRepository(SatRequest).findOneByOrFail({ id: request.id });
    expect(reloaded).toMatchObject({ estado: 'Pendiente', dimensionada: true });
    expect(reloaded.mensaje).toContain('SIZING_MAX_WAIT');
    expect(await database.dataSource.getRepository(SatRequest).countBy({ parentId: request.id })).toBe(0);
  });
});
