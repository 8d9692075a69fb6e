import { ValidationError } from '../../../src/errors';
import { cfdiFilters } from '../../../src/services/cfdi/cfdi-criteria';
import { listFilters } from '../../../src/services/solicitudes/solicitud-query-service';

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('inverted ranges in list and search criteria', () => {
  it.each([
    [{ periodoDesde: '2026-02-01T00:00:00', periodoHasta: '2026-01-31T23:59:59' }, 'PeriodoDesde'],
    [{ registradaDesde: '2026-02-01T00:00:00', registradaHasta: '2026-01-01T00:00:00' }, 'RegistradaDesde'],
  ])('refuses %o with DM-9051 naming %s', (criteria, field) => {
    const error = refusal(() => listFilters(criteria));
    expect(error.code).toBe('DM-9051');
    expect(error.field).toBe(field);
    expect(error.kind).toBe('validation');
  });

  it('keeps equal bounds and open sides (one instant; unbounded)', () => {
    const instant = '2026-02-01T00:00:00';
    expect(listFilters({ periodoDesde: instant, periodoHasta: instant })).toEqual([
      {
        field: 'Periodo',
        operator: 'overlaps',
        value: new Date('2026-02-01T06:00:00Z'),
        value2: new Date('2026-02-01T06:00:01Z'),
      },
    ]);
    // An open end Postgres can read (JavaScript's last date, +275760-09-13, it cannot).
    expect(listFilters({ periodoDesde: instant })).toEqual([
      expect.objectContaining({ value2: new Date('9999-12-31T23:59:59Z') }),
    ]);
    expect(listFilters({ periodoHasta: instant })).toHaveLength(1);
  });

  it('names the date, not the order, when a bound is unreadable', () => {
    const error = refusal(() => listFilters({ periodoDesde: 'ayer', periodoHasta: '2026-01-01T00:00:00' }));
    expect(error.code).toBe('DM-9002');
    expect(error.field).toBe('PeriodoDesde');
  });

  it('refuses FechaDesde later than FechaHasta in a CFDI search', () => {
    const error = refusal(() =>
      cfdiFilters({ fechaDesde: '2026-02-01T00:00:00', fechaHasta: '2026-01-31T23:59:59' }),
    );
    expect(error.code).toBe('DM-9051');
    expect(error.field).toBe('FechaDesde');
    expect(
      cfdiFilters({ fechaDesde: '2026-01-31T23:59:59', fechaHasta: '2026-01-31T23:59:59' }),
    ).toHaveLength(2);
  });
});
