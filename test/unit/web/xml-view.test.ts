import { niceCeiling } from '../../../src/web/ui/pages/cfdi-charts';
import { prettyXml, type XmlLine } from '../../../src/web/ui/xml-view';

function text(lines: readonly XmlLine[]): string {
  return lines
    .map((line) => ' '.repeat(line.indent) + line.tokens.map((token) => token.text).join(''))
    .join('\n');
}

describe('XML laid out for reading', () => {
  it('puts one element per line, long attribute lists one per line, entities kept escaped', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" ' +
      'Version="4.0" Serie="A" Folio="7" Fecha="2025-01-01T00:00:00" Total="10.00">' +
      '<cfdi:Emisor Rfc="AAA010101AAA" Nombre="A &amp; B &quot;C&quot; &lt;D&gt;"/>' +
      '<cfdi:Conceptos>\n  <cfdi:Concepto Descripcion="x"/>\n</cfdi:Conceptos><Nota>1 &lt; 2</Nota><!-- fin --></cfdi:Comprobante>';
    expect(text(prettyXml(xml) ?? [])).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<cfdi:Comprobante',
        '    xmlns:cfdi="http://www.sat.gob.mx/cfd/4"',
        '    Version="4.0"',
        '    Serie="A"',
        '    Folio="7"',
        '    Fecha="2025-01-01T00:00:00"',
        '    Total="10.00">',
        '  <cfdi:Emisor Rfc="AAA010101AAA" Nombre="A &amp; B &quot;C&quot; &lt;D>"/>',
        '  <cfdi:Conceptos>',
        '    <cfdi:Concepto Descripcion="x"/>',
        '  </cfdi:Conceptos>',
        '  <Nota>1 &lt; 2</Nota>',
        '  <!-- fin -->',
        '</cfdi:Comprobante>',
      ].join('\n'),
    );
  });

  it('gives nothing for what is not well-formed, so the page shows it as it came', () => {
    expect(prettyXml('<a><b></a>')).toBeUndefined();
    expect(prettyXml('<a>&nope;</a>')).toBeUndefined();
  });

  it('tops chart axes at a round number', () => {
    expect([0, 1, 3, 7, 37, 75, 120, 4_100_000].map(niceCeiling)).toEqual([
      1, 1, 4, 10, 40, 100, 200, 5_000_000,
    ]);
  });
});
