import { PassThrough } from 'node:stream';
import * as soap from 'soap';
import { loadConfig } from '../../../src/config';
import { createDataSource, Tenant } from '../../../src/db';
import { createLogger } from '../../../src/logging';
import { startApplication, type RunningApplication } from '../../../src/main';
import { ApiUserService } from '../../../src/services/accounts';
import { SecretBox, generateMasterKey } from '../../../src/services/secrets';
import { createEmptyDatabase, type EmptyDatabase } from '../../helpers/empty-database';

const DEMO_REQUESTOR = '11111111-2222-3333-4444-555555555555';
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text: string): string => Buffer.from(text, 'base64').toString('utf8');

function dictionary(entries: Record<string, string>): string {
  const body = Object.entries(entries)
    .map(([k, v]) => `<Entry k="${k}" v="${v}"/>`)
    .join('');
  return b64(`<Dictionary name="Params">${body}</Dictionary>`);
}

interface TransactionResult {
  Request: { Transaction: string; Entity: string; RequestorActive: boolean | string };
  Response: {
    Result: boolean | string;
    Code: number | string;
    Description: string;
    Hint: string;
    Data: string;
  };
  ResponseData: { ResponseData1?: string };
}

describe('MYSuite-compatible RequestTransaction', () => {
  let database: EmptyDatabase;
  let application: RunningApplication;
  let client: soap.Client;
  let otherRequestor: string;

  async function call(
    transaction: string,
    data: Record<string, string>,
    overrides: Record<string, string> = {},
  ): Promise<TransactionResult> {
    const [result] = await client.RequestTransactionAsync({
      Requestor: DEMO_REQUESTOR,
      Transaction: transaction,
      Country: 'MX',
      Entity: 'EKU9003173C9',
      User: DEMO_REQUESTOR,
      UserName: 'contabilidad',
      Data1: dictionary(data),
      Data2: '',
      Data3: '',
      ...overrides,
    });
    return result.RequestTransactionResult as TransactionResult;
  }

  beforeAll(async () => {
    database = await createEmptyDatabase('dm_mysuite');
    const masterKey = Buffer.alloc(32, 5).toString('base64');
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      MASTER_KEY: masterKey,
      SAT_MODE: 'simulator',
      WORKERS_ENABLED: 'false',
      DATA_DIR: '/tmp/dm-mysuite-test',
    });
    application = await startApplication(config, createLogger({ stream: new PassThrough() }), {
      announce: () => undefined,
    });
    client = await soap.createClientAsync(`${application.url}/mx.com.fact.wsfront/FactWSFront.asmx?WSDL`);

    const dataSource = createDataSource({ url: database.url, poolSize: 1 });
    await dataSource.initialize();
    const other = await dataSource.getRepository(Tenant).save({ slug: 'otra', nombre: 'Otra' });
    const box = new SecretBox(generateMasterKey(), []);
    otherRequestor = (await new ApiUserService(dataSource, box).create(other.id, 'otra-erp')).requestor;
    await dataSource.destroy();
  });

  afterAll(async () => {
    await application.close();
    await database.drop();
  });

  it('registers with AMBOS fan-out into eight solicitudes, answered in ResponseData1', async () => {
    const result = await call('REGISTRAR_SOLICITUD_DM_SAT', {
      FechaInicial: '2026-01-01 00:00:00',
      FechaFinal: '2026-01-31 23:59:59',
      Servicio: 'AMBOS',
      TipoSolicitud: 'AMBOS',
      TipoTaxID: 'AMBOS',
    });
    expect(String(result.Response.Result)).toBe('true');
    expect(Number(result.Response.Code)).toBe(0);
    expect(String(result.Request.RequestorActive)).toBe('true');
    const xml = unb64(result.ResponseData.ResponseData1 ?? '');
    const rows = [...xml.matchAll(/<Solicitud [^>]*Estado="(\w+)"[^>]*\/>/g)];
    expect(rows).toHaveLength(8);
    expect(rows.every((row) => row[1] === 'Registrada')).toBe(true);
    expect(xml).toContain('Servicio="RETENCIONES"');
  });

  it('gets one solicitud and lists with filters, order and paging in JSON and XML', async () => {
    const filters = b64(
      '<Filters><Filter Name="Servicio" Oper="=" Value1="RETENCIONES" Value2=""/></Filters>',
    );
    const json = await call('OBTENER_LISTA_SOLICITUDES_DM_SAT', {
      Page: '1',
      PageSize: '3',
      ResponseFormat: 'JSON',
      Order: 'TipoSolicitud ASC, FechaRegistro DESC',
      Filters: filters,
    });
    expect(String(json.Response.Result)).toBe('true');
    const parsed = JSON.parse(unb64(json.ResponseData.ResponseData1 ?? '')) as {
      TotalLines: number;
      TotalPages: number;
      Solicitudes: { IdSolicitud: string; TipoDocumento: string; TipoSolicitud: string }[];
    };
    expect(parsed.TotalLines).toBe(4);
    expect(parsed.TotalPages).toBe(2);
    expect(parsed.Solicitudes.map((s) => s.TipoDocumento)).toEqual([
      'Retenciones',
      'Retenciones',
      'Retenciones',
    ]);
    expect(parsed.Solicitudes[0]?.TipoSolicitud).toBe('CFDI');

    const count = await call('OBTENER_LISTA_SOLICITUDES_DM_SAT', { ResponseFormat: 'XML', Oper: 'COUNT' });
    expect(unb64(count.ResponseData.ResponseData1 ?? '')).toMatch(
      /^<Solicitudes PageSize="50" TotalLines="8" TotalPages="1"><\/Solicitudes>$/,
    );

    const one = await call('OBTENER_SOLICITUD_DM_SAT', { Id: parsed.Solicitudes[0]?.IdSolicitud ?? '' });
    expect(String(one.Response.Result)).toBe('true');
    expect(unb64(one.ResponseData.ResponseData1 ?? '')).toMatch(/<Solicitud [^>]*Estado="Registrada"/);
  });

  it.each([
    [
      'an unknown Requestor',
      'OBTENER_LISTA_SOLICITUDES_DM_SAT',
      {},
      { Requestor: '99999999-2222-3333-4444-555555555555' },
      3001,
    ],
    ['a country other than MX', 'OBTENER_LISTA_SOLICITUDES_DM_SAT', {}, { Country: 'US' }, 2202],
    [
      'an RFC of no tenant of this Requestor',
      'OBTENER_LISTA_SOLICITUDES_DM_SAT',
      {},
      { Entity: 'AAA010101AAA' },
      2203,
    ],
    ['an unknown transaction', 'BORRAR_TODO', {}, {}, 2201],
    [
      'an unknown filter field',
      'OBTENER_LISTA_SOLICITUDES_DM_SAT',
      { Filters: b64('<Filters><Filter Name="Password" Oper="=" Value1="x" Value2=""/></Filters>') },
      {},
      2204,
    ],
    [
      'an unknown order field',
      'OBTENER_LISTA_SOLICITUDES_DM_SAT',
      { Order: 'id; DROP TABLE solicitudes' },
      {},
      2204,
    ],
    [
      'a bad Servicio',
      'REGISTRAR_SOLICITUD_DM_SAT',
      {
        FechaInicial: '2026-01-01 00:00:00',
        FechaFinal: '2026-01-02 00:00:00',
        Servicio: 'NOMINA',
        TipoSolicitud: 'CFDI',
        TipoTaxID: 'EMISOR',
      },
      {},
      2002,
    ],
    ['a missing Id', 'OBTENER_SOLICITUD_DM_SAT', {}, {}, 2001],
  ])(
    'answers %s in-band with Result=false and Code %s',
    async (_case, transaction, data, overrides, code) => {
      const result = await call(
        transaction,
        data as Record<string, string>,
        overrides as Record<string, string>,
      );
      expect(String(result.Response.Result)).toBe('false');
      expect(Number(result.Response.Code)).toBe(code);
      expect(result.Response.Description.length).toBeGreaterThan(10);
      expect(result.Response.Hint).toContain(`DM-${code}`);
    },
  );

  it('refuses a DTD inside Data1 in-band, without expanding anything', async () => {
    const [answer] = await client.RequestTransactionAsync({
      Requestor: DEMO_REQUESTOR,
      Transaction: 'OBTENER_SOLICITUD_DM_SAT',
      Country: 'MX',
      Entity: 'EKU9003173C9',
      Data1: b64(
        '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Dictionary><Entry k="Id" v="&x;"/></Dictionary>',
      ),
    });
    const result = answer.RequestTransactionResult as TransactionResult;
    expect(String(result.Response.Result)).toBe('false');
    expect(Number(result.Response.Code)).toBe(2002);
    expect(JSON.stringify(result)).not.toContain('root:');
  });

  it('never lets another tenant’s Requestor reach this tenant’s RFC or solicitudes', async () => {
    const list = await call('OBTENER_LISTA_SOLICITUDES_DM_SAT', {}, { Requestor: otherRequestor });
    expect(Number(list.Response.Code)).toBe(2203);
    const own = await call('OBTENER_LISTA_SOLICITUDES_DM_SAT', { ResponseFormat: 'JSON' });
    const id = (
      JSON.parse(unb64(own.ResponseData.ResponseData1 ?? '')) as { Solicitudes: { IdSolicitud: string }[] }
    ).Solicitudes[0]?.IdSolicitud;
    const stolen = await call('OBTENER_SOLICITUD_DM_SAT', { Id: id ?? '' }, { Requestor: otherRequestor });
    expect(String(stolen.Response.Result)).toBe('false');
    expect(JSON.stringify(stolen)).not.toContain(id);
  });
});
