import { csvField } from '../../../src/services/cfdi/csv-export';
import { fillMonths } from '../../../src/services/cfdi/cfdi-totals';
import type { CfdiSearchRow } from '../../../src/services/cfdi';
import { EXPORT_COLUMNS } from '../../../src/services/cfdi/export-columns';
import { columnName, excelSerial, xmlText } from '../../../src/services/cfdi/xlsx-export';
import { archivePath } from '../../../src/services/cfdi/xml-archive';

describe('CFDI export formats', () => {
  it('quotes CSV fields as RFC 4180 says and disarms what a spreadsheet would run', () => {
    expect(csvField({ kind: 'text', text: 'ABARROTES' })).toBe('ABARROTES');
    expect(csvField({ kind: 'text', text: 'LA "COSTEÑA"' })).toBe('"LA ""COSTEÑA"""');
    expect(csvField({ kind: 'text', text: 'UNO, DOS' })).toBe('"UNO, DOS"');
    expect(csvField({ kind: 'text', text: 'línea\r\notra' })).toBe('"línea\r\notra"');
    for (const start of ['=', '+', '-', '@', '\t', '\r'])
      expect(csvField({ kind: 'text', text: `${start}1+1` }).replace(/^"/, '')).toMatch(/^'/);
    expect(csvField({ kind: 'text', text: '=HYPERLINK("a","b")' })).toBe(`"'=HYPERLINK(""a"",""b"")"`);
    // Our own numbers and dates are never touched.
    expect(csvField({ kind: 'number', value: '-5.00' })).toBe('-5.00');
    expect(csvField({ kind: 'date', wallClock: '2025-01-02T03:04:05' })).toBe('2025-01-02T03:04:05');
    expect(csvField(null)).toBe('');
  });

  it('carries every field of a search row under its Spanish name, amounts without trailing zeros', () => {
    const row: CfdiSearchRow = {
      rfc: 'EKU9003173C9',
      uuid: 'a1b2c3d4-0000-4000-8000-000000000000',
      tipoDocumento: 'CFDI',
      rfcEmisor: 'EKU9003173C9',
      nombreEmisor: 'ESCUELA KEMPER URGATE',
      rfcReceptor: 'AAA010101AAA',
      nombreReceptor: 'ABARROTES',
      rfcPac: 'SAT970701NN3',
      fechaEmision: new Date('2025-01-02T18:00:00Z'),
      fechaCertificacion: new Date('2025-01-02T18:01:00Z'),
      monto: '7924.660000',
      efecto: 'I',
      estatus: 'Vigente',
      fechaCancelacion: null,
      version: '4.0',
      serie: 'A',
      folio: '123',
      moneda: 'USD',
      rfcACuentaTerceros: 'CACX7605101P8',
      nombreACuentaTerceros: 'XOCHILT CASAS CHAVEZ',
      tipoComprobante: 'I',
      fecha: new Date('2025-01-02T17:59:00Z'),
      fechaTimbrado: new Date('2025-01-02T18:01:00Z'),
      subTotal: '8000.000000',
      descuento: '75.340000',
      total: '7924.660000',
      tipoCambio: '17.123400',
      metodoPago: 'PUE',
      formaPago: '03',
      usoCfdi: 'G03',
      lugarExpedicion: '42501',
      complementos: ['TimbreFiscalDigital', 'Pagos'],
      paqueteId: 'p',
      entryName: 'e.xml',
    };
    const cells = Object.fromEntries(EXPORT_COLUMNS.map((column) => [column.header, column.cell(row)]));
    expect(Object.keys(cells)).toEqual([
      'Uuid',
      'Rfc',
      'TipoDocumento',
      'RfcEmisor',
      'NombreEmisor',
      'RfcReceptor',
      'NombreReceptor',
      'RfcPac',
      'FechaEmision',
      'FechaCertificacionSat',
      'Monto',
      'Moneda',
      'EfectoComprobante',
      'Estatus',
      'FechaCancelacion',
      'Version',
      'Serie',
      'Folio',
      'RfcACuentaTerceros',
      'NombreACuentaTerceros',
      'TipoComprobante',
      'Fecha',
      'FechaTimbrado',
      'SubTotal',
      'Descuento',
      'Total',
      'TipoCambio',
      'MetodoPago',
      'FormaPago',
      'UsoCfdi',
      'LugarExpedicion',
      'Complementos',
      'Xml',
    ]);
    expect(cells).toMatchObject({
      Monto: { kind: 'number', value: '7924.66' },
      SubTotal: { kind: 'number', value: '8000' },
      Descuento: { kind: 'number', value: '75.34' },
      Total: { kind: 'number', value: '7924.66' },
      TipoCambio: { kind: 'number', value: '17.1234', rate: true },
      Fecha: { kind: 'date', wallClock: '2025-01-02T11:59:00' },
      FechaTimbrado: { kind: 'date', wallClock: '2025-01-02T12:01:00' },
      RfcACuentaTerceros: { kind: 'text', text: 'CACX7605101P8' },
      NombreACuentaTerceros: { kind: 'text', text: 'XOCHILT CASAS CHAVEZ' },
      Complementos: { kind: 'text', text: 'TimbreFiscalDigital, Pagos' },
      Xml: { kind: 'text', text: 'Sí' },
    });
    // A document known only by its metadata: the XML's columns are empty, never "null" or 0.
    const metadataOnly = {
      ...row,
      ...Object.fromEntries(
        [
          'version',
          'serie',
          'folio',
          'moneda',
          'tipoComprobante',
          'fecha',
          'fechaTimbrado',
          'subTotal',
          'descuento',
          'total',
          'tipoCambio',
          'metodoPago',
          'formaPago',
          'usoCfdi',
          'lugarExpedicion',
          'complementos',
          'paqueteId',
          'entryName',
        ].map((name) => [name, null]),
      ),
      monto: '100.000000',
    } as CfdiSearchRow;
    const csv = EXPORT_COLUMNS.map((column) => csvField(column.cell(metadataOnly)));
    expect(csv.slice(10, 11)).toEqual(['100']);
    expect(csv.slice(15, 18)).toEqual(['', '', '']);
    expect(csv.slice(20, 32)).toEqual(Array(12).fill(''));
    expect(csv[32]).toBe('No');
    expect(csvField({ kind: 'number', value: '-0.5' })).toBe('-0.5');
  });

  it('names spreadsheet columns and dates the way Excel counts them', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnName)).toEqual([
      'A',
      'B',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
    ]);
    expect(excelSerial('1900-03-01T00:00:00')).toBe(61);
    expect(excelSerial('2025-01-01T12:00:00')).toBe(45658.5);
    expect(xmlText('A & B <c> "d"\u0001\uFFFE')).toBe('A &amp; B &lt;c&gt; "d"');
  });

  it('files each XML under its year and month of issue in Mexico City', () => {
    // 03:00 UTC on 1 February is still 31 January in Mexico City.
    expect(archivePath({ uuid: 'abc', fechaEmision: new Date('2025-02-01T03:00:00Z') })).toBe(
      '2025/01/ABC.xml',
    );
    expect(archivePath({ uuid: 'abc', fechaEmision: null })).toBe('sin-fecha/ABC.xml');
  });

  it('fills the months between the first and the last with zeros', () => {
    expect(
      fillMonths([
        { month: '2024-11', count: 2, amount: '10' },
        { month: '2025-02', count: 1, amount: '5' },
        { month: null, count: 3, amount: '1' },
      ]),
    ).toEqual([
      { month: '2024-11', count: 2, amount: '10' },
      { month: '2024-12', count: 0, amount: '0' },
      { month: '2025-01', count: 0, amount: '0' },
      { month: '2025-02', count: 1, amount: '5' },
      { month: null, count: 3, amount: '1' },
    ]);
    expect(fillMonths([])).toEqual([]);
  });
});
