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

async function zipOf(name: string, entries: Record<string, string>): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [entry, content] of Object.entries(entries)) zip.addBuffer(Buffer.from(content, 'utf8'), entry);
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
