import type { CfdiSearchRow } from '../../../src/services/cfdi';
import type { PagosPage } from '../../../src/services/pagos';
import { cfdi, importe, pago, saldo } from '../../../src/soap/shared/output';
import { CFDI_FIELDS_ADDED_IN_V1 } from '../../helpers/contract-fields';

// How ConsultarCfdi and ConsultarPagos print what the index holds (docs/contract-notes.md).

const ROW: CfdiSearchRow = {
  rfc: 'EKU9003173C9',
  uuid: '0b6f1a3e-1111-4222-8333-444455556666',
  tipoDocumento: 'CFDI',
  rfcEmisor: 'EKU9003173C9',
  nombreEmisor: 'ESCUELA KEMPER URGATE',
  rfcReceptor: 'AAA010101AAA',
  nombreReceptor: null,
  rfcPac: 'SAT970701NN3',
  fechaEmision: new Date('2026-01-05T16:00:00Z'),
  fechaCertificacion: new Date('2026-01-05T16:01:00Z'),
  monto: '7924.660000',
  efecto: 'I',
  estatus: 'Vigente',
  fechaCancelacion: null,
  version: '4.0',
  serie: 'A',
  folio: '',
  moneda: 'USD',
  rfcACuentaTerceros: 'XAXX010101000',
  nombreACuentaTerceros: 'TERCERO',
  tipoComprobante: 'I',
  fecha: new Date('2026-01-05T16:00:00Z'),
  fechaTimbrado: new Date('2026-01-05T16:01:00Z'),
  subTotal: '6831.600000',
  descuento: '0.000000',
  total: '7924.660000',
  tipoCambio: '17.123400',
  metodoPago: 'PPD',
  formaPago: '99',
  usoCfdi: 'G03',
  lugarExpedicion: '64000',
  complementos: ['TimbreFiscalDigital', 'Pagos'],
  paqueteId: 'p',
  entryName: 'a.xml',
};

describe('importe', () => {
  it.each([
    ['7924.660000', '7924.66'],
    ['100.000000', '100'],
    ['0.000000', '0'],
    ['-12.500000', '-12.5'],
    ['17.1234', '17.1234'],
  ])('prints %s as %s', (stored, printed) => expect(importe(stored)).toBe(printed));

  it.each([[null], [undefined], [''], ['NaN'], ['1e5']])('leaves %p out: it is no xs:decimal', (value) =>
    expect(importe(value)).toBeUndefined(),
  );
});

describe('cfdi', () => {
  it('keeps the first published elements first and adds the rest in the contract order', () => {
    expect(Object.keys(cfdi(ROW))).toEqual([
      'Uuid',
      'RfcEmisor',
      'NombreEmisor',
      'RfcReceptor',
      'FechaEmision',
      'FechaCertificacion',
      'Monto',
      'Efecto',
      'Estatus',
      'TieneXml',
      // An empty Folio is left out.
      ...CFDI_FIELDS_ADDED_IN_V1.filter((field) => field !== 'Folio'),
    ]);
  });

  it('prints amounts without trailing zeros, dates as Mexico City wall clock, complements as a list', () => {
    expect(cfdi(ROW)).toMatchObject({
      Monto: '7924.66',
      SubTotal: '6831.6',
      Descuento: '0',
      Total: '7924.66',
      TipoCambio: '17.1234',
      Fecha: '2026-01-05T10:00:00',
      FechaTimbrado: '2026-01-05T10:01:00',
      Complementos: { Complemento: ['TimbreFiscalDigital', 'Pagos'] },
    });
  });

  it('leaves out what the index lacks: a document known only by its metadata has no header', () => {
    const metadataOnly: CfdiSearchRow = {
      ...ROW,
      version: null,
      tipoComprobante: null,
      serie: null,
      fecha: null,
      fechaTimbrado: null,
      subTotal: null,
      descuento: null,
      total: null,
      moneda: null,
      tipoCambio: null,
      metodoPago: null,
      formaPago: null,
      usoCfdi: null,
      lugarExpedicion: null,
      complementos: null,
      rfcACuentaTerceros: null,
      nombreACuentaTerceros: null,
      paqueteId: null,
    };
    expect(cfdi(metadataOnly)).toEqual({
      Uuid: ROW.uuid,
      RfcEmisor: 'EKU9003173C9',
      NombreEmisor: 'ESCUELA KEMPER URGATE',
      RfcReceptor: 'AAA010101AAA',
      FechaEmision: '2026-01-05T10:00:00',
      FechaCertificacion: '2026-01-05T10:01:00',
      Monto: '7924.66',
      Efecto: 'I',
      Estatus: 'Vigente',
      TieneXml: false,
      RfcPac: 'SAT970701NN3',
    });
  });

  it('sends TipoComprobante only as a value of its enumeration, in upper case', () => {
    expect(cfdi({ ...ROW, tipoComprobante: 'p' }).TipoComprobante).toBe('P');
    expect(cfdi({ ...ROW, tipoComprobante: 'ingreso' })).not.toHaveProperty('TipoComprobante');
  });
});

