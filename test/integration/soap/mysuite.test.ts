import { PassThrough } from 'node:stream';
import type { Client } from 'pg';
import * as soap from 'soap';
import { createDataSource, Tenant } from '../../../src/db';
import { ApiUserService } from '../../../src/services/accounts';
import { SecretBox, generateMasterKey } from '../../../src/services/secrets';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';
import { TestCa, type MintedCredential } from '../../helpers/test-ca';

const DEMO_REQUESTOR = '11111111-2222-3333-4444-555555555555';
const DEMO_RFC = 'EKU9003173C9';
/** The other tenant's own RFC, brought in by an inline FIEL. */
const OTHER_RFC = 'OTR0101017Z3';
const DAY_MS = 86_400_000;
const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64');
const unb64 = (text: string): string => Buffer.from(text, 'base64').toString('utf8');
const attribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

function dictionary(entries: Record<string, string>): string {
  const body = Object.entries(entries)
    .map(([k, v]) => `<Entry k="${attribute(k)}" v="${attribute(v)}"/>`)
    .join('');
  return b64(`<Dictionary name="Params">${body}</Dictionary>`);
}

function inlineFiel(credential: MintedCredential): Record<string, string> {
  return {
    FielCer: b64(credential.certificate),
    FielKey: b64(credential.privateKey),
    FielPass: credential.password,
  };
}

const PERIOD = {
  FechaInicial: '2026-02-01 00:00:00',
  FechaFinal: '2026-02-02 23:59:59',
  Servicio: 'CFDIS',
  TipoSolicitud: 'Metadata',
  TipoTaxID: 'EMISOR',
};

interface TransactionResult {
  Request: { Transaction: string; Entity: string; RequestorActive: boolean | string; UserName?: string };
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
  const ca = new TestCa();
  const otherFiel = ca.mint({ rfc: OTHER_RFC, name: 'OTRA EMPRESA SA DE CV' });
  let application: PostgresTestApp;
  let client: soap.Client;
  let pg: Client;
  let otherRequestor: string;
  const logLines: string[] = [];

  async function call(
    transaction: string,
    data: Record<string, string>,
    overrides: Record<string, string> = {},
  ): Promise<TransactionResult> {
    const [result] = await client.RequestTransactionAsync({
      Requestor: DEMO_REQUESTOR,
      Transaction: transaction,
      Country: 'MX',
      Entity: DEMO_RFC,
      User: DEMO_REQUESTOR,
      UserName: 'contabilidad',
      Data1: dictionary(data),
      Data2: '',
      Data3: '',
      ...overrides,
    });
    return result.RequestTransactionResult as TransactionResult;
  }

  async function count(sql: string, parameters: unknown[] = []): Promise<number> {
    const { rows } = await pg.query<{ n: number }>(sql, parameters);
    return rows[0]?.n ?? -1;
  }

  beforeAll(async () => {
    const logs = new PassThrough();
    logs.on('data', (chunk: Buffer) => logLines.push(chunk.toString('utf8')));
    application = await startTestApp({
      name: 'dm_mysuite',
      env: { WORKERS_ENABLED: 'false', LOG_LEVEL: 'debug' },
      logs,
    });
    client = await soap.createClientAsync(`${application.url}/mx.com.fact.wsfront/FactWSFront.asmx?WSDL`);

    const dataSource = createDataSource({ url: application.database.url, poolSize: 1 });
    await dataSource.initialize();
    const other = await dataSource.getRepository(Tenant).save({ slug: 'otra', nombre: 'Otra' });
    const box = new SecretBox(generateMasterKey(), []);
    otherRequestor = (await new ApiUserService(dataSource, box).create(other.id, 'otra-erp')).requestor;
    await dataSource.destroy();
    pg = application.pg;
  });

  afterAll(async () => {
    await application.close();
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
    expect(result.Response.Data).toBe('8 solicitud(es); 8 registrada(s).');
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
    const lines = await call('OBTENER_LISTA_SOLICITUDES_DM_SAT', { Oper: 'LINES', PageSize: '2' });
    const linesXml = unb64(lines.ResponseData.ResponseData1 ?? '');
    expect(linesXml.startsWith('<Solicitudes><Solicitud ')).toBe(true);
    expect(linesXml.match(/<Solicitud /g)).toHaveLength(2);

    const one = await call('OBTENER_SOLICITUD_DM_SAT', { Id: parsed.Solicitudes[0]?.IdSolicitud ?? '' });
    expect(String(one.Response.Result)).toBe('true');
    expect(one.Response.Data).toBe('Registrada');
    expect(unb64(one.ResponseData.ResponseData1 ?? '')).toMatch(/<Solicitud [^>]*Estado="Registrada"/);
  });

