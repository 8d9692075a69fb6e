import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { readCfdiPackage, readMetadataPackage, type CfdiEvent, type MetadataEvent } from '../../../src/sat';

const fixtures = path.join(__dirname, '../../../fixtures/sat');
let directory: string;

beforeAll(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'dm-packages-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function zipOf(name: string, entries: Record<string, string | Buffer>): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [entry, content] of Object.entries(entries))
    zip.addBuffer(typeof content === 'string' ? Buffer.from(content, 'utf8') : content, entry);
  zip.end();
  const file = path.join(directory, name);
  await pipeline(zip.outputStream, createWriteStream(file));
  return file;
}

async function all<T>(events: AsyncGenerator<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const event of events) result.push(event);
  return result;
}

const HEADER =
  'Uuid~RfcEmisor~NombreEmisor~RfcReceptor~NombreReceptor~RfcPac~FechaEmision~FechaCertificacionSat~Monto~EfectoComprobante~Estatus~FechaCancelacion';
const row = (uuid: string, nombre: string, extra = ''): string =>
  `${uuid}~AAA010101AAA~${nombre}~BBB010101BBB~Receptor SA~CCC010101CCC~2024-03-01 10:00:00~2024-03-01 10:00:05~1500.5~I~1~${extra}`;
const uuid = (n: number): string => `0000000${n}-AAAA-4BBB-8CCC-00000000000${n}`;

