import { type FilterCondition, solicitudListStatements, totalFromKeptCounts } from '../../../src/db';

const TENANT = '6f1c2f4e-8a57-4c57-9a57-1d2c3b4a5f60';
const page = { page: 3, pageSize: 20 };

function totalOf(filters: FilterCondition[]): string {
  return solicitudListStatements(TENANT, { filters, page }).count;
}

describe('where a list page takes its total from', () => {
  it('reads the kept counts when nothing is filtered: the tenant’s every group', () => {
    expect(totalFromKeptCounts({ page })).toBe(true);
    expect(totalOf([])).toContain('FROM solicitud_list_counts c WHERE c.tenant_id = $1 AND TRUE');
  });

  it('reads the kept counts for the list ERPs poll: RFC, state and contexto', () => {
    const count = totalOf([
      { field: 'Rfc', operator: '=', value: 'EKU9003173C9' },
      { field: 'Estado', operator: 'in', value: ['Completada', 'Error'] },
      { field: 'Contexto', operator: '=', value: 'Emitidos' },
    ]);
    expect(count).toContain('FROM solicitud_list_counts c');
    expect(count).toContain(
      'c.rfc = $2::text AND c.estado IN ($3::text, $4::text) AND c.contexto = $5::text',
    );
  });

  it('reads the kept counts for any operator on the counted fields, named in any case', () => {
    const filters: FilterCondition[] = [
      { field: 'tiposolicitud', operator: '<>', value: 'Metadata' },
      { field: 'TIPODOCUMENTO', operator: '=', value: 'CFDI' },
      { field: ' rfc ', operator: 'like', value: 'EKU%' },
      { field: 'Estado', operator: 'between', value: 'A', value2: 'M' },
    ];
    expect(totalFromKeptCounts({ filters, page })).toBe(true);
    expect(totalOf(filters)).toContain('c.tipo_solicitud <> $2::text');
  });

  it.each<[string, FilterCondition]>([
    ['a client reference', { field: 'ReferenciaCliente', operator: '=', value: 'erp-1' }],
    ['the registration date', { field: 'FechaRegistro', operator: '>=', value: '2024-01-01T00:00:00Z' }],
    [
      'the period',
      {
        field: 'Periodo',
        operator: 'overlaps',
        value: '2024-01-01T00:00:00Z',
        value2: '2024-02-01T00:00:00Z',
      },
    ],
    ['the number of CFDI', { field: 'NumeroCFDIs', operator: '>', value: 0 }],
    ['an id', { field: 'IdSolicitud', operator: '=', value: TENANT }],
  ])('counts the matching rows when %s is filtered too', (_, other) => {
    const filters: FilterCondition[] = [{ field: 'Rfc', operator: '=', value: 'EKU9003173C9' }, other];
    expect(totalFromKeptCounts({ filters, page })).toBe(false);
    const count = totalOf(filters);
    expect(count).toContain('FROM solicitudes s WHERE s.tenant_id = $1');
    expect(count).not.toContain('solicitud_list_counts');
  });

  it('gives the kept count the page’s own parameters, and puts it in the page’s statement', () => {
    const statements = solicitudListStatements(TENANT, {
      filters: [
        { field: 'Rfc', operator: '=', value: 'eku9003173c9' },
        { field: 'Estado', operator: 'in', value: ['Completada'] },
      ],
      page,
    });
    expect(statements.parameters).toEqual([TENANT, 'eku9003173c9', 'Completada']);
    expect(statements.page).toContain(`SELECT (${statements.count}) AS list_total`);
    const placeholders = [...statements.count.matchAll(/\$(\d+)/g)].map((match) => Number(match[1]));
    expect(Math.max(...placeholders)).toBe(statements.parameters.length);
  });
});