  it('keeps the caller and its UserName in the audit trail, one row per call', async () => {
    await call('OBTENER_LISTA_SOLICITUDES_DM_SAT', { Oper: 'COUNT' }, { UserName: 'auditoria-7' });
    await call('BORRAR_TODO', {}, { UserName: 'auditoria-8' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { rows } = await pg.query<{ operacion: string; resultado: string; codigo: string | null }>(
      `SELECT operacion, resultado, codigo FROM audit_log WHERE actor_name LIKE '%auditoria-%' ORDER BY id`,
    );
    expect(rows).toEqual([
      { operacion: 'MYSuite.OBTENER_LISTA_SOLICITUDES_DM_SAT', resultado: 'ok', codigo: null },
      { operacion: 'MYSuite.BORRAR_TODO', resultado: 'error', codigo: 'DM-2201' },
    ]);
  });

  const base = { ...PERIOD };
  it.each([
    [
      'an unknown Requestor',
      'OBTENER_LISTA_SOLICITUDES_DM_SAT',
      {},
      { Requestor: '99999999-2222-3333-4444-555555555555' },
      3001,
    ],
    ['a Requestor that is not a GUID', 'OBTENER_LISTA_SOLICITUDES_DM_SAT', {}, { Requestor: 'demo' }, 3001],
    ['a country other than MX', 'OBTENER_LISTA_SOLICITUDES_DM_SAT', {}, { Country: 'US' }, 2202],
    [
      'an RFC of no tenant of this Requestor',
      'OBTENER_LISTA_SOLICITUDES_DM_SAT',
      {},
      { Entity: 'AAA010101AAA' },
      2203,
    ],
    ['an unknown transaction', 'BORRAR_TODO', {}, {}, 2201],
    ['Data1 that is not Base64', 'OBTENER_SOLICITUD_DM_SAT', {}, { Data1: '<Dictionary/>' }, 2002],
    ['Data1 that is not XML', 'OBTENER_SOLICITUD_DM_SAT', {}, { Data1: b64('<Dictionary><Entry') }, 2002],
    ['Data1 that is not a Dictionary', 'OBTENER_SOLICITUD_DM_SAT', {}, { Data1: b64('<Params/>') }, 2002],
    ['a missing FechaInicial', 'REGISTRAR_SOLICITUD_DM_SAT', { ...base, FechaInicial: '' }, {}, 2001],
    ['a bad Servicio', 'REGISTRAR_SOLICITUD_DM_SAT', { ...base, Servicio: 'NOMINA' }, {}, 2002],
    ['a bad TipoSolicitud', 'REGISTRAR_SOLICITUD_DM_SAT', { ...base, TipoSolicitud: 'PDF' }, {}, 2002],
    ['a bad TipoTaxID', 'REGISTRAR_SOLICITUD_DM_SAT', { ...base, TipoTaxID: 'TERCERO' }, {}, 2002],
    [
      'a date not in yyyy-MM-dd HH:mm:ss',
      'REGISTRAR_SOLICITUD_DM_SAT',
      { ...base, FechaFinal: '02/02/2026' },
      {},
      9002,
    ],
    ['a bad Forzar', 'REGISTRAR_SOLICITUD_DM_SAT', { ...base, Forzar: 'quizas' }, {}, 2002],
    [
      'an inline FIEL without its password',
      'REGISTRAR_SOLICITUD_DM_SAT',
      { ...base, FielCer: 'AAAA', FielKey: 'AAAA' },
      {},
      2001,
    ],
    [
      'an inline FielCer that is not Base64',
      'REGISTRAR_SOLICITUD_DM_SAT',
      { ...base, FielCer: '%%', FielKey: 'AAAA', FielPass: 'x' },
      {},
      2002,
    ],
    [
      'an inline FielCer that is no certificate',
      'REGISTRAR_SOLICITUD_DM_SAT',
      { ...base, FielCer: 'AAAA', FielKey: 'AAAA', FielPass: 'x' },
      {},
      7001,
    ],
    ['a missing Id', 'OBTENER_SOLICITUD_DM_SAT', {}, {}, 2001],
    ['an unknown Id', 'OBTENER_SOLICITUD_DM_SAT', { Id: '7a1f6b0e-0000-4000-8000-000000000000' }, {}, 9009],
    [
      'a link without IdPaquete',
      'OBTENER_LINK_DESCARGA_DM_SAT',
      { Id: '7a1f6b0e-0000-4000-8000-000000000000' },
      {},
      2001,
    ],
    [
      'a link of an unknown solicitud',
      'OBTENER_LINK_DESCARGA_DM_SAT',
      { Id: '7a1f6b0e-0000-4000-8000-000000000000', IdPaquete: 'X_01' },
      {},
      9009,
    ],
    [
      'a Vigencia that is not a number',
      'OBTENER_LINK_DESCARGA_DM_SAT',
      { Id: 'x', IdPaquete: 'X_01', Vigencia: '1h' },
      {},
      2002,
    ],
    [
      'an unknown filter field',
      'OBTENER_LISTA_SOLICITUDES_DM_SAT',
      { Filters: b64('<Filters><Filter Name="Password" Oper="=" Value1="x" Value2=""/></Filters>') },
      {},
      2204,
    ],
    [
      'a filter named like a prototype member',
      'OBTENER_LISTA_SOLICITUDES_DM_SAT',
      { Filters: b64('<Filters><Filter Name="constructor" Oper="=" Value1="x" Value2=""/></Filters>') },
      {},
      2204,
    ],
    [
      'an unknown filter operator',
      'OBTENER_LISTA_SOLICITUDES_DM_SAT',
      { Filters: b64('<Filters><Filter Name="Servicio" Oper="~" Value1="CFDIS" Value2=""/></Filters>') },
      {},
      2204,
    ],
    [
      'LIKE on a date',
      'OBTENER_LISTA_SOLICITUDES_DM_SAT',
      {
        Filters: b64(
          '<Filters><Filter Name="FechaRegistro" Oper="LIKE" Value1="2026%" Value2=""/></Filters>',
        ),
      },
      {},
      2204,
    ],
    [
      'a filter date in the wrong format',
      'OBTENER_LISTA_SOLICITUDES_DM_SAT',
      {
        Filters: b64('<Filters><Filter Name="FechaRegistro" Oper="&gt;" Value1="ayer" Value2=""/></Filters>'),
      },
      {},
      2002,
    ],
    [
      'Filters that are not a Filters document',
      'OBTENER_LISTA_SOLICITUDES_DM_SAT',
      { Filters: b64('<Filter/>') },
      {},
      2002,
    ],
    [
      'an unknown order field',
      'OBTENER_LISTA_SOLICITUDES_DM_SAT',
      { Order: 'id; DROP TABLE solicitudes' },
      {},
      2204,
    ],
    [
      'an unknown order direction',
      'OBTENER_LISTA_SOLICITUDES_DM_SAT',
      { Order: 'FechaRegistro SIDEWAYS' },
      {},
      2204,
    ],
    ['a bad ResponseFormat', 'OBTENER_LISTA_SOLICITUDES_DM_SAT', { ResponseFormat: 'CSV' }, {}, 2002],
    ['a bad Oper', 'OBTENER_LISTA_SOLICITUDES_DM_SAT', { Oper: 'SUM' }, {}, 2002],
    ['Page 0', 'OBTENER_LISTA_SOLICITUDES_DM_SAT', { Page: '0' }, {}, 2002],
    ['a PageSize over 500', 'OBTENER_LISTA_SOLICITUDES_DM_SAT', { PageSize: '501' }, {}, 2002],
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
      expect(result.ResponseData.ResponseData1 ?? '').toBe('');
    },
  );

  it('names MYSuite’s own keys in its messages (Vigencia, PageSize), not ours', async () => {
    const link = await call('OBTENER_LINK_DESCARGA_DM_SAT', {
      Id: '7a1f6b0e-0000-4000-8000-000000000000',
      IdPaquete: 'X_01',
      Vigencia: '5',
    });
    expect(Number(link.Response.Code)).toBe(2002);
    expect(link.Response.Description).toContain('Vigencia');
    const list = await call('OBTENER_LISTA_SOLICITUDES_DM_SAT', { PageSize: '0' });
    expect(list.Response.Description).toContain('PageSize');
  });

  it('answers a link to a package not stored yet, and to an unknown package, in-band', async () => {
    const registered = await call('REGISTRAR_SOLICITUD_DM_SAT', {
      ...PERIOD,
      FechaInicial: '2026-02-10 00:00:00',
      FechaFinal: '2026-02-10 23:59:59',
    });
    const id = /Id="([^"]+)"/.exec(unb64(registered.ResponseData.ResponseData1 ?? ''))?.[1] ?? '';
    const { rows } = await pg.query<{ id: string; tenant_id: string }>(
      `INSERT INTO sat_requests (solicitud_id) VALUES ($1) RETURNING id, (SELECT tenant_id FROM solicitudes WHERE id = $1)`,
      [id],
    );
    await pg.query(
      `INSERT INTO paquetes (tenant_id, solicitud_id, sat_request_id, id_paquete) VALUES ($1, $2, $3, 'PAQ_PENDIENTE_01')`,
      [rows[0]?.tenant_id, id, rows[0]?.id],
    );
    const pending = await call('OBTENER_LINK_DESCARGA_DM_SAT', { Id: id, IdPaquete: 'PAQ_PENDIENTE_01' });
    expect(Number(pending.Response.Code)).toBe(9013);
    const unknown = await call('OBTENER_LINK_DESCARGA_DM_SAT', { Id: id, IdPaquete: 'PAQ_OTRO_01' });
    expect(Number(unknown.Response.Code)).toBe(9012);
  });

