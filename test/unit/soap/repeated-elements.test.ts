import { asArray, normaliseRepeated } from '../../../src/soap/infra/repeated-elements';

describe('asArray', () => {
  it('turns absent, single and repeated values into arrays', () => {
    expect(asArray(undefined)).toEqual([]);
    expect(asArray(null)).toEqual([]);
    expect(asArray('a')).toEqual(['a']);
    expect(asArray(['a', 'b'])).toEqual(['a', 'b']);
  });
});

describe('normaliseRepeated', () => {
  const description = {
    Rfc: 'xs:string',
    'RfcContraparte[]': 'xs:string',
    Filtro: {
      targetNSAlias: 'tns',
      targetNamespace: 'urn:x',
      'Estado[]': 'xs:string',
      Orden: { 'Campo[]': 'xs:string' },
    },
    'Paquete[]': { 'Parte[]': 'xs:string' },
  };

  it('makes every repeatable element an array at any depth, absent ones empty', () => {
    const input = {
      Rfc: 'AAA010101AAA',
      RfcContraparte: 'BBB010101BBB',
      Filtro: { Estado: 'Terminada', Orden: { Campo: 'Rfc' } },
      Paquete: [{ Parte: 'x' }, { Parte: ['y', 'z'] }],
    };
    expect(normaliseRepeated(input, description)).toEqual({
      Rfc: 'AAA010101AAA',
      RfcContraparte: ['BBB010101BBB'],
      Filtro: { Estado: ['Terminada'], Orden: { Campo: ['Rfc'] } },
      Paquete: [{ Parte: ['x'] }, { Parte: ['y', 'z'] }],
    });
    expect(normaliseRepeated({ Rfc: 'A' }, description)).toEqual({
      Rfc: 'A',
      RfcContraparte: [],
      Paquete: [],
    });
  });

  it('does not modify its input and leaves unknown keys alone', () => {
    const input = { RfcContraparte: 'B', Otro: 'x' };
    normaliseRepeated(input, description);
    expect(input).toEqual({ RfcContraparte: 'B', Otro: 'x' });
    expect(normaliseRepeated(input, description)).toMatchObject({ Otro: 'x' });
  });

  it('leaves non-objects as they are', () => {
    expect(normaliseRepeated('texto', description)).toBe('texto');
    expect(normaliseRepeated({ a: 1 }, undefined)).toEqual({ a: 1 });
  });
});
