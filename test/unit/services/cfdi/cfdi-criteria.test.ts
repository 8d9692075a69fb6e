import { ValidationError } from '../../../../src/errors';
import { cfdiFilters, type CfdiSearchCriteria } from '../../../../src/services/cfdi/cfdi-criteria';

function refusal(criteria: CfdiSearchCriteria): { code: string; params: unknown } | undefined {
  try {
    cfdiFilters(criteria);
    return undefined;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { code: error.code, params: error.params };
  }
}

describe('CFDI search criteria: the XML header and the third party', () => {
  it('filters on the XML TipoDeComprobante, upper-cased, one of I E T N P', () => {
    expect(cfdiFilters({ tipoComprobante: ' p ' })).toEqual([
      { field: 'TipoComprobante', operator: '=', value: 'P' },
    ]);
    expect(refusal({ tipoComprobante: 'ingreso' })).toMatchObject({
      code: 'DM-2002',
      params: { field: 'TipoComprobante' },
    });
  });

  it('finds a complement by its whole element name, any case, with or without its prefix', () => {
    expect(cfdiFilters({ complemento: 'Pagos' })).toEqual([
      { field: 'Complementos', operator: 'like', value: '%,Pagos,%' },
    ]);
    expect(cfdiFilters({ complemento: 'pago20:Pagos' })).toEqual(cfdiFilters({ complemento: 'Pagos' }));
    // `_` is a letter of the name, not a wildcard.
    expect(cfdiFilters({ complemento: 'nomina_12' })).toEqual([
      { field: 'Complementos', operator: 'like', value: '%,nomina\\_12,%' },
    ]);
    for (const complemento of ['Pagos,Nomina', '%', '12Pagos', 'a:b:c', 'x'.repeat(65)])
      expect(refusal({ complemento })).toMatchObject({ code: 'DM-2002', params: { field: 'Complemento' } });
  });

  it('takes a currency as its c_Moneda code', () => {
    expect(cfdiFilters({ moneda: 'usd' })).toEqual([{ field: 'Moneda', operator: '=', value: 'USD' }]);
    for (const moneda of ['Pesos', 'US', 'MX1'])
      expect(refusal({ moneda })).toMatchObject({ code: 'DM-2002', params: { field: 'Moneda' } });
  });

  it('matches Serie and Folio exactly as written, within CFDI lengths and without |', () => {
    expect(cfdiFilters({ serie: ' Fa-1 ', folio: '000123' })).toEqual([
      { field: 'Serie', operator: '=', value: 'Fa-1' },
      { field: 'Folio', operator: '=', value: '000123' },
    ]);
    expect(cfdiFilters({ serie: 'S'.repeat(25), folio: 'F'.repeat(40) })).toHaveLength(2);
    expect(refusal({ serie: 'S'.repeat(26) })).toMatchObject({ code: 'DM-2002', params: { field: 'Serie' } });
    expect(refusal({ serie: 'A|B' })).toMatchObject({ code: 'DM-2002', params: { field: 'Serie' } });
    expect(refusal({ folio: 'F'.repeat(41) })).toMatchObject({ code: 'DM-2002', params: { field: 'Folio' } });
    expect(refusal({ folio: '1\n2' })).toMatchObject({ code: 'DM-2002', params: { field: 'Folio' } });
  });

  it('takes the third party as an RFC, upper-cased', () => {
    expect(cfdiFilters({ rfcACuentaTerceros: 'cacx7605101p8' })).toEqual([
      { field: 'RfcACuentaTerceros', operator: '=', value: 'CACX7605101P8' },
    ]);
    expect(cfdiFilters({ rfcACuentaTerceros: 'ñañ&010101aa1' })).toEqual([
      { field: 'RfcACuentaTerceros', operator: '=', value: 'ÑAÑ&010101AA1' },
    ]);
    expect(refusal({ rfcACuentaTerceros: 'NO-ES-RFC' })).toMatchObject({
      code: 'DM-9001',
      params: { field: 'RfcACuentaTerceros', value: 'NO-ES-RFC' },
    });
  });

  it('ignores blank criteria and combines the new ones with the rest', () => {
    expect(
      cfdiFilters({ serie: ' ', folio: '', moneda: '  ', complemento: '', rfcACuentaTerceros: ' ' }),
    ).toEqual([]);
    expect(cfdiFilters({ efecto: 'I', moneda: 'MXN', serie: 'A' }).map((filter) => filter.field)).toEqual([
      'Efecto',
      'Moneda',
      'Serie',
    ]);
  });
});
