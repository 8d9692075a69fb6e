import { Contribuyente, SatRequest, Solicitud, Tenant } from '../../../src/db';
import { ConflictError, ValidationError } from '../../../src/errors';
import {
  RegistrationService,
  SOLICITAR_JOB,
  type RegistrationCaller,
} from '../../../src/services/solicitudes/registration-service';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { RecordingQueue } from '../../helpers/recording-queue';

const now = new Date('2026-11-24T18:00:00Z');

/** A complete (if not decryptable) FIEL: registration only checks that one is there and valid. */
const fielColumns = {
  fielCertificate: Buffer.from('certificate'),
  fielKeyCiphertext: Buffer.from('sealed'),
  fielPasswordCiphertext: Buffer.from('sealed'),
  fielMasterKeyId: '0000000000000000',
  fielSerial: '30001000000500003415',
  fielValidFrom: new Date('2023-05-18T00:00:00Z'),
  fielValidTo: new Date('2027-05-17T00:00:00Z'),
};

describe('RegistrationService', () => {
  let database: TestDatabase;
  let queue: RecordingQueue;
  let service: RegistrationService;
  let caller: RegistrationCaller;

  beforeAll(async () => {
    database = await createTestDatabase('registration');
    const tenant = await database.dataSource.getRepository(Tenant).save({ slug: 'acme', nombre: 'Acme' });
    await database.dataSource.getRepository(Contribuyente).save({
      tenantId: tenant.id,
      rfc: 'EKU9003173C9',
      ...fielColumns,
    });
    caller = { tenantId: tenant.id, canal: 'soap' };
  });

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

  const january = {
    rfc: 'EKU9003173C9',
    fechaInicial: '2026-01-01T00:00:00',
    fechaFinal: '2026-01-31T23:59:59',
  };

  it('fans out Ambos into one solicitud per combination and schedules each SAT request', async () => {
    const results = await service.register(caller, { ...january, contexto: 'Ambos', tipoSolicitud: 'Ambos' });
    expect(results.map((r) => [r.contexto, r.tipoSolicitud, r.estado])).toEqual([
      ['Emitidos', 'Metadata', 'Registrada'],
      ['Emitidos', 'CFDI', 'Registrada'],
      ['Recibidos', 'Metadata', 'Registrada'],
      ['Recibidos', 'CFDI', 'Registrada'],
    ]);
    expect(queue.enqueued).toHaveLength(4);
    expect(new Set(queue.enqueued.map((job) => job.name))).toEqual(new Set([SOLICITAR_JOB]));
    const receivedXml = await database.dataSource
      .getRepository(Solicitud)
      .findOneByOrFail({ id: results[3]?.idSolicitud ?? '' });
    expect(receivedXml.filtros).toEqual({ estadoComprobante: 'Vigente' });
  });

  it('answers Duplicada, with the covering solicitudes, for a period already requested', async () => {
    const first = await service.register(caller, {
      ...january,
      contexto: 'Emitidos',
      tipoSolicitud: 'Metadata',
    });
    expect(first[0]?.estado).toBe('Duplicada');
    expect(first[0]?.idsSolicitudExistentes).toHaveLength(1);
    expect(queue.enqueued).toHaveLength(0);
  });

  it('requests only the gaps of a partly covered period', async () => {
    const results = await service.register(caller, {
      rfc: 'EKU9003173C9',
      fechaInicial: '2025-12-15T00:00:00',
      fechaFinal: '2026-02-10T23:59:59',
      contexto: 'Emitidos',
      tipoSolicitud: 'Metadata',
    });
    expect(results[0]?.estado).toBe('Registrada');
    expect(results[0]?.periodosSolicitados).toEqual([
      { inicio: '2025-12-15T06:00:00.000Z', fin: '2026-01-01T06:00:00.000Z' },
      { inicio: '2026-02-01T06:00:00.000Z', fin: '2026-02-11T06:00:00.000Z' },
    ]);
    const parts = await database.dataSource
      .getRepository(SatRequest)
      .findBy({ solicitudId: results[0]?.idSolicitud ?? '' });
    expect(parts).toHaveLength(2);
  });

  it('always requests again what falls inside the settlement window, and everything with Forzar', async () => {
    const recent = {
      rfc: 'EKU9003173C9',
      fechaInicial: '2026-11-20T00:00:00',
      fechaFinal: '2026-11-24T10:00:00',
    };
    const first = await service.register(caller, { ...recent, contexto: 'Emitidos', tipoSolicitud: 'CFDI' });
    const second = await service.register(caller, { ...recent, contexto: 'Emitidos', tipoSolicitud: 'CFDI' });
    expect(first[0]?.estado).toBe('Registrada');
    expect(second[0]?.estado).toBe('Registrada');
    // 2026-11-21T18:00Z is "now" minus 72 h: only the part after it is repeated.
    expect(second[0]?.periodosSolicitados).toEqual([
      { inicio: '2026-11-21T18:00:00.000Z', fin: '2026-11-24T16:00:01.000Z' },
    ]);
    const forced = await service.register(caller, {
      ...january,
      contexto: 'Emitidos',
      tipoSolicitud: 'Metadata',
      forzar: true,
    });
    expect(forced[0]?.estado).toBe('Registrada');
    expect(forced[0]?.periodosSolicitados).toEqual([
      { inicio: '2026-01-01T06:00:00.000Z', fin: '2026-02-01T06:00:00.000Z' },
    ]);
  });

  it('is idempotent per ReferenciaCliente and refuses a reference reused with other parameters', async () => {
    const request = {
      ...january,
      contexto: 'Recibidos',
      tipoSolicitud: 'Metadata',
      tipoDocumento: 'Retenciones',
      referenciaCliente: 'erp-42',
    };
    const first = await service.register(caller, request);
    const again = await service.register(caller, request);
    expect(again).toEqual(first);
    expect(queue.enqueued).toHaveLength(1);
    await expect(service.register(caller, { ...request, tipoSolicitud: 'CFDI' })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('rejects an RFC without a FIEL in the tenant and validates before any work', async () => {
    const results = await service.register(caller, {
      ...january,
      rfc: 'AAA010101AAA',
      contexto: 'Emitidos',
      tipoSolicitud: 'CFDI',
    });
    expect(results[0]).toMatchObject({ estado: 'Rechazada', codigo: 'DM-9011', idSolicitud: null });
    await expect(
      service.register(caller, { ...january, contexto: 'Nadie', tipoSolicitud: 'CFDI' }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(queue.enqueued).toHaveLength(0);
  });

  it('keeps tenants apart: another tenant registering the same period is not Duplicada', async () => {
    const other = await database.dataSource.getRepository(Tenant).save({ slug: 'other', nombre: 'Other' });
    await database.dataSource.getRepository(Contribuyente).save({
      tenantId: other.id,
      rfc: 'EKU9003173C9',
      ...fielColumns,
    });
    const results = await service.register(
      { tenantId: other.id, canal: 'soap' },
      { ...january, contexto: 'Emitidos', tipoSolicitud: 'Metadata' },
    );
    expect(results[0]?.estado).toBe('Registrada');
  });
});