describe('readMetadataPackage', () => {
  it('reads the real SAT package and ignores its noise entries', async () => {
    const events = await all(readMetadataPackage(path.join(fixtures, 'phpcfdi/zip/metadata.zip')));
    expect(events.map((event) => event.kind)).toEqual(['row', 'row']);
    const first = events[0] as Extract<MetadataEvent, { kind: 'row' }>;
    expect(first.entry).toBe('45C5C344-DA01-497A-9271-5AA3852EE6AE_01.txt');
    expect(first.line).toBe(2);
    expect(first.row).toEqual({
      uuid: 'e7215e3b-2dc5-4a40-ab10-c902ff9258df',
      rfcEmisor: 'XAXX010101000',
      nombreEmisor: 'RAZON SOCIAL 1',
      rfcReceptor: 'XAXX010101001',
      nombreReceptor: 'RAZON SOCIAL 1 SA DE CV',
      rfcPac: 'XAXX010101003',
      fechaEmision: '2018-01-11 07:10:23',
      fechaCertificacionSat: '2018-01-11 07:10:51',
      monto: '1124.11',
      efectoComprobante: 'I',
      estatus: 'Vigente',
      fechaCancelacion: '',
      rfcACuentaTerceros: '',
      nombreACuentaTerceros: '',
      extra: {},
    });
  });

  it('survives the known quirks of real files and joins third-party data by UUID', async () => {
    const main =
      '\ufeff' +
      [
        HEADER,
        '',
        row(uuid(1), 'Nombre con "comillas"'),
        // A carriage return inside a name reaches the file as a bare LF: still one record.
        row(uuid(2), 'Partido\nen dos'),
        row(uuid(3), ''),
        `${uuid(4)}~AAA010101AAA~X~BBB010101BBB~Y~CCC010101CCC~2024-03-01 10:00:00~2024-03-01 10:00:05~10~E~0~2024-04-01 09:00:00`,
        '',
        `${uuid(5)}~AAA010101AAA~X~BBB010101BBB`, // short row: padded, then found incomplete
      ].join('\r\n'); // no final line end
    const file = await zipOf('quirks.zip', {
      'ABC-0001.txt': main,
      'ABC_tercero.txt': `Uuid~RfcACuentaTerceros~NombreACuentaTerceros\r\n${uuid(3).toLowerCase()}~DDD010101DDD~Tercero SA\r\n`,
      'readme.txt': 'not metadata',
    });
    const events = await all(readMetadataPackage(file));
    const rows = events.filter(
      (event): event is Extract<MetadataEvent, { kind: 'row' }> => event.kind === 'row',
    );
    expect(rows.map((event) => [event.line, event.row.nombreEmisor])).toEqual([
      [3, 'Nombre con "comillas"'],
      [4, 'Partidoen dos'],
      [5, ''],
      [6, 'X'],
    ]);
    expect(rows[2]?.row).toMatchObject({
      rfcACuentaTerceros: 'DDD010101DDD',
      nombreACuentaTerceros: 'Tercero SA',
    });
    expect(rows[3]?.row).toMatchObject({
      estatus: 'Cancelado',
      fechaCancelacion: '2024-04-01 09:00:00',
      efectoComprobante: 'E',
    });
    expect(events.filter((event) => event.kind === 'problem')).toEqual([
      { kind: 'problem', entry: 'ABC-0001.txt', line: 8, reason: expect.stringMatching(/FechaEmision/) },
    ]);
  });

  it('reads columns by header name, keeps unknown ones, and reads LF-only files', async () => {
    const file = await zipOf('layout.zip', {
      'x.txt': [
        'Uuid~RfcEmisor~NombreEmisor~RfcReceptor~NombreReceptor~RfcPac~FechaEmision~FechaCertificacionSat~Monto~EfectoComprobante~Estatus~FechaCancelacion~RfcACuentaTerceros~NombreACuentaTerceros~NuevaColumna',
        `${uuid(1)}~AAA010101AAA~X~BBB010101BBB~Y~CCC010101CCC~2024-03-01 10:00:00~2024-03-01 10:00:05~10~I~1~~DDD010101DDD~Tercero~valor`,
        '',
      ].join('\n'),
    });
    const [event] = await all(readMetadataPackage(file));
    expect(event).toMatchObject({
      kind: 'row',
      row: {
        rfcACuentaTerceros: 'DDD010101DDD',
        nombreACuentaTerceros: 'Tercero',
        extra: { NuevaColumna: 'valor' },
      },
    });
  });

  it.each([
    ['a bad UUID', `not-a-uuid~AAA010101AAA~X~BBB010101BBB~Y~C~2024-03-01 10:00:00~~1~I~1~`, /Uuid/],
    [
      'an unknown Estatus',
      `${uuid(1)}~AAA010101AAA~X~BBB010101BBB~Y~C~2024-03-01 10:00:00~~1~I~7~`,
      /Estatus/,
    ],
    [
      'a Monto that is not a number',
      `${uuid(1)}~AAA010101AAA~X~BBB010101BBB~Y~C~2024-03-01 10:00:00~~1,5~I~1~`,
      /Monto/,
    ],
    ['a missing RfcEmisor', `${uuid(1)}~~X~BBB010101BBB~Y~C~2024-03-01 10:00:00~~1~I~1~`, /RfcEmisor/],
  ])('reports %s with its line number', async (_case, line, reason) => {
    const file = await zipOf(`bad-${_case.length}.zip`, {
      'x.txt': `${HEADER}\r\n${row(uuid(1), 'ok')}\r\n${line}\r\n`,
    });
    const events = await all(readMetadataPackage(file));
    expect(events.map((event) => event.kind)).toEqual(['row', 'problem']);
    expect(events[1]).toMatchObject({ line: 3, reason: expect.stringMatching(reason) });
  });

  it('says a package that is not a ZIP cannot be opened', async () => {
    await expect(
      all(readMetadataPackage(path.join(fixtures, 'nodecfdi/zip/empty.zip'), 'P_01')),
    ).rejects.toMatchObject({
      code: 'DM-5006',
      params: { idPaquete: 'P_01' },
    });
  });
});

/** Windows-1252 bytes of a text: Latin-1, but for the few characters 0x80–0x9F hold. */
const C1: Readonly<Record<string, number>> = { '€': 0x80, '“': 0x93, '”': 0x94, '—': 0x97 };
const windows1252 = (text: string): Buffer =>
  Buffer.from([...text].map((character) => C1[character] ?? character.charCodeAt(0)));

const rowsOf = (events: MetadataEvent[]): Extract<MetadataEvent, { kind: 'row' }>[] =>
  events.filter((event): event is Extract<MetadataEvent, { kind: 'row' }> => event.kind === 'row');
const notRows = (events: MetadataEvent[]): MetadataEvent[] => events.filter((event) => event.kind !== 'row');

