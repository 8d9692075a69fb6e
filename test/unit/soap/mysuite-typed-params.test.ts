import { ValidationError } from '../../../src/errors';
import { toConditions } from '../../../src/soap/mysuite/list-query';
import { TRANSACTIONS, TRANSACTION_PARAMS } from '../../../src/soap/mysuite/transactions';
import {
  booleanParam,
  choiceParam,
  dateTimeParam,
  integerParam,
  readParams,
  requiredParam,
} from '../../../src/soap/mysuite/typed-params';

const SPEC = {
  Servicio: requiredParam(choiceParam({ CFDIS: ['CFDI'], AMBOS: ['CFDI', 'Retenciones'] })),
  FechaFinal: dateTimeParam,
  Forzar: booleanParam,
  PageSize: integerParam(1, 500),
};

function params(entries: Record<string, string>): ReadonlyMap<string, string> {
  return new Map(Object.entries(entries).map(([key, value]) => [key.toLowerCase(), value]));
}

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('readParams', () => {
  it('reads typed keys in any case of key and value; absent optional keys stay undefined', () => {
    expect(readParams(params({ servicio: ' ambos ', FORZAR: 'True', PageSize: '050' }), SPEC)).toEqual({
      Servicio: ['CFDI', 'Retenciones'],
      Forzar: true,
      PageSize: 50,
    });
    expect(readParams(params({ Servicio: 'CFDIS', FechaFinal: '2026-01-31 23:59:59' }), SPEC)).toEqual({
      Servicio: ['CFDI'],
      FechaFinal: '2026-01-31 23:59:59',
    });
  });

  it.each([
    [{ Servicio: '' }, 'DM-2001', 'Servicio'],
    [{}, 'DM-2001', 'Servicio'],
    [{ Servicio: 'NOMINA' }, 'DM-2002', 'Servicio'],
    [{ Servicio: 'CFDIS', Forzar: 'yes' }, 'DM-2002', 'Forzar'],
    [{ Servicio: 'CFDIS', Forzar: '' }, 'DM-2002', 'Forzar'],
    [{ Servicio: 'CFDIS', Forzar: '   ' }, 'DM-2002', 'Forzar'],
    [{ Servicio: 'CFDIS', PageSize: '0' }, 'DM-2002', 'PageSize'],
    [{ Servicio: 'CFDIS', PageSize: '12abc' }, 'DM-2002', 'PageSize'],
    [{ Servicio: 'CFDIS', FechaFinal: '2024-02-30 00:00:00' }, 'DM-9002', 'FechaFinal'],
  ])('refuses %o with %s naming %s', (entries, code, field) => {
    const error = refusal(() => readParams(params(entries), SPEC));
    expect(error.code).toBe(code);
    expect(error.field).toBe(field);
  });

  it('has a table of typed keys for every transaction', () => {
    expect(Object.keys(TRANSACTION_PARAMS).sort()).toEqual(Object.keys(TRANSACTIONS).sort());
  });
});

describe('MYSuite filters', () => {
  it('refuses a BETWEEN on dates with its bounds swapped (DM-9051)', () => {
    const error = refusal(() =>
      toConditions([
        {
          name: 'FechaInicial',
          oper: 'BETWEEN',
          value1: '2026-02-01 00:00:00',
          value2: '2026-01-01 00:00:00',
        },
      ]),
    );
    expect(error.code).toBe('DM-9051');
    expect(error.messageEs).toContain('FechaInicial');
    expect(
      toConditions([
        {
          name: 'FechaInicial',
          oper: 'BETWEEN',
          value1: '2026-01-01 00:00:00',
          value2: '2026-01-01 00:00:00',
        },
      ]),
    ).toHaveLength(1);
  });
});
