import {
  ActiveApiUsers,
  type FilterCondition,
  findActiveApiUserByUsername,
  findPaquete,
  findSolicitud,
  listSolicitudes,
  searchCfdi,
  Solicitud,
  solicitudListStatements,
} from '../../../src/db';
import { ValidationError } from '../../../src/errors';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

describe('named queries', () => {
  let db: TestDatabase;
  let tenantA: string;
  let tenantB: string;
  const solicitudIds: string[] = [];

  async function insert<T>(sql: string, parameters: unknown[]): Promise<T> {
    const rows = await db.dataSource.query<T[]>(sql, parameters);
    return rows[0] as T;
  }

  beforeAll(async () => {
    db = await createTestDatabase('db_named_queries');
    tenantA = (
      await insert<{ id: string }>(`INSERT INTO tenants (slug, nombre) VALUES ('a', 'A') RETURNING id`, [])
    ).id;
    tenantB = (
      await insert<{ id: string }>(`INSERT INTO tenants (slug, nombre) VALUES ('b', 'B') RETURNING id`, [])
    ).id;
    for (const tenant of [tenantA, tenantB]) {
      await db.dataSource.query(
        `INSERT INTO contribuyentes (tenant_id, rfc) VALUES ($1, 'EKU9003173C9'), ($1, 'AAA010101AAA')`,
        [tenant],
      );
    }
    // Tenant A: 12 solicitudes, registered one minute apart, alternating RFC and contexto.
    for (let i = 0; i < 12; i += 1) {
      const rfc = i % 2 === 0 ? 'EKU9003173C9' : 'AAA010101AAA';
      const row = await insert<{ id: string }>(
        `INSERT INTO solicitudes (tenant_id, contribuyente_id, rfc, contexto, tipo_solicitud, tipo_documento,
            fecha_inicial, fecha_final, filtros_key, estado, numero_cfdis, created_at)
         SELECT $1, c.id, c.rfc, $3, 'CFDI', 'CFDI', $4::timestamptz, $4::timestamptz + interval '1 month', repeat('a', 64),
            $5, $6, timestamptz '2024-06-01T00:00:00Z' + $7 * interval '1 minute'
           FROM contribuyentes c WHERE c.tenant_id = $1 AND c.rfc = $2 RETURNING id`,
        [
          tenantA,
          rfc,
          i % 3 === 0 ? 'Recibidos' : 'Emitidos',
          `2024-${String((i % 6) + 1).padStart(2, '0')}-01T06:00:00Z`,
          i < 4 ? 'Completada' : 'Registrada',
          i,
          i,
        ],
      );
      solicitudIds.push(row.id);
    }
    await insert(
      `INSERT INTO solicitudes (tenant_id, contribuyente_id, rfc, contexto, tipo_solicitud, tipo_documento, filtros_key)
       SELECT $1, c.id, c.rfc, 'Emitidos', 'CFDI', 'CFDI', repeat('a', 64) FROM contribuyentes c WHERE c.tenant_id = $1 LIMIT 1 RETURNING id`,
      [tenantB],
    );
  });
  afterAll(async () => {
    await db.drop();
  });

  it('pages a tenant’s solicitudes newest first, with totals', async () => {
    const page1 = await listSolicitudes(db.dataSource, tenantA, { page: { page: 1, pageSize: 5 } });
    expect(page1.total).toBe(12);
    expect(page1.totalPages).toBe(3);
    expect(page1.rows.map((row) => row.id)).toEqual([...solicitudIds].reverse().slice(0, 5));
    const page3 = await listSolicitudes(db.dataSource, tenantA, { page: { page: 3, pageSize: 5 } });
    expect(page3.rows.map((row) => row.id)).toEqual([solicitudIds[1], solicitudIds[0]]);
  });

  it('reads a list row exactly as TypeORM hydrates the same columns, and only what a list shows', async () => {
    const id = solicitudIds[11] ?? '';
    await db.dataSource.query(
      `UPDATE solicitudes SET estado_sat = 'Terminada', referencia_cliente = 'erp-7', filtros = '{"uuid": "x"}',
         paquetes_total = 3, paquetes_almacenados = 2, updated_at = now() WHERE id = $1`,
      [id],
    );
    try {
      const [row] = (await listSolicitudes(db.dataSource, tenantA, { page: { page: 1, pageSize: 1 } })).rows;
      expect(row?.id).toBe(id);
      const entity = await db.dataSource.getRepository(Solicitud).findOneByOrFail({ id });
      const shown = Object.keys(row ?? {});
      expect(row).toEqual(Object.fromEntries(shown.map((key) => [key, entity[key as keyof Solicitud]])));
      // Every value non-null: a column missing from the page's JSON would read as null and differ.
      expect(Object.values(row ?? {}).filter((value) => value === null)).toEqual([]);
      expect(shown).not.toContain('tenantId');
      expect(shown).not.toContain('filtrosKey');
    } finally {
      await db.dataSource.query(
        `UPDATE solicitudes SET estado_sat = NULL, referencia_cliente = NULL, filtros = '{}',
           paquetes_total = 0, paquetes_almacenados = 0 WHERE id = $1`,
        [id],
      );
    }
  });

  it('filters and sorts by whitelisted fields', async () => {
    const result = await listSolicitudes(db.dataSource, tenantA, {
      filters: [
        { field: 'Rfc', operator: '=', value: 'EKU9003173C9' },
        { field: 'Estado', operator: '<>', value: 'Completada' },
      ],
      order: [{ field: 'NumeroCFDIs', direction: 'ASC' }],
      page: { page: 1, pageSize: 50 },
    });
    expect(result.rows.map((row) => row.numeroCfdis)).toEqual([4, 6, 8, 10]);
    const overlapping = await listSolicitudes(db.dataSource, tenantA, {
      filters: [
        {
          field: 'Periodo',
          operator: 'overlaps',
          value: '2024-03-15T00:00:00Z',
          value2: '2024-03-16T00:00:00Z',
        },
      ],
      page: { page: 1, pageSize: 50 },
    });
    // Periods start on month (i % 6) + 1; March is i = 2 and i = 8.
    expect(overlapping.rows.map((row) => row.numeroCfdis).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([
      2, 8,
    ]);
  });

  interface PlanNode {
    'Node Type': string;
    'Index Name'?: string;
    Plans?: PlanNode[];
  }

  /** The plan of one statement with the table's size priced out (sorting and whole-table reads disabled). */
  async function planOf(sql: string, parameters: readonly unknown[]): Promise<PlanNode> {
    const runner = db.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query('SET LOCAL enable_sort = off');
      await runner.query('SET LOCAL enable_seqscan = off');
      await runner.query('SET LOCAL enable_bitmapscan = off');
      const [row] = (await runner.query(`EXPLAIN (FORMAT JSON) ${sql}`, [...parameters])) as {
        'QUERY PLAN': [{ Plan: PlanNode }];
      }[];
      return row?.['QUERY PLAN'][0].Plan as PlanNode;
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }

  const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];
  const describe = (node: PlanNode): string[] =>
    nodesOf(node).map((item) => `${item['Node Type']}${item['Index Name'] ? ` ${item['Index Name']}` : ''}`);

  it('reads the default newest-first order from an index instead of sorting every matching row', async () => {
    // A Sort under the page's Limit means no index can give the order (as with `created_at DESC NULLS
    // LAST`) and every matching row is sorted; sorting the page's own rows after the Limit is fine.
    const filterSets: FilterCondition[][] = [
      [],
      [{ field: 'Rfc', operator: '=', value: 'EKU9003173C9' }],
      [{ field: 'Estado', operator: 'in', value: ['Completada', 'Registrada'] }],
      [
        { field: 'Rfc', operator: '=', value: 'EKU9003173C9' },
        { field: 'Estado', operator: 'in', value: ['Completada'] },
        { field: 'Contexto', operator: '=', value: 'Emitidos' },
      ],
    ];
    for (const filters of filterSets) {
      const statements = solicitudListStatements(tenantA, { filters, page: { page: 2, pageSize: 5 } });
      const limit = nodesOf(await planOf(statements.page, statements.parameters)).find(
        (node) => node['Node Type'] === 'Limit',
      );
      expect(limit).toBeDefined();
      const window = describe(limit as PlanNode);
      expect(window).not.toContain('Sort');
      expect(window.join('\n')).toMatch(/Index (Only )?Scan solicitudes_tenant_/);
    }
  });

  it('counts an RFC-and-state list with a date (no kept count) from the index alone, without reading the rows', async () => {
    const statements = solicitudListStatements(tenantA, {
      filters: [
        { field: 'Rfc', operator: '=', value: 'EKU9003173C9' },
        { field: 'Estado', operator: 'in', value: ['Completada'] },
        { field: 'Contexto', operator: '=', value: 'Emitidos' },
        { field: 'TipoSolicitud', operator: '=', value: 'CFDI' },
        { field: 'FechaRegistro', operator: '>=', value: '2024-06-01T00:00:00Z' },
      ],
      page: { page: 1, pageSize: 50 },
    });
    expect(describe(await planOf(statements.count, statements.parameters))).toContain(
      'Index Only Scan solicitudes_tenant_rfc_estado_created_idx',
    );
  });

  it('answers a page past the end with no rows and the exact total', async () => {
    const beyond = await listSolicitudes(db.dataSource, tenantA, { page: { page: 9, pageSize: 5 } });
    expect(beyond.rows).toEqual([]);
    expect(beyond.total).toBe(12);
  });

  it('answers a bad field as a validation error, never as SQL', async () => {
    await expect(
      listSolicitudes(db.dataSource, tenantA, {
        filters: [{ field: 'tenant_id', operator: '=', value: tenantB }],
        page: { page: 1, pageSize: 5 },
      }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('never shows another tenant’s solicitud, and treats a malformed id as missing', async () => {
    expect((await listSolicitudes(db.dataSource, tenantB, { page: { page: 1, pageSize: 50 } })).total).toBe(
      1,
    );
    expect(await findSolicitud(db.dataSource.manager, tenantA, solicitudIds[0] ?? '')).not.toBeNull();
    expect(await findSolicitud(db.dataSource.manager, tenantB, solicitudIds[0] ?? '')).toBeNull();
    expect(await findSolicitud(db.dataSource.manager, tenantA, "1' OR '1'='1")).toBeNull();
    expect(await findPaquete(db.dataSource.manager, tenantA, 'nope', 'X_01')).toBeNull();
  });

  it('finds active API users by username (any case) and by Requestor lookup key, not revoked ones', async () => {
    const lookup = Buffer.alloc(32, 7);
    await db.dataSource.query(
      `INSERT INTO api_users (tenant_id, username, secret_hash, requestor_lookup) VALUES ($1, 'Demo', 'h', $2), ($1, 'gone', 'h', NULL)`,
      [tenantA, lookup],
    );
    await db.dataSource.query(`UPDATE api_users SET revoked_at = now() WHERE username = 'gone'`);
    expect((await findActiveApiUserByUsername(db.dataSource.manager, 'DEMO'))?.tenantId).toBe(tenantA);
    expect(await findActiveApiUserByUsername(db.dataSource.manager, 'gone')).toBeNull();
    const active = new ActiveApiUsers(db.dataSource);
    expect(await active.byUsername('DEMO')).toEqual(
      await findActiveApiUserByUsername(db.dataSource.manager, 'DEMO'),
    );
    expect(await active.byUsername('gone')).toBeNull();
    expect((await active.byRequestor(lookup))?.username).toBe('Demo');
    expect(await active.byRequestor(Buffer.alloc(32, 8))).toBeNull();
  });

  it('searches CFDI known by metadata, by XML, or both', async () => {
    const [solicitud] = solicitudIds;
    const satRequest = await insert<{ id: string }>(
      `INSERT INTO sat_requests (solicitud_id) VALUES ($1) RETURNING id`,
      [solicitud],
    );
    const paquete = await insert<{ id: string }>(
      `INSERT INTO paquetes (tenant_id, solicitud_id, sat_request_id, id_paquete) VALUES ($1, $2, $3, 'P_01') RETURNING id`,
      [tenantA, solicitud, satRequest.id],
    );
    const both = '11111111-1111-4111-8111-111111111111';
    const metadataOnly = '22222222-2222-4222-8222-222222222222';
    const xmlOnly = '33333333-3333-4333-8333-333333333333';
    for (const [uuid, estatus, day] of [
      [both, 'Vigente', '10'],
      [metadataOnly, 'Cancelado', '11'],
    ] as const) {
      await db.dataSource.query(
        `INSERT INTO cfdi_metadata (tenant_id, rfc, uuid, rfc_emisor, nombre_emisor, rfc_receptor, fecha_emision, monto, efecto, estatus)
         VALUES ($1, 'EKU9003173C9', $2, 'EKU9003173C9', 'ESCUELA KEMPER URGATE', 'AAA010101AAA', $3, '100.50', 'I', $4)`,
        [tenantA, uuid, `2024-01-${day}T12:00:00Z`, estatus],
      );
    }
    for (const uuid of [both, xmlOnly]) {
      await db.dataSource.query(
        `INSERT INTO cfdi_documents (tenant_id, rfc, uuid, version, rfc_emisor, rfc_receptor, fecha, total, paquete_id, entry_name)
         VALUES ($1, 'EKU9003173C9', $2, '4.0', 'EKU9003173C9', 'AAA010101AAA', '2024-01-12T12:00:00Z', '7.25', $3, $4)`,
        [tenantA, uuid, paquete.id, `${uuid}.xml`],
      );
    }
    const all = await searchCfdi(db.dataSource, tenantA, { page: { page: 1, pageSize: 10 } });
    expect(all.total).toBe(3);
    expect(all.rows.map((row) => row.uuid)).toEqual([xmlOnly, metadataOnly, both]);
    expect(all.rows[2]).toMatchObject({
      estatus: 'Vigente',
      monto: '100.500000',
      entryName: `${both}.xml`,
      version: '4.0',
    });

    const held = await searchCfdi(db.dataSource, tenantA, {
      filters: [
        { field: 'TieneXml', operator: '=', value: true },
        { field: 'Estatus', operator: '=', value: 'Vigente' },
      ],
      page: { page: 1, pageSize: 10 },
    });
    expect(held.rows.map((row) => row.uuid)).toEqual([both]);
    const byName = await searchCfdi(db.dataSource, tenantA, {
      filters: [{ field: 'NombreEmisor', operator: 'like', value: '%kemper%' }],
      order: [{ field: 'FechaEmision', direction: 'ASC' }],
      page: { page: 1, pageSize: 10 },
    });
    expect(byName.rows.map((row) => row.uuid)).toEqual([both, metadataOnly]);
    expect((await searchCfdi(db.dataSource, tenantB, { page: { page: 1, pageSize: 10 } })).total).toBe(0);
  });
});
