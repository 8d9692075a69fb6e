import { ValidationError } from '../../../src/errors';
import { validateQuery, type SatQueryParameters } from '../../../src/sat';

const now = new Date('2026-11-24T18:00:00Z');
const base: SatQueryParameters = {
  contexto: 'Emitidos',
  tipoSolicitud: 'CFDI',
  fechaInicial: '2026-01-01T00:00:00',
  fechaFinal: '2026-01-31T23:59:59',
  rfcContrapartes: [],
};

function refusal(parameters: Partial<SatQueryParameters>, servicio: 'cfdi' | 'retenciones') {
  try {
    validateQuery({ ...base, ...parameters } as SatQueryParameters, servicio, now);
  } catch (error) {
    if (error instanceof ValidationError) return { code: error.code, message: error.messageEn };
    throw error;
  }
  throw new Error('accepted');
}

describe('validateQuery (SAT v1.5 rules, checked before signing)', () => {
  it('accepts a plain query and normalises RFCs, complement and folio', () => {
    expect(
      validateQuery(
        {
          ...base,
          rfcContrapartes: [' aaa010101aaa '],
          complemento: 'Pagos20',
          rfcACuentaTerceros: 'xxx01010199a',
        },
        'cfdi',
        now,
      ),
    ).toMatchObject({
      rfcContrapartes: ['AAA010101AAA'],
      complemento: 'pagos20',
      rfcACuentaTerceros: 'XXX01010199A',
    });
    expect(
      validateQuery(
        {
          ...base,
          fechaInicial: undefined,
          fechaFinal: undefined,
          folio: '96623061-61FE-49DE-B298-C7156476AA8B',
        },
        'cfdi',
        now,
      ).folio,
    ).toBe('96623061-61fe-49de-b298-c7156476aa8b');
  });

  it('asks received XML for Vigente documents explicitly (SAT refuses it otherwise)', () => {
    expect(validateQuery({ ...base, contexto: 'Recibidos' }, 'cfdi', now).estadoComprobante).toBe('Vigente');
    expect(
      validateQuery({ ...base, contexto: 'Recibidos', tipoSolicitud: 'Metadata' }, 'cfdi', now)
        .estadoComprobante,
    ).toBeUndefined();
  });

  it.each<[string, Partial<SatQueryParameters>, string, 'cfdi' | 'retenciones']>([
    ['a missing FechaInicial', { fechaInicial: undefined }, 'DM-2001', 'cfdi'],
    ['a date with a zone', { fechaInicial: '2026-01-01T00:00:00Z' }, 'DM-9002', 'cfdi'],
    ['an impossible date', { fechaFinal: '2026-02-30T00:00:00' }, 'DM-9002', 'cfdi'],
    ['an empty period (start = end)', { fechaFinal: '2026-01-01T00:00:00' }, 'DM-9003', 'cfdi'],
    ['an inverted period', { fechaInicial: '2026-02-01T00:00:00' }, 'DM-9003', 'cfdi'],
    ['a start older than six years', { fechaInicial: '2020-11-23T23:59:59' }, 'DM-9004', 'cfdi'],
    ['six receivers for Emitidos', { rfcContrapartes: Array(6).fill('AAA010101AAA') }, 'DM-9007', 'cfdi'],
    [
      'two issuers for Recibidos',
      { contexto: 'Recibidos', rfcContrapartes: ['AAA010101AAA', 'BBB010101BBB'] },
      'DM-9007',
      'cfdi',
    ],
    ['an invalid counterpart RFC', { rfcContrapartes: ['NOT-AN-RFC'] }, 'DM-9001', 'cfdi'],
    ['an invalid third-party RFC', { rfcACuentaTerceros: '123' }, 'DM-9001', 'cfdi'],
    ['received cancelled XML', { contexto: 'Recibidos', estadoComprobante: 'Cancelado' }, 'DM-9008', 'cfdi'],
    [
      'received XML of every status',
      { contexto: 'Recibidos', estadoComprobante: 'Todos' },
      'DM-9008',
      'cfdi',
    ],
    ['an unknown EstadoComprobante', { estadoComprobante: 'Activo' }, 'DM-2002', 'cfdi'],
    ['an unknown TipoComprobante', { tipoComprobante: 'X' }, 'DM-2002', 'cfdi'],
    ['an unknown TipoSolicitud', { tipoSolicitud: 'XML' as 'CFDI' }, 'DM-2002', 'cfdi'],
    ['a complement of another catalogue', { complemento: 'dividendos' }, 'DM-9015', 'cfdi'],
    ['a CFDI complement on Retenciones', { complemento: 'nomina12' }, 'DM-9015', 'retenciones'],
    ['TipoComprobante on Retenciones', { tipoComprobante: 'I' }, 'DM-9016', 'retenciones'],
    [
      'a malformed folio',
      { fechaInicial: undefined, fechaFinal: undefined, folio: '1234' },
      'DM-2002',
      'cfdi',
    ],
    ['a folio with a period', { folio: '96623061-61fe-49de-b298-c7156476aa8b' }, 'DM-9006', 'cfdi'],
    [
      'a folio with a filter',
      {
        fechaInicial: undefined,
        fechaFinal: undefined,
        folio: '96623061-61fe-49de-b298-c7156476aa8b',
        complemento: 'pagos20',
      },
      'DM-9006',
      'cfdi',
    ],
  ])('refuses %s', (_case, parameters, code, servicio) => {
    expect(refusal(parameters, servicio).code).toBe(code);
  });

  it('accepts the oldest moment SAT serves: today minus six years, midnight, Mexico City', () => {
    expect(() => validateQuery({ ...base, fechaInicial: '2020-11-24T00:00:00' }, 'cfdi', now)).not.toThrow();
  });
});
