import { csvField } from '../../../src/services/cfdi/csv-export';
import { fillMonths } from '../../../src/services/cfdi/cfdi-totals';
import { decimal } from '../../../src/services/cfdi/export-columns';
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

  it('writes amounts with two decimals or as many as they use', () => {
    expect(decimal('1234.560000')).toBe('1234.56');
    expect(decimal('0.000000')).toBe('0.00');
    expect(decimal('7')).toBe('7.00');
    expect(decimal('-1.234500')).toBe('-1.2345');
    expect(decimal('1e5')).toBeUndefined();
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