type Pago = PagosPage['rows'][number];

describe('pago and saldo', () => {
  const PAGO: Pago = {
    uuid: '0b6f1a3e-1111-4222-8333-444455556667',
    indice: 1,
    version: '2.0',
    rfcEmisor: 'EKU9003173C9',
    nombreEmisor: 'ESCUELA KEMPER URGATE',
    rfcReceptor: 'AAA010101AAA',
    nombreReceptor: null,
    estatus: null,
    fechaPago: new Date('2026-01-20T18:00:00Z'),
    formaDePagoP: '03',
    monedaP: 'MXN',
    tipoCambioP: '1.000000',
    monto: '1000.500000',
    documentos: [
      {
        indice: 1,
        idDocumento: '0b6f1a3e-1111-4222-8333-444455556666',
        serie: null,
        folio: null,
        monedaDR: 'MXN',
        equivalenciaDR: '1.0000000000',
        tipoCambioDR: null,
        numParcialidad: 2,
        impSaldoAnt: '3000.000000',
        impPagado: '1000.500000',
        impSaldoInsoluto: '1999.500000',
      },
    ],
  };

  it('prints a Pago with its invoices in the contract order, amounts without trailing zeros', () => {
    const printed = pago(PAGO);
    expect(Object.keys(printed)).toEqual([
      'UuidPago',
      'Indice',
      'Version',
      'RfcEmisor',
      'NombreEmisor',
      'RfcReceptor',
      'FechaPago',
      'FormaDePagoP',
      'MonedaP',
      'TipoCambioP',
      'Monto',
      'DoctosRelacionados',
    ]);
    expect(printed).toMatchObject({ FechaPago: '2026-01-20T12:00:00', TipoCambioP: '1', Monto: '1000.5' });
    expect(printed.DoctosRelacionados).toEqual({
      DoctoRelacionado: [
        {
          IdDocumento: '0b6f1a3e-1111-4222-8333-444455556666',
          MonedaDR: 'MXN',
          EquivalenciaDR: '1',
          NumParcialidad: 2,
          ImpSaldoAnt: '3000',
          ImpPagado: '1000.5',
          ImpSaldoInsoluto: '1999.5',
        },
      ],
    });
    expect(pago({ ...PAGO, documentos: [] }).DoctosRelacionados).toEqual({ DoctoRelacionado: [] });
  });

  it('prints an invoice balance', () => {
    expect(
      saldo({
        idDocumento: 'i',
        monedaDR: 'USD',
        saldoInsoluto: '0.000000',
        totalPagado: '2500.250000',
        parcialidades: 3,
        ultimaParcialidad: 3,
      }),
    ).toEqual({
      UuidDocumento: 'i',
      MonedaDR: 'USD',
      SaldoInsoluto: '0',
      TotalPagado: '2500.25',
      Parcialidades: 3,
      UltimaParcialidad: 3,
    });
  });
});
