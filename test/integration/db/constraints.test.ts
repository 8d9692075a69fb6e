import { Contribuyente, LedgerPeriodo, Paquete, SatRequest, Solicitud, Tenant } from '../../../src/db';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

/** Postgres SQLSTATE of a failed statement (TypeORM wraps the driver error). */
async function sqlState(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    const record = error as { code?: string; driverError?: { code?: string } };
    return record.driverError?.code ?? record.code;
  }
}

describe('schema constraints', () => {
  let db: TestDatabase;
  let tenant: Tenant;
  let contribuyente: Contribuyente;
  let solicitud: Solicitud;

  beforeAll(async () => {
    db = await createTestDatabase('db_constraints');
    const manager = db.dataSource.manager;
    tenant = await manager.save(manager.create(Tenant, { slug: 'acme', nombre: 'Acme' }));
    contribuyente = await manager.save(
      manager.create(Contribuyente, { tenantId: tenant.id, rfc: 'EKU9003173C9' }),
    );
    solicitud = await manager.save(
      manager.create(Solicitud, {
        tenantId: tenant.id,
        contribuyenteId: contribuyente.id,
        rfc: 'EKU9003173C9',
        contexto: 'Recibidos',
        tipoSolicitud: 'CFDI',
        tipoDocumento: 'CFDI',
        fechaInicial: new Date('2024-01-01T06:00:00Z'),
        fechaFinal: new Date('2024-02-01T06:00:00Z'),
        filtros: { estadoComprobante: 'Vigente' },
        filtrosKey: 'f'.repeat(64),
      }),
    );
  });
  afterAll(async () => {
    await db.drop();
  });

  it('fills defaults and generated ids through the entities', async () => {
    expect(solicitud.id).toMatch(/^[0-9a-f-]{36}$/);
    const loaded = await db.dataSource.getRepository(Solicitud).findOneByOrFail({ id: solicitud.id });
    expect(loaded.estado).toBe('Registrada');
    expect(loaded.forzar).toBe(false);
    expect(loaded.filtros).toEqual({ estadoComprobante: 'Vigente' });
    expect(loaded.fechaFinal?.toISOString()).toBe('2024-02-01T06:00:00.000Z');
    expect(loaded.createdAt).toBeInstanceOf(Date);
  });

  it('stores the ledger period as a tstzrange and reads it back', async () => {
    const repo = db.dataSource.getRepository(LedgerPeriodo);
    const saved = await repo.save(
      repo.create({
        tenantId: tenant.id,
        rfc: 'EKU9003173C9',
        contexto: 'Recibidos',
        tipoSolicitud: 'CFDI',
        tipoDocumento: 'CFDI',
        filtrosKey: 'f'.repeat(64),
        periodo: { start: new Date('2024-01-01T06:00:00Z'), end: new Date('2024-02-01T06:00:00Z') },
        solicitudId: solicitud.id,
      }),
    );
    const loaded = await repo.findOneByOrFail({ id: saved.id });
    expect(loaded.periodo).toEqual({
      start: new Date('2024-01-01T06:00:00Z'),
      end: new Date('2024-02-01T06:00:00Z'),
    });
    const overlapping = repo.create({
      ...loaded,
      id: undefined,
      periodo: { start: new Date('2024-01-31T00:00:00Z'), end: new Date('2024-03-01T00:00:00Z') },
    });
    expect(await sqlState(repo.insert(overlapping))).toBe('23P01');
    // Another tipo (Metadata) is another ledger: the same period is accepted.
    expect(await sqlState(repo.insert({ ...overlapping, tipoSolicitud: 'Metadata' }))).toBeUndefined();
  });

  it('rejects unknown vocabulary and inverted periods in solicitudes', async () => {
    const base = {
      tenantId: tenant.id,
      contribuyenteId: contribuyente.id,
      rfc: 'EKU9003173C9',
      contexto: 'Emitidos' as const,
      tipoSolicitud: 'CFDI' as const,
      tipoDocumento: 'CFDI' as const,
      filtrosKey: 'f'.repeat(64),
    };
    const repo = db.dataSource.getRepository(Solicitud);
    expect(await sqlState(repo.insert({ ...base, estado: 'Terminada' as never }))).toBe('23514');
    expect(await sqlState(repo.insert({ ...base, contexto: 'Ambos' as never }))).toBe('23514');
    expect(
      await sqlState(
        repo.insert({ ...base, fechaInicial: new Date('2024-02-01'), fechaFinal: new Date('2024-01-01') }),
      ),
    ).toBe('23514');
    expect(await sqlState(repo.insert({ ...base, filtrosKey: 'not-a-hash' }))).toBe('23514');
  });

  it('keeps a client reference unique per tenant only', async () => {
    const insert = (tenantId: string) =>
      db.dataSource.query(
        `INSERT INTO registros (tenant_id, referencia_cliente, canal) VALUES ($1, 'ERP-1', 'soap')`,
        [tenantId],
      );
    await insert(tenant.id);
    expect(await sqlState(insert(tenant.id))).toBe('23505');
    const other = await db.dataSource.manager.save(
      db.dataSource.manager.create(Tenant, { slug: 'other', nombre: 'Other' }),
    );
    expect(await sqlState(insert(other.id))).toBeUndefined();
  });

  it('requires a FIEL to be complete and an RFC to be well formed', async () => {
    const repo = db.dataSource.getRepository(Contribuyente);
    expect(await sqlState(repo.insert({ tenantId: tenant.id, rfc: 'AAA010101AAA', fielSerial: '1' }))).toBe(
      '23514',
    );
    expect(await sqlState(repo.insert({ tenantId: tenant.id, rfc: 'not an rfc' }))).toBe('23514');
    expect(await sqlState(repo.insert({ tenantId: tenant.id, rfc: 'EKU9003173C9' }))).toBe('23505');
  });

  it('marks a package stored only with its object key, size and hash', async () => {
    const satRequest = await db.dataSource.manager.save(
      db.dataSource.manager.create(SatRequest, { solicitudId: solicitud.id }),
    );
    const repo = db.dataSource.getRepository(Paquete);
    const base = { tenantId: tenant.id, solicitudId: solicitud.id, satRequestId: satRequest.id };
    expect(await sqlState(repo.insert({ ...base, idPaquete: 'P_01', storedAt: new Date() }))).toBe('23514');
    expect(await sqlState(repo.insert({ ...base, idPaquete: 'P_02', sha256: 'ABC' }))).toBe('23514');
    await repo.insert({
      ...base,
      idPaquete: 'P_03',
      storedAt: new Date(),
      objectKey: 'k',
      tamano: 5_000_000_000,
      sha256: 'a'.repeat(64),
    });
    const stored = await repo.findOneByOrFail({ idPaquete: 'P_03' });
    expect(stored.tamano).toBe(5_000_000_000);
    expect(await sqlState(repo.insert({ ...base, idPaquete: 'P_03' }))).toBe('23505');
  });

  it('makes API usernames, web emails and Requestor lookups unique regardless of case', async () => {
    const addApiUser = (username: string, lookup: Buffer | null) =>
      db.dataSource.query(
        `INSERT INTO api_users (tenant_id, username, secret_hash, requestor_lookup) VALUES ($1, $2, 'h', $3)`,
        [tenant.id, username, lookup],
      );
    await addApiUser('Demo', Buffer.alloc(32, 1));
    expect(await sqlState(addApiUser('demo', null))).toBe('23505');
    expect(await sqlState(addApiUser('other', Buffer.alloc(32, 1)))).toBe('23505');
    expect(await sqlState(addApiUser('short', Buffer.alloc(8, 1)))).toBe('23514');
    const addWebUser = (email: string, role = 'user') =>
      db.dataSource.query(
        `INSERT INTO web_users (tenant_id, email, password_hash, role) VALUES ($1, $2, 'h', $3)`,
        [tenant.id, email, role],
      );
    await addWebUser('Ana@Example.com', 'admin');
    expect(await sqlState(addWebUser('ana@example.com'))).toBe('23505');
    expect(await sqlState(addWebUser('bob@example.com', 'root'))).toBe('23514');
  });
});