  it.each([
    ['a wrong password', () => ({ ...inlineFiel(otherFiel), FielPass: 'no-es-la-clave' }), 7002],
    [
      'a key of another certificate',
      () => ({ ...inlineFiel(otherFiel), FielKey: b64(ca.mint({ rfc: OTHER_RFC }).privateKey) }),
      7003,
    ],
    ['a CSD instead of a FIEL', () => inlineFiel(ca.mint({ rfc: OTHER_RFC, kind: 'CSD' })), 7004],
    [
      'an expired FIEL',
      () =>
        inlineFiel(
          ca.mint({
            rfc: OTHER_RFC,
            validFrom: new Date(Date.now() - 900 * DAY_MS),
            validTo: new Date(Date.now() - DAY_MS),
          }),
        ),
      7005,
    ],
    [
      'a FIEL not valid yet',
      () => inlineFiel(ca.mint({ rfc: OTHER_RFC, validFrom: new Date(Date.now() + 2 * DAY_MS) })),
      7006,
    ],
    ['the FIEL of another RFC than Entity', () => inlineFiel(ca.mint({ rfc: 'XYZ010101AB1' })), 7007],
  ])('refuses an inline FIEL with %s, registering nothing and storing nothing', async (_case, fiel, code) => {
    const before = await count('SELECT count(*)::int AS n FROM solicitudes');
    const result = await call(
      'REGISTRAR_SOLICITUD_DM_SAT',
      { ...PERIOD, ...fiel() },
      { Requestor: otherRequestor, Entity: OTHER_RFC },
    );
    expect(String(result.Response.Result)).toBe('false');
    expect(Number(result.Response.Code)).toBe(code);
    expect(await count('SELECT count(*)::int AS n FROM solicitudes')).toBe(before);
    expect(await count('SELECT count(*)::int AS n FROM contribuyentes WHERE rfc = $1', [OTHER_RFC])).toBe(0);
  });

