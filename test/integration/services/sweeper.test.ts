import { Contribuyente, SatRequest, Tenant } from '../../../src/db';
import { SOLICITAR_JOB, findOverdueWork } from '../../../src/services/pipeline';
import { RegistrationService } from '../../../src/services/solicitudes';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

describe('findOverdueWork', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('sweeper');
  });

  afterAll(async () => {
    await database.drop();
  });

  it('finds SAT requests whose next step is overdue, and only those', async () => {
    const tenant = await database.dataSource.getRepository(Tenant).save({ slug: 's', nombre: 'S' });
    await database.dataSource.getRepository(Contribuyente).save({
      tenantId: tenant.id,
      rfc: 'EKU9003173C9',
      fielCertificate: Buffer.from('c'),
      fielKeyCiphertext: Buffer.from('k'),
      fielPasswordCiphertext: Buffer.from('p'),
      fielMasterKeyId: '0000000000000000',
      fielSerial: '1',
      fielValidFrom: new Date('2023-01-01T00:00:00Z'),
      fielValidTo: new Date('2099-01-01T00:00:00Z'),
    });
    // Registered "an hour ago" and never scheduled: exactly what a crash after commit leaves behind.
    const anHourAgo = new Date(Date.now() - 3_600_000);
    const registration = new RegistrationService(
      database.dataSource,
      { enqueue: async () => undefined },
      {
        settlementWindowHours: 0,
        clock: () => anHourAgo,
      },
    );
    const [result] = await registration.register(
      { tenantId: tenant.id, canal: 'soap' },
      {
        rfc: 'EKU9003173C9',
        fechaInicial: '2025-01-01T00:00:00',
        fechaFinal: '2025-01-31T23:59:59',
        contexto: 'Emitidos',
        // Metadata: an XML period would also get the metadata solicitud that sizes it.
        tipoSolicitud: 'Metadata',
      },
    );
    const overdue = await findOverdueWork(database.dataSource, 60);
    const [request] = await database.dataSource
      .getRepository(SatRequest)
      .findBy({ solicitudId: result?.idSolicitud ?? '' });
    expect(overdue).toEqual([expect.objectContaining({ name: SOLICITAR_JOB, key: request?.id })]);

    await database.dataSource
      .getRepository(SatRequest)
      .update({ id: request?.id }, { nextCheckAt: new Date() });
    expect(await findOverdueWork(database.dataSource, 60)).toEqual([]);
    await database.dataSource
      .getRepository(SatRequest)
      .update({ id: request?.id }, { nextCheckAt: anHourAgo, estado: 'Terminada' });
    expect(await findOverdueWork(database.dataSource, 60)).toEqual([]);
  });
});
