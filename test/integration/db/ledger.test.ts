import {
  claimLedgerPeriods,
  findLedgerCoverage,
  findLedgerGaps,
  lockLedgerKey,
  releaseLedgerPeriods,
  type InstantRange,
  type LedgerKey,
} from '../../../src/db';
import { ConflictError } from '../../../src/errors';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

const day = (text: string): Date => new Date(`${text}T00:00:00Z`);
const range = (start: string, end: string): InstantRange => ({ start: day(start), end: day(end) });

describe('ledger queries', () => {
  let db: TestDatabase;
  let key: LedgerKey;
  let solicitudes: string[];

  async function newSolicitud(): Promise<string> {
    const [row] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO solicitudes (tenant_id, contribuyente_id, rfc, contexto, tipo_solicitud, tipo_documento, filtros_key)
       SELECT c.tenant_id, c.id, c.rfc, 'Emitidos', 'Metadata', 'CFDI', $1 FROM contribuyentes c LIMIT 1
       RETURNING id`,
      [key.filtrosKey],
    );
    return row?.id ?? '';
  }

  beforeAll(async () => {
    db = await createTestDatabase('db_ledger');
    const [tenant] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO tenants (slug, nombre) VALUES ('acme', 'Acme') RETURNING id`,
    );
    await db.dataSource.query(`INSERT INTO contribuyentes (tenant_id, rfc) VALUES ($1, 'EKU9003173C9')`, [
      tenant?.id,
    ]);
    key = {
      tenantId: tenant?.id ?? '',
      rfc: 'EKU9003173C9',
      contexto: 'Emitidos',
      tipoSolicitud: 'Metadata',
      tipoDocumento: 'CFDI',
      filtrosKey: 'a'.repeat(64),
    };
    solicitudes = [await newSolicitud(), await newSolicitud(), await newSolicitud()];
    await claimLedgerPeriods(db.dataSource, key, [range('2024-01-01', '2024-02-01')], solicitudes[0] ?? '');
    await claimLedgerPeriods(db.dataSource, key, [range('2024-03-01', '2024-04-01')], solicitudes[1] ?? '');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('finds the covered parts of a range, clipped, with their solicitudes', async () => {
    const coverage = await findLedgerCoverage(db.dataSource, key, range('2024-01-15', '2024-03-15'));
    expect(coverage).toEqual([
      { periodo: range('2024-01-15', '2024-02-01'), solicitudId: solicitudes[0] },
      { periodo: range('2024-03-01', '2024-03-15'), solicitudId: solicitudes[1] },
    ]);
  });

  it('finds the gaps of a partly covered range, and none of a fully covered one', async () => {
    expect(await findLedgerGaps(db.dataSource, key, range('2023-12-01', '2024-05-01'))).toEqual([
      range('2023-12-01', '2024-01-01'),
      range('2024-02-01', '2024-03-01'),
      range('2024-04-01', '2024-05-01'),
    ]);
    expect(await findLedgerGaps(db.dataSource, key, range('2024-01-05', '2024-01-06'))).toEqual([]);
  });

  it('treats another filter key as a different ledger', async () => {
    const other = { ...key, filtrosKey: 'b'.repeat(64) };
    expect(await findLedgerGaps(db.dataSource, other, range('2024-01-01', '2024-02-01'))).toEqual([
      range('2024-01-01', '2024-02-01'),
    ]);
    expect(await findLedgerCoverage(db.dataSource, other, range('2024-01-01', '2024-02-01'))).toEqual([]);
  });

  it('refuses to claim an overlapping period with a transient DM-8004 conflict, but accepts adjacent ones', async () => {
    const attempt = claimLedgerPeriods(
      db.dataSource,
      key,
      [range('2024-01-20', '2024-02-10')],
      solicitudes[2] ?? '',
    );
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toMatchObject({ code: 'DM-8004', transient: true });
    await claimLedgerPeriods(db.dataSource, key, [range('2024-02-01', '2024-02-10')], solicitudes[2] ?? '');
    expect(await findLedgerGaps(db.dataSource, key, range('2024-01-01', '2024-03-01'))).toEqual([
      range('2024-02-10', '2024-03-01'),
    ]);
  });

  it('releases a solicitud’s periods so they can be requested again', async () => {
    expect(await releaseLedgerPeriods(db.dataSource, solicitudes[2] ?? '')).toBe(1);
    expect(await releaseLedgerPeriods(db.dataSource, solicitudes[2] ?? '')).toBe(0);
    expect(await findLedgerGaps(db.dataSource, key, range('2024-02-01', '2024-03-01'))).toEqual([
      range('2024-02-01', '2024-03-01'),
    ]);
    await claimLedgerPeriods(db.dataSource, key, [range('2024-02-01', '2024-03-01')], solicitudes[2] ?? '');
  });

  it('serialises concurrent registrations of one key: exactly one claims the gap', async () => {
    const contested = range('2024-06-01', '2024-07-01');
    const register = (solicitudId: string) =>
      db.dataSource.transaction(async (manager) => {
        await lockLedgerKey(manager, key);
        const gaps = await findLedgerGaps(manager, key, contested);
        await claimLedgerPeriods(manager, key, gaps, solicitudId);
        return gaps.length;
      });
    const claimed = await Promise.all([register(solicitudes[0] ?? ''), register(solicitudes[1] ?? '')]);
    expect([...claimed].sort()).toEqual([0, 1]);
  });

  it('keeps unbounded periods (a request by Uuid covers all time)', async () => {
    const uuidKey = { ...key, filtrosKey: 'c'.repeat(64) };
    await claimLedgerPeriods(db.dataSource, uuidKey, [{ start: null, end: null }], solicitudes[0] ?? '');
    expect(await findLedgerCoverage(db.dataSource, uuidKey, { start: null, end: null })).toEqual([
      { periodo: { start: null, end: null }, solicitudId: solicitudes[0] },
    ]);
    expect(await findLedgerGaps(db.dataSource, uuidKey, range('2020-01-01', '2020-01-02'))).toEqual([]);
  });
});