  it('validates the other keys before an inline FIEL is stored', async () => {
    const result = await call(
      'REGISTRAR_SOLICITUD_DM_SAT',
      { ...PERIOD, Servicio: 'NOMINA', ...inlineFiel(otherFiel) },
      { Requestor: otherRequestor, Entity: OTHER_RFC },
    );
    expect(Number(result.Response.Code)).toBe(2002);
    expect(await count('SELECT count(*)::int AS n FROM contribuyentes WHERE rfc = $1', [OTHER_RFC])).toBe(0);
  });

  it('brings a new RFC into the tenant with an inline FIEL, and never shows that FIEL again', async () => {
    const result = await call(
      'REGISTRAR_SOLICITUD_DM_SAT',
      { ...PERIOD, ...inlineFiel(otherFiel) },
      { Requestor: otherRequestor, Entity: OTHER_RFC, UserName: 'alta-fiel' },
    );
    expect(String(result.Response.Result)).toBe('true');
    expect(unb64(result.ResponseData.ResponseData1 ?? '')).toMatch(/Estado="Registrada"/);
    const { rows } = await pg.query<{ serial: string; key: Buffer; password: Buffer }>(
      `SELECT c.fiel_serial AS serial, c.fiel_key_ciphertext AS key, c.fiel_password_ciphertext AS password
         FROM contribuyentes c JOIN tenants t ON t.id = c.tenant_id WHERE t.slug = 'otra' AND c.rfc = $1`,
      [OTHER_RFC],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.serial).toBe(otherFiel.certificateNumber);
    // Sealed, not stored as given.
    expect(rows[0]?.key.includes(otherFiel.privateKey)).toBe(false);
    expect(rows[0]?.password.toString('latin1')).not.toContain(otherFiel.password);

    // The secret is nowhere in plain text: not in any row of any table, any log line or any answer.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { rows: tables } = await pg.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const keyBase64 = b64(otherFiel.privateKey);
    for (const { table_name: table } of tables) {
      const { rows: dump } = await pg.query<{ text: string | null }>(
        `SELECT string_agg(t::text, E'\\n') AS text FROM "${table}" t`,
      );
      const text = dump[0]?.text ?? '';
      expect({ table, hasPassword: text.includes(otherFiel.password) }).toEqual({
        table,
        hasPassword: false,
      });
      expect({ table, hasKey: text.includes(keyBase64.slice(0, 64)) }).toEqual({ table, hasKey: false });
    }
    const logs = logLines.join('');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(otherFiel.password);
    expect(logs).not.toContain(keyBase64.slice(0, 64));
    expect(JSON.stringify(result)).not.toContain(otherFiel.password);
    const audit = await count(
      `SELECT count(*)::int AS n FROM audit_log WHERE operacion = 'MYSuite.REGISTRAR_SOLICITUD_DM_SAT'
          AND actor_name = 'otra-erp / alta-fiel' AND resultado = 'ok'`,
    );
    expect(audit).toBe(1);
  });