describe('readMetadataPackage: files it cannot read as they are', () => {
  it('reports a file without header by name and line, and still reads the other files', async () => {
    const file = await zipOf('without-header.zip', {
      'ABC-0001.txt': `${HEADER}\r\n${row(uuid(1), 'Uno')}\r\n`,
      'ABC-0002.txt': `${row(uuid(2), 'Dos')}\r\n${row(uuid(3), 'Tres')}\r\n`,
    });
    const events = await all(readMetadataPackage(file));
    expect(rowsOf(events).map((event) => event.row.nombreEmisor)).toEqual(['Uno']);
    expect(notRows(events)).toEqual([
      {
        kind: 'unreadableEntry',
        entry: 'ABC-0002.txt',
        line: 1,
        problem: 'withoutHeader',
        found: `${row(uuid(2), 'Dos').slice(0, 80)}…`,
      },
    ]);
  });

  it('counts the line of a header-less file past its blank lines', async () => {
    const file = await zipOf('without-header-blank.zip', {
      'ABC-0001.txt': `\r\n\r\n${row(uuid(2), 'Dos')}\r\n`,
    });
    expect(await all(readMetadataPackage(file))).toEqual([
      expect.objectContaining({
        kind: 'unreadableEntry',
        entry: 'ABC-0001.txt',
        line: 3,
        problem: 'withoutHeader',
      }),
    ]);
  });

  it.each([
    ['another separator', 'UUID|RfcEmisor|NombreEmisor\r\n', 'UUID|RfcEmisor|NombreEmisor'],
    ['other columns', 'Folio~Emisor~Receptor\r\nA~B~C\r\n', 'Folio~Emisor~Receptor'],
    ['control characters', 'Id\u0001~Rfc\r\n', 'Id\\x01~Rfc'],
  ])('reports a header it does not know (%s) with what it found', async (_case, content, found) => {
    const file = await zipOf(`unknown-${_case.length}.zip`, { 'ABC-0001.txt': content });
    expect(await all(readMetadataPackage(file))).toEqual([
      { kind: 'unreadableEntry', entry: 'ABC-0001.txt', line: 1, problem: 'unknownHeader', found },
    ]);
  });

  it('reads a header that comes after blank lines', async () => {
    const file = await zipOf('blank-first.zip', {
      'ABC-0001.txt': `\r\n  \r\n${HEADER}\r\n${row(uuid(1), 'Uno')}\r\n${row(uuid(2), 'Dos')}\r\n`,
    });
    const events = await all(readMetadataPackage(file));
    expect(notRows(events)).toEqual([]);
    expect(rowsOf(events).map((event) => [event.line, event.row.nombreEmisor])).toEqual([
      [4, 'Uno'],
      [5, 'Dos'],
    ]);
  });

  it('says a package with no metadata file at all, listing what it holds', async () => {
    const file = await zipOf('no-metadata.zip', {
      'leeme.txt': 'Este paquete no trae metadata\r\n',
      'vacio.txt': '',
      'datos.csv': 'a,b,c',
    });
    expect(await all(readMetadataPackage(file))).toEqual([
      {
        kind: 'noMetadata',
        entries: [
          { entry: 'leeme.txt', found: 'Este paquete no trae metadata' },
          { entry: 'vacio.txt', found: '' },
          { entry: 'datos.csv', found: '' },
        ],
        total: 3,
      },
    ]);
  });

  it('reports a record past 1 MB with its line and reads nothing after it in that file', async () => {
    const file = await zipOf('too-long.zip', {
      'ABC-0001.txt': `${HEADER}\r\n${row(uuid(1), 'Uno')}\r\n${row(uuid(2), 'x'.repeat(1_100_000))}\r\n${row(uuid(3), 'Tres')}\r\n`,
    });
    const events = await all(readMetadataPackage(file));
    expect(rowsOf(events).map((event) => event.row.nombreEmisor)).toEqual(['Uno']);
    expect(notRows(events)).toEqual([
      expect.objectContaining({
        kind: 'unreadableEntry',
        entry: 'ABC-0001.txt',
        line: 3,
        problem: 'recordTooLong',
      }),
    ]);
  });

  it('reads a Windows-1252 file right and says so', async () => {
    const file = await zipOf('windows-1252.zip', {
      'ABC-0001.txt': windows1252(
        `${HEADER}\r\n${row(uuid(1), 'PEÑA Y ASOCIADOS')}\r\n${row(uuid(2), 'Compañía “Ágil” — €')}\r\n`,
      ),
      'ABC_tercero.txt': windows1252(
        `Uuid~RfcACuentaTerceros~NombreACuentaTerceros\r\n${uuid(2)}~DDD010101DDD~Tercería\r\n`,
      ),
    });
    const events = await all(readMetadataPackage(file));
    expect(rowsOf(events).map((event) => [event.row.nombreEmisor, event.row.nombreACuentaTerceros])).toEqual([
      ['PEÑA Y ASOCIADOS', ''],
      ['Compañía “Ágil” — €', 'Tercería'],
    ]);
    // In ZIP order, the third-party file (read first, for the join) included.
    expect(events.filter((event) => event.kind === 'encoding')).toEqual(
      ['ABC-0001.txt', 'ABC_tercero.txt'].map((entry) => ({
        kind: 'encoding',
        entry,
        encoding: 'windows-1252',
        fallback: expect.objectContaining({ line: 2, utf8Before: false }),
      })),
    );
  });

  it('reads UTF-8 with a BOM and says nothing about encoding', async () => {
    const file = await zipOf('bom.zip', {
      'ABC-0001.txt': Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(`${HEADER}\r\n${row(uuid(1), 'PEÑA Y ASOCIADOS')}\r\n`, 'utf8'),
      ]),
    });
    const events = await all(readMetadataPackage(file));
    expect(notRows(events)).toEqual([]);
    expect(rowsOf(events).map((event) => event.row.nombreEmisor)).toEqual(['PEÑA Y ASOCIADOS']);
  });

  it('reads a large file that turns out Windows-1252 past its first chunk, every row right', async () => {
    const names = Array.from({ length: 30_000 }, (_, index) =>
      index === 25_000
        ? 'MUÑOZ CAÑAS'
        : index > 25_000 && index % 1000 === 0
          ? `Ángel ${index}`
          : `NOMBRE ${index}`,
    );
    const uuidOf = (index: number): string => `${String(index).padStart(8, '0')}-AAAA-4BBB-8CCC-000000000000`;
    const text = [HEADER, ...names.map((name, index) => row(uuidOf(index), name)), ''].join('\r\n');
    const bytes = windows1252(text);
    // The first byte that is not UTF-8 lies megabytes in, far past the first inflated chunk.
    expect(bytes.indexOf(0xd1)).toBeGreaterThan(2_000_000);
    const file = await zipOf('large-1252.zip', { 'ABC-0001.txt': bytes });
    const events = await all(readMetadataPackage(file));
    const rows = rowsOf(events);
    expect(rows.map((event) => event.row.nombreEmisor)).toEqual(names);
    expect(rows.map((event) => event.line)).toEqual(names.map((_, index) => index + 2));
    expect(notRows(events)).toEqual([
      {
        kind: 'encoding',
        entry: 'ABC-0001.txt',
        encoding: 'windows-1252',
        fallback: { byte: bytes.indexOf(0xd1), line: 25_002, utf8Before: false },
      },
    ]);
  });
});

