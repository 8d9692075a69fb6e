import { compileFilters, compileOrder, pageWindow, type FieldCatalogue } from '../../../src/db';
import { ValidationError } from '../../../src/errors';

const fields: FieldCatalogue = {
  Rfc: { sql: 's.rfc', type: 'text', sortable: true },
  IdSolicitud: { sql: 's.id', type: 'uuid' },
  FechaRegistro: { sql: 's.created_at', type: 'timestamptz', sortable: true },
  NumeroCFDIs: { sql: 's.numero_cfdis', type: 'integer', sortable: true },
  Periodo: { sql: 'tstzrange(s.a, s.b)', type: 'period' },
};

function fieldOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
  return undefined;
}

describe('compileFilters', () => {
  it('turns conditions into parameterised SQL after the base parameters', () => {
    const compiled = compileFilters(
      fields,
      [
        { field: 'rfc', operator: 'like', value: 'EKU%' },
        {
          field: 'FechaRegistro',
          operator: 'between',
          value: '2024-01-01T00:00:00Z',
          value2: new Date('2024-02-01T00:00:00Z'),
        },
        { field: 'NumeroCFDIs', operator: 'in', value: ['1', 2] },
        {
          field: 'Periodo',
          operator: 'overlaps',
          value: '2024-01-01T00:00:00Z',
          value2: '2024-01-02T00:00:00Z',
        },
      ],
      ['tenant'],
    );
    expect(compiled.where).toBe(
      's.rfc ILIKE $2::text AND s.created_at BETWEEN $3::timestamptz AND $4::timestamptz AND ' +
        's.numero_cfdis IN ($5::integer, $6::integer) AND tstzrange(s.a, s.b) && tstzrange($7::timestamptz, $8::timestamptz)',
    );
    expect(compiled.parameters).toEqual([
      'tenant',
      'EKU%',
      '2024-01-01T00:00:00.000Z',
      '2024-02-01T00:00:00.000Z',
      1,
      2,
      '2024-01-01T00:00:00.000Z',
      '2024-01-02T00:00:00.000Z',
    ]);
    expect(compileFilters(fields, [], []).where).toBe('TRUE');
  });

  it('keeps client text out of the SQL even when it looks like SQL', () => {
    const compiled = compileFilters(
      fields,
      [{ field: 'Rfc', operator: '=', value: "x'; DROP TABLE solicitudes; --" }],
      [],
    );
    expect(compiled.where).toBe('s.rfc = $1::text');
  });

  it('names the field for unknown fields, disallowed operators and malformed values', () => {
    expect(
      fieldOf(() => compileFilters(fields, [{ field: 'Password', operator: '=', value: 'x' }], [])),
    ).toBe('Password');
    expect(
      fieldOf(() => compileFilters(fields, [{ field: 'IdSolicitud', operator: 'like', value: 'x' }], [])),
    ).toBe('IdSolicitud');
    expect(
      fieldOf(() =>
        compileFilters(fields, [{ field: 'IdSolicitud', operator: '=', value: 'not-a-uuid' }], []),
      ),
    ).toBe('IdSolicitud');
    expect(
      fieldOf(() =>
        compileFilters(fields, [{ field: 'FechaRegistro', operator: '>', value: '2024-13-45' }], []),
      ),
    ).toBe('FechaRegistro');
    expect(
      fieldOf(() => compileFilters(fields, [{ field: 'NumeroCFDIs', operator: '=', value: '12abc' }], [])),
    ).toBe('NumeroCFDIs');
    expect(
      fieldOf(() => compileFilters(fields, [{ field: 'Rfc', operator: 'between', value: 'A' }], [])),
    ).toBe('Rfc');
  });
});

describe('compileOrder and pageWindow', () => {
  it('orders by sortable fields and always ends with the tie-breaker', () => {
    expect(compileOrder(fields, [{ field: 'rfc', direction: 'ASC' }], [], 's.id')).toBe(
      's.rfc ASC NULLS LAST, s.id',
    );
    expect(compileOrder(fields, [], [{ field: 'FechaRegistro', direction: 'DESC' }], 's.id')).toBe(
      's.created_at DESC NULLS LAST, s.id',
    );
    expect(fieldOf(() => compileOrder(fields, [{ field: 'Periodo', direction: 'ASC' }], [], 's.id'))).toBe(
      'Periodo',
    );
  });

  it('leaves NULLS LAST out for NOT NULL fields, so an index in DESC order can serve the sort', () => {
    const notNull: FieldCatalogue = {
      ...fields,
      FechaRegistro: { sql: 's.created_at', type: 'timestamptz', sortable: true, notNull: true },
    };
    expect(compileOrder(notNull, [{ field: 'FechaRegistro', direction: 'DESC' }], [], 's.id')).toBe(
      's.created_at DESC, s.id',
    );
    expect(
      compileOrder(
        notNull,
        [
          { field: 'NumeroCFDIs', direction: 'DESC' },
          { field: 'FechaRegistro', direction: 'ASC' },
        ],
        [],
        's.id',
      ),
    ).toBe('s.numero_cfdis DESC NULLS LAST, s.created_at ASC, s.id');
  });

  it('validates page and size', () => {
    expect(pageWindow({ page: 3, pageSize: 50 })).toEqual({ limit: 50, offset: 100 });
    expect(fieldOf(() => pageWindow({ page: 0, pageSize: 50 }))).toBe('Pagina');
    expect(fieldOf(() => pageWindow({ page: 1, pageSize: 501 }))).toBe('TamanoPagina');
  });
});
