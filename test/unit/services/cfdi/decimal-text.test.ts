import { decimalText } from '../../../../src/services/cfdi/decimal-text';

describe('decimalText prints an amount as the CFDI wrote its value', () => {
  it.each([
    ['7924.660000', '7924.66'],
    ['100.000000', '100'],
    ['0.000000', '0'],
    ['-0.000000', '0'],
    ['-12.500000', '-12.5'],
    ['0.000001', '0.000001'],
    ['007.10', '7.1'],
    ['15', '15'],
  ])('%s -> %s', (stored, printed) => {
    expect(decimalText(stored)).toBe(printed);
  });

  it('leaves absent values absent', () => {
    expect(decimalText(null)).toBeUndefined();
    expect(decimalText(undefined)).toBeUndefined();
    expect(decimalText('  ')).toBeUndefined();
  });
});