const cfdi40 = (uuidValue: string, related = ''): string => `<?xml version="1.0" encoding="UTF-8"?>
<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="4.0" Serie="A" Folio="17" Fecha="2024-05-02T11:12:13" TipoDeComprobante="P" Total="0" Moneda="XXX">
  ${related}
  <cfdi:Emisor Rfc="AAA010101AAA" Nombre="Emisora &amp; Asociados"/>
  <cfdi:Receptor Rfc="bbb010101bbb" Nombre="Receptora"/>
  <cfdi:Conceptos><cfdi:Concepto Descripcion="Pago"/></cfdi:Conceptos>
  <cfdi:Complemento><tfd:TimbreFiscalDigital Version="1.1" UUID="${uuidValue}" FechaTimbrado="2024-05-02T11:12:20"/></cfdi:Complemento>
</cfdi:Comprobante>`;

const retenciones20 = `<?xml version="1.0" encoding="UTF-8"?>
<retenciones:Retenciones xmlns:retenciones="http://www.sat.gob.mx/esquemas/retencionpago/2" xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="2.0" FolioInt="R-9" FechaExp="2024-06-30T10:00:00" CveRetenc="14">
  <retenciones:Emisor RfcE="AAA010101AAA" NomDenRazSocE="Retenedora"/>
  <retenciones:Receptor NacionalidadR="Nacional"><retenciones:Nacional RfcR="BBB010101BBB" NomDenRazSocR="Retenido"/></retenciones:Receptor>
  <retenciones:Periodo MesIni="6" MesFin="6" Ejercicio="2024"/>
  <retenciones:Totales MontoTotOperacion="1000.00" MontoTotGrav="1000" MontoTotExent="0" MontoTotRet="100"/>
  <retenciones:Complemento><tfd:TimbreFiscalDigital Version="1.1" UUID="99999999-AAAA-4BBB-8CCC-DDDDDDDDDDDD" FechaTimbrado="2024-06-30T10:00:09"/></retenciones:Complemento>
</retenciones:Retenciones>`;