  it('refuses a DTD inside Data1 in-band, without expanding anything', async () => {
    const [answer] = await client.RequestTransactionAsync({
      Requestor: DEMO_REQUESTOR,
      Transaction: 'OBTENER_SOLICITUD_DM_SAT',
      Country: 'MX',
      Entity: DEMO_RFC,
      Data1: b64(
        '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Dictionary><Entry k="Id" v="&x;"/></Dictionary>',
      ),
    });
    const result = answer.RequestTransactionResult as TransactionResult;
    expect(String(result.Response.Result)).toBe('false');
    expect(Number(result.Response.Code)).toBe(2002);
    expect(JSON.stringify(result)).not.toContain('root:');
  });

  it('never lets another tenant’s Requestor reach this tenant’s RFC, solicitudes or packages', async () => {
    // By now the other tenant holds its own RFC (inline FIEL above): it is a real, working caller.
    const asOther = { Requestor: otherRequestor, Entity: OTHER_RFC };
    const registerHere = await call('REGISTRAR_SOLICITUD_DM_SAT', PERIOD, { Requestor: otherRequestor });
    expect(Number(registerHere.Response.Code)).toBe(2203);

    const own = await call('OBTENER_LISTA_SOLICITUDES_DM_SAT', { ResponseFormat: 'JSON' });
    const ids = (
      JSON.parse(unb64(own.ResponseData.ResponseData1 ?? '')) as { Solicitudes: { IdSolicitud: string }[] }
    ).Solicitudes.map((s) => s.IdSolicitud);
    expect(ids.length).toBeGreaterThan(0);
    const id = ids[0] ?? '';

    const theirs = await call('OBTENER_LISTA_SOLICITUDES_DM_SAT', { ResponseFormat: 'JSON' }, asOther);
    expect(String(theirs.Response.Result)).toBe('true');
    const theirIds = (
      JSON.parse(unb64(theirs.ResponseData.ResponseData1 ?? '')) as { Solicitudes: { IdSolicitud: string }[] }
    ).Solicitudes.map((s) => s.IdSolicitud);
    expect(theirIds.length).toBeGreaterThan(0);
    expect(theirIds.filter((theirId) => ids.includes(theirId))).toEqual([]);

    // Another tenant's id answers exactly like an id that does not exist.
    const stolen = await call('OBTENER_SOLICITUD_DM_SAT', { Id: id }, asOther);
    const missing = await call(
      'OBTENER_SOLICITUD_DM_SAT',
      { Id: '7a1f6b0e-0000-4000-8000-000000000000' },
      asOther,
    );
    expect(Number(stolen.Response.Code)).toBe(9009);
    expect(Number(missing.Response.Code)).toBe(9009);
    const anonymous = (answer: TransactionResult, asked: string): string =>
      answer.Response.Description.replace(asked, '<id>');
    expect(anonymous(stolen, id)).toBe(anonymous(missing, '7a1f6b0e-0000-4000-8000-000000000000'));
    expect(stolen.ResponseData.ResponseData1 ?? '').toBe('');
    const link = await call(
      'OBTENER_LINK_DESCARGA_DM_SAT',
      { Id: id, IdPaquete: 'PAQ_PENDIENTE_01' },
      asOther,
    );
    expect(Number(link.Response.Code)).toBe(9009);
  });
});
