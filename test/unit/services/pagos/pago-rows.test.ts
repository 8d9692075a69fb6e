import type { DoctoRelacionadoComplemento, PagoComplemento } from '../../../../src/sat';
import { pagoRows } from '../../../../src/services/pagos';
import { pagosFilter } from '../../../../src/services/pagos/pagos-criteria';

/* The complement's text made into rows, and ConsultarPagos' criteria made into filters: case by case. */

const docto = (overrides: Partial<DoctoRelacionadoComplemento> = {}): DoctoRelacionadoComplemento => ({
  idDocumento: 'ab12cd34-1111-4222-8333-444455556666',
  serie: '',
  folio: '',
  monedaDR: 'MXN',
  equivalenciaDR: '',
  tipoCambioDR: '',
  numParcialidad: '1',
  impSaldoAnt: '100.00',
  impPagado: '40.00',
  impSaldoInsoluto: '60.00',
  ...overrides,
});

const pago = (overrides: Partial<PagoComplemento> = {}): PagoComplemento => ({
  version: '2.0',
  fechaPago: '2024-05-01T12:00:00',
  formaDePagoP: '03',
  monedaP: 'MXN',
  tipoCambioP: '1',
  monto: '40.00',
  documentos: [docto()],
  ...overrides,
});

describe('pagoRows', () => {
  it('numbers Pagos and their DoctoRelacionados from 1 and keeps amounts as written', () => {
    const rows = pagoRows([pago(), pago({ documentos: [docto(), docto({ folio: 'F-9', serie: 'A' })] })]);
    expect(rows.problems).toEqual([]);
    expect(rows.pagos).toEqual([
      {
        indice: 1,
        versionPagos: '2.0',
        fechaPago: '2024-05-01T18:00:00.000Z',
        formaDePagoP: '03',
        monedaP: 'MXN',
        tipoCambioP: '1',
        monto: '40.00',
      },
      expect.objectContaining({ indice: 2 }),
    ]);
    expect(rows.documentos.map((row) => [row.indicePago, row.indice, row.serie, row.folio])).toEqual([
      [1, 1, null, null],
      [2, 1, null, null],
      [2, 2, 'A', 'F-9'],
    ]);
    expect(rows.documentos[0]).toMatchObject({
      numParcialidad: 1,
      impSaldoAnt: '100.00',
      impSaldoInsoluto: '60.00',
    });
  });

  it('stores absent optional values as null (TipoCambioP, EquivalenciaDR, NumParcialidad)', () => {
    const rows = pagoRows([
      pago({ version: '1.0', tipoCambioP: '', documentos: [docto({ numParcialidad: '', impSaldoAnt: '' })] }),
    ]);
    expect(rows.problems).toEqual([]);
    expect(rows.pagos[0]).toMatchObject({ versionPagos: '1.0', tipoCambioP: null });
    expect(rows.documentos[0]).toMatchObject({
      numParcialidad: null,
      impSaldoAnt: null,
      equivalenciaDR: null,
    });
  });

  it('keeps TipoCambioDR (1.0) and EquivalenciaDR (2.0) apart, with all their decimals', () => {
    const rows = pagoRows([
      pago({ documentos: [docto({ equivalenciaDR: '0.0580000001' })] }),
      pago({ version: '1.0', documentos: [docto({ tipoCambioDR: '+17.250000' })] }),
    ]);
    expect(rows.documentos.map((row) => [row.equivalenciaDR, row.tipoCambioDR])).toEqual([
      ['0.0580000001', null],
      [null, '17.250000'],
    ]);
  });

  it('says what it cannot store instead of failing the package', () => {
    const rows = pagoRows([
      pago({
        fechaPago: '01/05/2024',
        monto: '1,000.00',
        documentos: [docto({ idDocumento: '' }), docto({ numParcialidad: 'dos', impPagado: 'NaN' })],
      }),
      pago({ fechaPago: '' }),
    ]);
    expect(rows.pagos.map((row) => [row.fechaPago, row.monto])).toEqual([
      [null, null],
      [null, '40.00'],
    ]);
    expect(rows.documentos.map((row) => [row.indice, row.numParcialidad, row.impPagado])).toEqual([
      [2, null, null],
      [1, 1, '40.00'],
    ]);
    expect(rows.problems).toEqual([
      'Pago 1: FechaPago "01/05/2024" no es una fecha',
      'Pago 1: Monto "1,000.00" no es un importe',
      'Pago 1, DoctoRelacionado 1: sin IdDocumento',
      'Pago 1, DoctoRelacionado 2: NumParcialidad "dos" no es un número',
      'Pago 1, DoctoRelacionado 2: ImpPagado "NaN" no es un importe',
      'Pago 2: sin FechaPago',
    ]);
  });
});

describe('pagosFilter', () => {
  it('lower-cases UUIDs, upper-cases RFCs and makes FechaPagoHasta inclusive to the second', () => {
    expect(
      pagosFilter({
        uuidDocumento: ' AB12CD34-1111-4222-8333-444455556666 ',
        uuidPago: 'AB12CD34-1111-4222-8333-444455556667',
        rfcEmisor: 'eku9003173c9',
        rfcReceptor: ' ',
        fechaPagoDesde: '2024-05-01T00:00:00',
        fechaPagoHasta: '2024-05-31T23:59:59',
      }),
    ).toEqual({
      uuidDocumento: 'ab12cd34-1111-4222-8333-444455556666',
      uuidPago: 'ab12cd34-1111-4222-8333-444455556667',
      rfcEmisor: 'EKU9003173C9',
      desde: new Date('2024-05-01T06:00:00Z'),
      hasta: new Date('2024-06-01T06:00:00Z'),
    });
    expect(pagosFilter({})).toEqual({});
  });

  it.each([
    [{ uuidDocumento: 'x' }, 'DM-2002', 'UuidDocumento'],
    [{ uuidPago: '123-45-678901234' }, 'DM-2002', 'UuidPago'],
    [{ fechaPagoDesde: '2024-05-01' }, 'DM-9002', 'FechaPagoDesde'],
    [{ fechaPagoHasta: '2024-13-01T00:00:00' }, 'DM-9002', 'FechaPagoHasta'],
    [
      { fechaPagoDesde: '2024-05-02T00:00:00', fechaPagoHasta: '2024-05-01T00:00:00' },
      'DM-9051',
      'FechaPagoDesde',
    ],
  ])('refuses %j with %s on %s', (criteria, code, field) => {
    expect(() => pagosFilter(criteria)).toThrow(expect.objectContaining({ code, field }));
  });

  it('accepts a pre-2014 CFD folio as the invoice (Pagos 1.0 allows it)', () => {
    expect(pagosFilter({ uuidDocumento: '123-45-678901234' })).toEqual({ uuidDocumento: '123-45-678901234' });
  });
});