describe('readCfdiPackage', () => {
  it('reads the real SAT package: the CFDI 3.2 (also as .xml.xml) and a problem for the non-CFDI entry', async () => {
    const events = await all(readCfdiPackage(path.join(fixtures, 'phpcfdi/zip/cfdi.zip')));
    const documents = events.filter(
      (event): event is Extract<CfdiEvent, { kind: 'document' }> => event.kind === 'document',
    );
    expect(documents.map((event) => event.entry.name).sort()).toEqual([
      'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee.xml',
      'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee.xml.xml',
    ]);
    expect(documents[0]?.document).toMatchObject({
      uuid: '11111111-2222-3333-4444-000000000001',
      tipoDocumento: 'CFDI',
      version: '3.2',
      tipoComprobante: 'I',
      serie: 'C',
      folio: '38',
      fecha: '2015-02-25T13:50:00',
      rfcEmisor: 'AAA010101AAA',
      rfcReceptor: 'E&Ñ831019M53',
      total: '40600.00',
    });
    expect(documents[0]?.entry).toMatchObject({
      size: 2599,
      offset: expect.any(Number),
      crc32: expect.any(Number),
    });
    expect(events.filter((event) => event.kind === 'problem').map((event) => event.entry.name)).toEqual([
      '00000000-0000-0000-0000-000000000000.xml',
    ]);
  });

  it("reads the whole header of CFDI 3.2's lower-case attributes, its free-text payment fields included", async () => {
    const events = await all(readCfdiPackage(path.join(fixtures, 'phpcfdi/zip/cfdi.zip')));
    const [first] = events.filter(
      (event): event is Extract<CfdiEvent, { kind: 'document' }> => event.kind === 'document',
    );
    expect(first?.document).toMatchObject({
      version: '3.2',
      tipoComprobante: 'I',
      fechaTimbrado: '2019-07-24T11:58:36',
      nombreEmisor: 'Empresa de Pruebas SA',
      nombreReceptor: 'Exportadora de Ganado HOLSTEIN S.A.',
      subTotal: '35000.00',
      descuento: '0.00',
      total: '40600.00',
      moneda: 'Pesos',
      tipoCambio: '',
      metodoPago: 'No Identificado',
      formaPago: 'PAGO EN UNA SOLA EXHIBICION',
      usoCfdi: '',
      lugarExpedicion: 'Monterrey, Nuevo León',
      complementos: ['TimbreFiscalDigital'],
    });
  });

  it("reads CFDI 4.0's header: UsoCFDI from the Receptor, every complement once, none of a concept's", async () => {
    const xml = cfdi40('66666666-6666-4666-8666-666666666666')
      .replace(
        'TipoDeComprobante="P" Total="0" Moneda="XXX"',
        'TipoDeComprobante="I" SubTotal="1000" Descuento="50.5" Total="1102.42" Moneda="USD" TipoCambio="17.1234" ' +
          'MetodoPago="PPD" FormaPago="99" LugarExpedicion="64000"',
      )
      .replace('Nombre="Receptora"', 'Nombre="Receptora" UsoCFDI="G03"')
      .replace(
        '<cfdi:Concepto Descripcion="Pago"/>',
        '<cfdi:Concepto Descripcion="Pago"><cfdi:ComplementoConcepto><iedu:instEducativas xmlns:iedu="x"/></cfdi:ComplementoConcepto></cfdi:Concepto>',
      )
      .replace(
        '</cfdi:Complemento>',
        '<leyendasFisc:LeyendasFiscales xmlns:leyendasFisc="y"/></cfdi:Complemento><cfdi:Complemento><tfd:TimbreFiscalDigital/></cfdi:Complemento>',
      );
    const file = await zipOf('header-40.zip', { 'a.xml': xml });
    const [event] = await all(readCfdiPackage(file));
    expect(event).toMatchObject({
      document: {
        subTotal: '1000',
        descuento: '50.5',
        total: '1102.42',
        moneda: 'USD',
        tipoCambio: '17.1234',
        metodoPago: 'PPD',
        formaPago: '99',
        usoCfdi: 'G03',
        lugarExpedicion: '64000',
        complementos: ['TimbreFiscalDigital', 'LeyendasFiscales'],
      },
    });
  });

  it('reads an XML as its prolog declares, and one that is not UTF-8 as Windows-1252, saying so', async () => {
    const named = (xml: string): string =>
      xml.replace('Nombre="Emisora &amp; Asociados"', 'Nombre="PEÑA Compañía"');
    const undeclared = named(cfdi40('33333333-3333-4333-8333-333333333333')).replace(
      '<?xml version="1.0" encoding="UTF-8"?>\n',
      '',
    );
    const latin1 = named(cfdi40('44444444-4444-4444-8444-444444444444')).replace('UTF-8', 'ISO-8859-1');
    const file = await zipOf('encodings.zip', {
      'a.xml': windows1252(undeclared),
      'b.xml': windows1252(latin1),
      'c.xml': named(cfdi40('55555555-5555-4555-8555-555555555555')),
    });
    const events = await all(readCfdiPackage(file));
    expect(
      events.map((event) =>
        event.kind === 'document'
          ? [event.entry.name, event.document.nombreEmisor, event.fallback?.utf8Before ?? 'utf-8']
          : event.reason,
      ),
    ).toEqual([
      ['a.xml', 'PEÑA Compañía', false],
      ['b.xml', 'PEÑA Compañía', 'utf-8'],
      ['c.xml', 'PEÑA Compañía', 'utf-8'],
    ]);
  });

  it('reads CFDI 4.0 and Retenciones 2.0 headers, taking the UUID from the TimbreFiscalDigital only', async () => {
    const trap =
      '<cfdi:CfdiRelacionados TipoRelacion="04"><cfdi:CfdiRelacionado UUID="11111111-1111-4111-8111-111111111111"/></cfdi:CfdiRelacionados>';
    const file = await zipOf('mixed.zip', {
      'a.xml': cfdi40('22222222-2222-4222-8222-222222222222', trap),
      'b.xml': retenciones20,
      'c.xml': cfdi40('not-a-uuid'),
      'd.xml': '<cfdi:Comprobante xmlns:cfdi="x"><unclosed>',
    });
    const events = await all(readCfdiPackage(file));
    expect(events.map((event) => (event.kind === 'document' ? event.document.uuid : event.reason))).toEqual([
      '22222222-2222-4222-8222-222222222222',
      '99999999-aaaa-4bbb-8ccc-dddddddddddd',
      expect.stringMatching(/TimbreFiscalDigital/),
      expect.stringMatching(/well-formed/),
    ]);
    expect(events[0]).toMatchObject({
      document: {
        version: '4.0',
        tipoComprobante: 'P',
        nombreEmisor: 'Emisora & Asociados',
        rfcReceptor: 'BBB010101BBB',
        moneda: 'XXX',
      },
    });
    expect(events[1]).toMatchObject({
      document: {
        tipoDocumento: 'Retenciones',
        version: '2.0',
        folio: 'R-9',
        fecha: '2024-06-30T10:00:00',
        rfcEmisor: 'AAA010101AAA',
        nombreEmisor: 'Retenedora',
        rfcReceptor: 'BBB010101BBB',
        nombreReceptor: 'Retenido',
        total: '1000.00',
      },
    });
  });
});
