import { ConfigError, ValidationError } from '../../../src/errors';
import {
  RAW_TEXT_DESERIALIZERS,
  compileInputFields,
  contractTypeOf,
  readTypedInput,
} from '../../../src/soap/infra/typed-input';

/** The shapes node-soap describes our contract's input elements with (wsdl-loader's inputDescription). */
const description = {
  Rfc: 'Rfc|xs:string|pattern',
  FechaFinal: 'FechaHora|xs:string|pattern',
  Contexto: 'ContextoPedido|xs:string|Emitidos,Recibidos,Ambos',
  'RfcContraparte[]': 'Rfc|xs:string|pattern',
  Complemento: 'xs:string',
  Simular: 'xs:boolean',
  VigenciaSegundos: 'xs:int|minInclusive,maxInclusive',
  Pagina: 'Pagina|xs:int|minInclusive',
  Filtro: {
    'Estado[]': 'EstadoSolicitud|xs:string|Registrada,Completada',
    PeriodoDesde: 'FechaHora|xs:string|pattern',
  },
  Orden: {
    Campo: 'CampoOrden|xs:string|FechaRegistro,Rfc',
    targetNSAlias: 'tns',
    targetNamespace: 'urn:descarga-masiva:v1',
  },
};
const fields = compileInputFields(description);

function read(input: Record<string, unknown>): Record<string, unknown> {
  return readTypedInput({ RfcContraparte: [], ...input }, fields);
}

function refusal(input: Record<string, unknown>): ValidationError {
  try {
    read(input);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('contractTypeOf', () => {
  it.each([
    ['xs:boolean', { kind: 'boolean' }],
    ['xs:int|minInclusive,maxInclusive', { kind: 'integer', min: -2_147_483_648, max: 2_147_483_647 }],
    ['Pagina|xs:int|minInclusive', { kind: 'integer', min: -2_147_483_648, max: 2_147_483_647 }],
    ['Direccion|xs:string|ASC,DESC', { kind: 'enumeration', values: ['ASC', 'DESC'] }],
    ['FechaHora|xs:string|pattern', { kind: 'date-time' }],
    ['Rfc|xs:string|pattern', { kind: 'text' }],
    ['Identificador|xs:string|minLength,maxLength', { kind: 'text' }],
    ['xs:string', { kind: 'text' }],
    ['s:string', { kind: 'text' }],
  ])('reads %s', (text, expected) => {
    expect(contractTypeOf('Campo', text)).toEqual(expected);
  });

  it.each(['xs:dateTime', 'xs:decimal', 'Otro|tns:Base|pattern'])(
    'refuses at start-up a type it has no strict reader for (%s)',
    (text) => {
      expect(() => contractTypeOf('Campo', text)).toThrow(ConfigError);
    },
  );
});

describe('RAW_TEXT_DESERIALIZERS', () => {
  it('hands node-soap’s converted types over as the text sent', () => {
    for (const name of ['boolean', 'int', 'long', 'decimal', 'dateTime']) {
      expect(RAW_TEXT_DESERIALIZERS[name]?.('yes')).toBe('yes');
    }
  });
});

describe('readTypedInput', () => {
  it('reads valid values into their types and the contract’s spelling', () => {
    expect(
      read({
        Rfc: 'eku9003173c9',
        FechaFinal: '2026-01-31T23:59:59',
        Contexto: 'emitidos',
        Complemento: '',
        Simular: 'TRUE',
        VigenciaSegundos: '+0600',
        Pagina: { $attributes: { a: '1' }, $value: '2' },
        Filtro: { Estado: ['registrada', 'Completada'], PeriodoDesde: '2026-01-01 00:00:00' },
        Orden: { Campo: 'rfc' },
        Desconocido: 'x',
      }),
    ).toEqual({
      Rfc: 'eku9003173c9',
      FechaFinal: '2026-01-31T23:59:59',
      Contexto: 'Emitidos',
      RfcContraparte: [],
      Complemento: '',
      Simular: true,
      VigenciaSegundos: 600,
      Pagina: 2,
      Filtro: { Estado: ['Registrada', 'Completada'], PeriodoDesde: '2026-01-01 00:00:00' },
      Orden: { Campo: 'Rfc' },
      Desconocido: 'x',
    });
  });

  it('leaves absent fields absent, and empty untyped strings and groups as node-soap read them', () => {
    expect(read({ Rfc: null, Filtro: null })).toEqual({ Rfc: null, Filtro: null, RfcContraparte: [] });
  });

  it.each([
    [{ Simular: 'yes' }, 'DM-2002', 'Simular'],
    [{ Simular: '2' }, 'DM-2002', 'Simular'],
    [{ Simular: null }, 'DM-2002', 'Simular'],
    [{ Simular: ['true', 'false'] }, 'DM-2002', 'Simular'],
    [{ Simular: { Dentro: 'true' } }, 'DM-2002', 'Simular'],
    [{ Contexto: 'Todos' }, 'DM-2002', 'Contexto'],
    [{ Contexto: null }, 'DM-2002', 'Contexto'],
    [{ Pagina: '12abc' }, 'DM-2002', 'Pagina'],
    [{ Pagina: '1.5' }, 'DM-2002', 'Pagina'],
    [{ Pagina: '9999999999999' }, 'DM-2002', 'Pagina'],
    [{ FechaFinal: '2024-02-30T25:00:00' }, 'DM-9002', 'FechaFinal'],
    [{ FechaFinal: '2024-13-01' }, 'DM-9002', 'FechaFinal'],
    [{ FechaFinal: '2026-01-01T00:00:00Z' }, 'DM-9002', 'FechaFinal'],
    [{ Filtro: 'texto' }, 'DM-2002', 'Filtro'],
    [{ Filtro: { Estado: ['Completada', 'Terminada'] } }, 'DM-2002', 'Estado'],
    [{ Filtro: { PeriodoDesde: 'ayer' } }, 'DM-9002', 'PeriodoDesde'],
    [{ Orden: { Campo: 'Password' } }, 'DM-2002', 'Campo'],
    [{ Complemento: { Hijo: 'x' } }, 'DM-2002', 'Complemento'],
  ])('refuses %o with %s naming %s', (input, code, field) => {
    const error = refusal(input);
    expect(error.code).toBe(code);
    expect(error.field).toBe(field);
  });

  it('refuses an integer of thousands of digits without trying to hold it', () => {
    expect(refusal({ Pagina: '9'.repeat(5000) }).field).toBe('Pagina');
  });

  it('echoes at most a short prefix of an unreadable date', () => {
    const error = refusal({ FechaFinal: 'x'.repeat(10_000) });
    expect(error.messageEn.length).toBeLessThan(200);
  });
});
