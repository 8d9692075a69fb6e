import { Contribuyente, Paquete, SatRequest, Solicitud, SolicitudEstado, Tenant } from '../../../src/db';
import { NotFoundError, ValidationError } from '../../../src/errors';
import { RegistrationService, SolicitudQueryService } from '../../../src/services/solicitudes';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

const fiel = {
  rfc: 'EKU9003173C9',
  fielCertificate: Buffer.from('certificate'),
  fielKeyCiphertext: Buffer.from('sealed'),
  fielPasswordCiphertext: Buffer.from('sealed'),
  fielMasterKeyId: '0000000000000000',
  fielSerial: '30001000000500003415',
  fielValidFrom: new Date('2023-05-18T00:00:00Z'),
  fielValidTo: new Date('2027-05-17T00:00:00Z'),
};

describe('SolicitudQueryService', () => {
  let database: TestDatabase;
  let queries: SolicitudQueryService;
  let tenantId: string;
  let otherTenantId: string;
  const ids: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('queries');
    const tenants = database.dataSource.getRepository(Tenant);
    tenantId = (await tenants.save({ slug: 'a', nombre: 'A' })).id;
    otherTenantId = (await tenants.save({ slug: 'b', nombre: 'B' })).id;
    await database.dataSource.getRepository(Contribuyente).save({ tenantId, ...fiel });
    const registration = new RegistrationService(
      database.dataSource,
      { enqueue: async () => undefined },
      { settlementWindowHours: 72, clock: () => new Date('2026-11-24T18:00:00Z') },
    );
    for (const month of ['01', '02', '03']) {
      const results = await registration.register(
        { tenantId, canal: 'soap' },
        {
          rfc: fiel.rfc,
          fechaInicial: `2026-${month}-01T00:00:00`,
          fechaFinal: `2026-${month}-10T23:59:59`,
          contexto: 'Ambos',
          tipoSolicitud: 'Metadata',
        },
      );
      ids.push(...results.map((result) => result.idSolicitud as string));
    }
    queries = new SolicitudQueryService(database.dataSource);
  });

  afterAll(async () => {
    await database.drop();
  });

  it('returns the whole story of a solicitud: its SAT requests and state history', async () => {
    const detail = await queries.get(tenantId, ids[0] as string);
    expect(detail.solicitud.rfc).toBe('EKU9003173C9');
    expect(detail.satRequests).toHaveLength(1);
    expect(detail.satRequests[0]?.estado).toBe('Pendiente');
    expect(detail.historial.map((change) => change.estado)).toEqual(['Registrada']);
    expect(detail.paquetes).toEqual([]);
  });

  it('reads the record in one statement exactly as TypeORM hydrates its entities', async () => {
    const id = ids[1] as string;
    const manager = database.dataSource.manager;
    const [satRequest] = await manager.getRepository(SatRequest).findBy({ solicitudId: id });
    await manager.getRepository(SatRequest).update(satRequest?.id as string, {
      idSolicitudSat: 'f3a4c2d1-0000-4000-8000-000000000001',
      estadoSolicitud: 3,
      lastCheckedAt: new Date('2026-11-24T18:00:01.123Z'),
    });
    await manager.getRepository(Paquete).save(
      ['F3A4C2D1_02', 'F3A4C2D1_01'].map((idPaquete) => ({
        tenantId,
        solicitudId: id,
        satRequestId: satRequest?.id as string,
        idPaquete,
        objectKey: `paquetes/${idPaquete}.zip`,
        tamano: 5_000_000_000,
        sha256: 'ab'.repeat(32),
        storedAt: new Date('2026-11-24T18:00:02.5Z'),
      })),
    );
    await manager
      .getRepository(SolicitudEstado)
      .save({ solicitudId: id, estado: 'EnProceso', estadoSat: 'Aceptada' });

    const detail = await queries.get(tenantId, id);

    expect(detail).toEqual({
      solicitud: await manager.getRepository(Solicitud).findOneByOrFail({ id }),
      satRequests: await manager
        .getRepository(SatRequest)
        .find({ where: { solicitudId: id }, order: { parte: 'ASC' } }),
      paquetes: await manager
        .getRepository(Paquete)
        .find({ where: { solicitudId: id }, order: { idPaquete: 'ASC' } }),
      historial: await manager
        .getRepository(SolicitudEstado)
        .find({ where: { solicitudId: id }, order: { at: 'ASC', id: 'ASC' } }),
    });
    expect(detail.paquetes.map((paquete) => [paquete.idPaquete, paquete.tamano])).toEqual([
      ['F3A4C2D1_01', 5_000_000_000],
      ['F3A4C2D1_02', 5_000_000_000],
    ]);
    expect(detail.satRequests[0]?.lastCheckedAt).toEqual(new Date('2026-11-24T18:00:01.123Z'));
    expect(detail.historial.map((change) => change.estado)).toEqual(['Registrada', 'EnProceso']);
  });

  it('answers another tenant’s id and a malformed id exactly like a missing one', async () => {
    await expect(queries.get(otherTenantId, ids[0] as string)).rejects.toBeInstanceOf(NotFoundError);
    await expect(queries.get(tenantId, 'not-an-id')).rejects.toBeInstanceOf(NotFoundError);
    await expect(queries.get(tenantId, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'DM-9009',
    });
  });

  it('filters, sorts and pages', async () => {
    const page = await queries.list(tenantId, {
      contexto: 'Recibidos',
      estados: ['Registrada'],
      orden: { campo: 'FechaInicial', direccion: 'DESC' },
      pagina: 1,
      tamanoPagina: 2,
    });
    expect(page.total).toBe(3);
    expect(page.totalPages).toBe(2);
    expect(page.rows.map((row) => row.fechaInicial?.toISOString())).toEqual([
      '2026-03-01T06:00:00.000Z',
      '2026-02-01T06:00:00.000Z',
    ]);
    const overlapping = await queries.list(tenantId, {
      periodoDesde: '2026-02-05T00:00:00',
      periodoHasta: '2026-02-06T00:00:00',
    });
    expect(overlapping.total).toBe(2);
    expect((await queries.list(otherTenantId, {})).total).toBe(0);
  });

  it('names the field of a bad filter or sort', async () => {
    await expect(queries.list(tenantId, { registradaDesde: 'ayer' })).rejects.toMatchObject({
      code: 'DM-9002',
      field: 'RegistradaDesde',
    });
    await expect(queries.list(tenantId, { orden: { campo: 'Password' } })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
