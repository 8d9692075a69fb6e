import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Queryable } from '../../../src/db/queries/ledger';
import { countMetadataByBucket } from '../../../src/db/queries/quota-planning';
import { readReconciliationSide } from '../../../src/db/queries/reconciliation';
import { storedRowsInWindowQuery } from '../../../src/services/pipeline/metadata-loader';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

/*
 * cfdi_metadata keeps one secondary index (tenant, RFC, date, then both sides) so that a million-row
 * load maintains two indexes instead of four. Every query that reads it by RFC must still find its
 * rows through that index, with its side (rfc_emisor or rfc_receptor equal to the RFC) checked inside
 * the index rather than on each heap row of the other side.
 */

const INDEX = 'cfdi_metadata_rfc_fecha_sides_idx';
const RFCS = ['AAA010101AAA', 'BBB020202BBB', 'CCC030303CCC'];

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Index Cond'?: string;
  readonly Filter?: string;
  readonly Plans?: readonly PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** Runs each statement as asked, after recording its plan for the same parameters. */
function explaining(dataSource: DataSource, plans: PlanNode[]): Queryable {
  return {
    async query<T>(sql: string, parameters: unknown[] = []): Promise<T> {
      const [row] = await dataSource.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }[]>(
        `EXPLAIN (FORMAT JSON) ${sql}`,
        parameters,
      );
      const plan = row?.['QUERY PLAN'][0]?.Plan;
      if (plan) plans.push(plan);
      return dataSource.query<T>(sql, parameters);
    },
  };
}

/**
 * How a plan reads cfdi_metadata: its index scans, and the bitmap index scans under its bitmap heap
 * scans (a sequential scan shows as a node without an index name).
 */
function metadataScans(plan: PlanNode): PlanNode[] {
  return nodes(plan).flatMap((node) => {
    if (node['Relation Name'] !== 'cfdi_metadata') return [];
    if (node['Node Type'] !== 'Bitmap Heap Scan') return [node];
    return nodes(node).filter((child) => child['Node Type'] === 'Bitmap Index Scan');
  });
}

describe('cfdi_metadata read by RFC through its one secondary index', () => {
  let database: TestDatabase;
  const tenantId = randomUUID();
  const rfc = RFCS[0] ?? '';

  beforeAll(async () => {
    database = await createTestDatabase('cfdi_metadata_plans');
    // A year of three RFCs of one tenant, both sides, one row an hour per RFC and side (about 52,000).
    await database.dataSource.query(
      `INSERT INTO cfdi_metadata (tenant_id, rfc, uuid, rfc_emisor, rfc_receptor, fecha_emision, estatus)
       SELECT $1, r.rfc, gen_random_uuid(),
              CASE WHEN side THEN r.rfc ELSE 'E' || lpad((h % 500)::text, 11, '0') END,
              CASE WHEN side THEN 'R' || lpad((h % 500)::text, 11, '0') ELSE r.rfc END,
              timestamptz '2024-01-01T06:00:00Z' + h * interval '1 hour' + (CASE WHEN side THEN 0 ELSE 30 END) * interval '1 minute',
              'Vigente'
         FROM unnest($2::text[]) AS r(rfc), generate_series(0, 366 * 24 - 1) AS h, unnest(ARRAY[true, false]) AS side`,
      [tenantId, RFCS],
    );
    await database.dataSource.query('VACUUM ANALYZE cfdi_metadata');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('has the primary key and that one index, nothing else to maintain on every load', async () => {
    const rows = await database.dataSource.query<{ indexname: string }[]>(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'cfdi_metadata' ORDER BY indexname`,
    );
    expect(rows.map((row) => row.indexname)).toEqual(['cfdi_metadata_pkey', INDEX]);
  });

  it("the load's probe checks the package's side inside the index", async () => {
    for (const contexto of ['Emitidos', 'Recibidos'] as const) {
      const { text, values } = storedRowsInWindowQuery({
        tenantId,
        rfc,
        tipoDocumento: 'CFDI',
        paqueteId: randomUUID(),
        contexto,
        from: new Date('2024-03-01T06:00:00Z'),
        to: new Date('2024-04-01T06:00:00Z'),
      });
      const plans: PlanNode[] = [];
      await explaining(database.dataSource, plans).query(text, values);
      const [scan, ...others] = plans.flatMap(metadataScans);
      expect(others).toEqual([]);
      expect(scan?.['Index Name']).toBe(INDEX);
      expect(scan?.['Index Cond']).toContain(contexto === 'Emitidos' ? 'rfc_emisor' : 'rfc_receptor');
      expect(scan?.Filter ?? '').not.toMatch(/rfc_(emisor|receptor)/);
    }
  });

  it('quota planning counts one side of a month from the index', async () => {
    const plans: PlanNode[] = [];
    const buckets = await countMetadataByBucket(
      explaining(database.dataSource, plans),
      { tenantId, rfc, tipoDocumento: 'CFDI', contexto: 'Recibidos', rfcContrapartes: [] },
      { start: new Date('2024-03-01T06:00:00Z'), end: new Date('2024-04-01T06:00:00Z') },
      'hour',
    );
    expect(buckets.reduce((sum, bucket) => sum + bucket.total, 0)).toBe(31 * 24);
    const scans = plans.flatMap(metadataScans);
    expect(scans.map((scan) => scan['Index Name'])).toEqual([INDEX]);
    expect(scans[0]?.['Index Cond']).toContain('rfc_receptor');
  });

  it('reconciliation reads one side from the index, and both sides from its prefix', async () => {
    const after = { fechaEmision: new Date('2024-05-10T00:00:00Z'), uuid: randomUUID() };
    const scope = (contexto: 'Emitidos' | 'Recibidos' | 'Ambos') => ({
      tenantId,
      rfc,
      contexto,
      start: new Date('2024-05-01T06:00:00Z'),
      end: new Date('2024-06-01T06:00:00Z'),
    });
    for (const contexto of ['Emitidos', 'Ambos'] as const) {
      const plans: PlanNode[] = [];
      const rows = await readReconciliationSide(
        explaining(database.dataSource, plans),
        scope(contexto),
        'metadata',
        ['SinXml'],
        100,
        after,
      );
      expect(rows).toHaveLength(100);
      expect(rows.every((row) => row.fechaEmision >= after.fechaEmision)).toBe(true);
      const scans = plans.flatMap(metadataScans);
      expect(scans.map((scan) => scan['Index Name'])).toEqual([INDEX]);
      if (contexto === 'Emitidos') expect(scans[0]?.['Index Cond']).toContain('rfc_emisor');
    }
  });
});
