import path from 'node:path';
import { Client } from 'pg';
import { TRANSACTION_PARAMS } from '../../../src/soap/mysuite/transactions';
import type { ParamType } from '../../../src/soap/mysuite/typed-params';
import {
  readOperations,
  sampleValue,
  typedFields,
  type LeafType,
  type Operation,
  type TypedField,
  type XsdNode,
} from '../../helpers/contract-fields';
import { S11, S12, post, textOf, type RawAnswer } from '../soap-infra/soap-fetch';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';
import { demoDigestHeader } from '../../helpers/soap-auth-calls';

/*
 * Every contract-typed field (boolean, integer, enumeration, date-time) of every operation of both
 * bindings, sent through real HTTP with values of the wrong type: each answer must be a Fault (MYSuite:
 * its in-band error) naming that field, and no solicitud may be registered. DescargaMasiva's fields
 * come from parsing wsdl/DescargaMasiva.xsd, MYSuite's from the table its transactions read Data1
 * with, so a field added later is fuzzed without touching this test.
 */

const DM = 'urn:descarga-masiva:v1';
const MYSUITE = 'http://www.fact.com.mx/schema/ws';
const DEMO_REQUESTOR = '11111111-2222-3333-4444-555555555555';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** A valid request of each operation, to which one wrong field is added (or in which it is replaced). */
const DM_BASES: Record<string, Tree> = {
  RegistrarSolicitud: {
    Rfc: 'EKU9003173C9',
    FechaInicial: '2026-01-01T00:00:00',
    FechaFinal: '2026-01-31T23:59:59',
    Contexto: 'Emitidos',
    TipoSolicitud: 'Metadata',
  },
  RecuperarSolicitud: { IdSolicitud: UNKNOWN_ID },
  RecuperarLinkDescarga: { IdSolicitud: UNKNOWN_ID, IdPaquete: 'X_01' },
  RecuperarListaSolicitudes: {},
  ConsultarCfdi: {},
  RecuperarCfdi: { Uuid: UNKNOWN_ID },
  ConsultarConciliacion: {
    Rfc: 'EKU9003173C9',
    FechaInicial: '2026-01-01T00:00:00',
    FechaFinal: '2026-01-31T23:59:59',
  },
  ConsultarPagos: {},
};

const MYSUITE_BASES: Record<string, Record<string, string>> = {
  REGISTRAR_SOLICITUD_DM_SAT: {
    // Another month than DescargaMasiva's base: each control registration must create solicitudes.
    FechaInicial: '2026-02-01 00:00:00',
    FechaFinal: '2026-02-28 23:59:59',
    Servicio: 'CFDIS',
    TipoSolicitud: 'Metadata',
    TipoTaxID: 'EMISOR',
  },
  OBTENER_SOLICITUD_DM_SAT: { Id: UNKNOWN_ID },
  OBTENER_LINK_DESCARGA_DM_SAT: { Id: UNKNOWN_ID, IdPaquete: 'X_01' },
  OBTENER_LISTA_SOLICITUDES_DM_SAT: {},
};

/** Wrong for every type; those a field's type happens to accept are skipped for it (see `accepts`). */
const WRONG_TEXT = [
  'yes',
  '2',
  '',
  '  ',
  'x',
  'null',
  '2024-13-01',
  '2024-02-30T25:00:00',
  '2024-02-30T00:00:00',
  '2026-01-01T00:00:00Z',
  '9999999999999',
  '-1',
  '0',
  '1.5',
  '12abc',
  '0x10',
  'ñandú ✓ 😀',
  'x'.repeat(5000),
];

/** A wrong value: some text, or a wrong shape (the element twice, or holding an element). */
type Wrong = { readonly text: string } | { readonly shape: 'twice' | 'child' };
type Tree = { readonly [name: string]: string | readonly string[] | Tree | Wrong };

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})$/;

function isDateTime(text: string): boolean {
  const match = WALL_CLOCK.exec(text);
  if (!match) return false;
  const [y, mo, d, h, mi, s] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const probe = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d && probe.getUTCHours() === h;
}

/** Whether the contract's type accepts `raw` (the oracle that keeps valid values out of the wrong ones). */
function accepts(type: LeafType, raw: string): boolean {
  const text = raw.trim();
  switch (type.kind) {
    case 'boolean':
      return /^(true|false|1|0)$/i.test(text);
    case 'integer':
      return /^[+-]?\d+$/.test(text) && Number(text) >= type.min && Number(text) <= type.max;
    case 'enumeration':
      return type.values.some((value) => value.toLowerCase() === text.toLowerCase());
    case 'date-time':
      return isDateTime(text);
    case 'text':
      return true;
  }
}

function wrongValues(type: LeafType, repeatable: boolean): Wrong[] {
  const extra = type.kind === 'enumeration' ? type.values.map((value) => `${value}x`) : [];
  return [
    ...[...WRONG_TEXT, ...extra].filter((text) => !accepts(type, text)).map((text) => ({ text })),
    { shape: 'child' as const },
    ...(repeatable ? [] : [{ shape: 'twice' as const }]),
  ];
}

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function isWrong(value: unknown): value is Wrong {
  return typeof value === 'object' && value !== null && ('text' in value || 'shape' in value);
}

/** The operation element's content in the XSD's order, elements prefixed `dm:`. */
function serialize(node: XsdNode, tree: Tree): string {
  const known = new Set((node.children ?? []).map((child) => child.name));
  const stray = Object.keys(tree).filter((name) => !known.has(name));
  if (stray.length > 0) throw new Error(`not in the XSD under ${node.name}: ${stray.join(', ')}`);
  return (node.children ?? [])
    .filter((child) => tree[child.name] !== undefined)
    .map((child) => {
      const value = tree[child.name];
      const tag = `dm:${child.name}`;
      const element = (content: string): string => `<${tag}>${content}</${tag}>`;
      if (isWrong(value)) {
        if ('text' in value) return element(escape(value.text));
        return value.shape === 'twice'
          ? element('true') + element('false')
          : element('<dm:Dentro>1</dm:Dentro>');
      }
      if (typeof value === 'string') return element(escape(value));
      if (Array.isArray(value)) return (value as string[]).map((item) => element(escape(item))).join('');
      return element(serialize(child, value as Tree));
    })
    .join('');
}

/** `tree` with `value` at `trail`; groups created on the way get their required children. */
function withValue(node: XsdNode, tree: Tree, trail: readonly string[], value: Tree[string]): Tree {
  const [name, ...rest] = trail;
  const child = node.children?.find((candidate) => candidate.name === name);
  if (!name || !child) throw new Error(`no ${trail.join('/')} under ${node.name}`);
  if (rest.length === 0) return { ...tree, [name]: value };
  const existing = tree[name];
  const group: Tree =
    typeof existing === 'object' && !Array.isArray(existing) && !isWrong(existing)
      ? (existing as Tree)
      : Object.fromEntries(
          (child.children ?? [])
            .filter((grandchild) => grandchild.required && grandchild.leaf)
            .map((grandchild) => [grandchild.name, sampleValue(grandchild.leaf as LeafType)]),
        );
  return { ...tree, [name]: withValue(child, group, rest, value) };
}

function describeWrong(value: Wrong): string {
  if ('shape' in value) return `<${value.shape}>`;
  return JSON.stringify(
    value.text.length > 30 ? `${value.text.slice(0, 30)}…(${value.text.length})` : value.text,
  );
}

/** Runs `work` over `items` with a few requests in flight, as a client pool would. */
async function inParallel<T>(
  items: readonly T[],
  work: (item: T) => Promise<void>,
  width = 6,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next] as T;
        next += 1;
        await work(item);
      }
    }),
  );
}

describe('typed fields of both bindings, fuzzed with wrong-typed values', () => {
  let application: PostgresTestApp;
  let pg: Client;
  const operations: Operation[] = readOperations(path.join(__dirname, '../../../wsdl/DescargaMasiva.wsdl'));

  async function rows(): Promise<{ solicitudes: number; registros: number }> {
    const { rows: counted } = await pg.query<{ solicitudes: number; registros: number }>(
      `SELECT (SELECT count(*) FROM solicitudes)::int AS solicitudes, (SELECT count(*) FROM registros)::int AS registros`,
    );
    return counted[0] ?? { solicitudes: -1, registros: -1 };
  }

  function callDm(operation: Operation, tree: Tree, version: '1.1' | '1.2' = '1.1'): Promise<RawAnswer> {
    const body = `<dm:${operation.name} xmlns:dm="${DM}">${serialize(operation.input, tree)}</dm:${operation.name}>`;
    const xml = `<env:Envelope xmlns:env="${version === '1.1' ? S11 : S12}"><env:Header>${demoDigestHeader()}</env:Header><env:Body>${body}</env:Body></env:Envelope>`;
    return post(`${application.url}/soap/DescargaMasiva`, xml, {
      version,
      action: `${DM}/${operation.name}`,
    });
  }

  async function callMySuite(transaction: string, data1: string): Promise<Record<string, string>> {
    const xml =
      `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${S11}" xmlns:ws="${MYSUITE}"><soap:Body>` +
      `<ws:RequestTransaction><ws:Requestor>${DEMO_REQUESTOR}</ws:Requestor><ws:Transaction>${transaction}</ws:Transaction>` +
      `<ws:Country>MX</ws:Country><ws:Entity>EKU9003173C9</ws:Entity><ws:User>${DEMO_REQUESTOR}</ws:User>` +
      `<ws:UserName>fuzz</ws:UserName><ws:Data1>${data1}</ws:Data1></ws:RequestTransaction></soap:Body></soap:Envelope>`;
    const answer = await post(`${application.url}/mx.com.fact.wsfront/FactWSFront.asmx`, xml, {
      action: `${MYSUITE}/RequestTransaction`,
    });
    expect(answer.status).toBe(200);
    const field = (name: string): string => textOf(answer.document, MYSUITE, name) ?? '';
    return {
      Result: field('Result'),
      Code: field('Code'),
      Description: field('Description'),
      Hint: field('Hint'),
    };
  }

  beforeAll(async () => {
    application = await startTestApp({
      name: 'dm_typed_fuzz',
      env: {
        WORKERS_ENABLED: 'false',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    pg = new Client({ connectionString: application.database.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await application.close();
  });

  it('reads the contract: every operation has a base request and typed fields are found', () => {
    expect(operations.map((operation) => operation.name).sort()).toEqual(Object.keys(DM_BASES).sort());
    const names = operations
      .flatMap(typedFields)
      .map((field) => `${field.operation}/${field.path.join('/')}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'RegistrarSolicitud/Simular',
        'RegistrarSolicitud/Forzar',
        'RegistrarSolicitud/FechaFinal',
        'RecuperarListaSolicitudes/Filtro/PeriodoDesde',
        'RecuperarListaSolicitudes/Orden/Direccion',
        'RecuperarLinkDescarga/VigenciaSegundos',
        'RecuperarCfdi/Formato',
        'ConsultarConciliacion/IncluirXmlSinMetadata',
      ]),
    );
    expect(Object.keys(TRANSACTION_PARAMS).sort()).toEqual(Object.keys(MYSUITE_BASES).sort());
  });

  it('answers Simular=yes with a Fault naming Simular and registers nothing (SOAP 1.1 and 1.2)', async () => {
    const registrar = operations.find((operation) => operation.name === 'RegistrarSolicitud') as Operation;
    const before = await rows();
    for (const version of ['1.1', '1.2'] as const) {
      const answer = await callDm(registrar, { ...DM_BASES.RegistrarSolicitud, Simular: 'yes' }, version);
      expect(answer.status).toBe(version === '1.1' ? 500 : 400);
      expect(textOf(answer.document, DM, 'Codigo')).toBe('DM-2002');
      expect(textOf(answer.document, DM, 'Campo')).toBe('Simular');
    }
    expect(await rows()).toEqual(before);
  });

  it('answers every wrong-typed DescargaMasiva field with a client Fault naming it, registering nothing', async () => {
    const fields = operations.flatMap(typedFields);
    const byName = new Map(operations.map((operation) => [operation.name, operation]));
    const cases = fields.flatMap((field) =>
      wrongValues(field.type, field.node.repeatable).map((wrong) => ({ field, wrong })),
    );
    const before = await rows();
    const problems: string[] = [];
    const codes = new Map<string, number>();
    await inParallel(cases, async ({ field, wrong }) => {
      const operation = byName.get(field.operation) as Operation;
      const tree = withValue(operation.input, DM_BASES[field.operation] ?? {}, field.path, wrong);
      const answer = await callDm(operation, tree);
      const code = textOf(answer.document, DM, 'Codigo') ?? '';
      const campo = textOf(answer.document, DM, 'Campo');
      const faultcode = textOf(answer.document, null, 'faultcode');
      codes.set(code, (codes.get(code) ?? 0) + 1);
      const leaf = field.path[field.path.length - 1];
      if (answer.status !== 500 || faultcode !== 'soap:Client' || campo !== leaf || !/^DM-\d{4}$/.test(code))
        problems.push(
          `${field.operation}/${field.path.join('/')} = ${describeWrong(wrong)} => ${answer.status} ${code} ${campo ?? '-'}`,
        );
    });
    console.log(
      `DescargaMasiva: ${cases.length} wrong values over ${fields.length} typed fields`,
      Object.fromEntries(codes),
    );
    expect(problems).toEqual([]);
    expect(await rows()).toEqual(before);

    // The base registration is valid and does register: a value taken as a default would have.
    const registrar = byName.get('RegistrarSolicitud') as Operation;
    const control = await callDm(registrar, DM_BASES.RegistrarSolicitud ?? {});
    expect(control.status).toBe(200);
    expect((await rows()).solicitudes).toBeGreaterThan(before.solicitudes);
  });

  it('accepts a valid value in every typed DescargaMasiva field (the Faults above are about the values)', async () => {
    const problems: string[] = [];
    const before = await rows();
    await inParallel(operations.flatMap(typedFields), async (field: TypedField) => {
      const operation = operations.find((candidate) => candidate.name === field.operation) as Operation;
      // A dry run: Simular=true registers nothing, so only the field under test can be at fault.
      const base: Tree =
        operation.name === 'RegistrarSolicitud'
          ? { ...DM_BASES.RegistrarSolicitud, Simular: 'true' }
          : (DM_BASES[operation.name] ?? {});
      const baseValue = field.path.length === 1 ? base[field.path[0] as string] : undefined;
      const valid = typeof baseValue === 'string' ? baseValue : sampleValue(field.type);
      const answer = await callDm(operation, withValue(operation.input, base, field.path, valid));
      const campo = textOf(answer.document, DM, 'Campo');
      const code = textOf(answer.document, DM, 'Codigo');
      if (campo === field.path[field.path.length - 1] || code === 'DM-1000')
        problems.push(
          `${field.operation}/${field.path.join('/')} = ${valid} => ${answer.status} ${code} ${campo}`,
        );
    });
    expect(problems).toEqual([]);
    expect(await rows()).toEqual(before);
  });

  it('answers every wrong-typed MYSuite Data1 key in-band naming it, registering nothing', async () => {
    const b64 = (text: string): string => Buffer.from(text).toString('base64');
    const dictionary = (entries: Record<string, string>): string =>
      b64(
        `<Dictionary name="Params">${Object.entries(entries)
          .map(([key, value]) => `<Entry k="${escape(key)}" v="${escape(value)}"/>`)
          .join('')}</Dictionary>`,
      );
    const asLeaf = (type: ParamType<unknown>): LeafType =>
      type.kind === 'choice'
        ? { kind: 'enumeration', values: type.values ?? [] }
        : type.kind === 'integer'
          ? { kind: 'integer', min: type.min ?? 0, max: type.max ?? 0 }
          : { kind: type.kind };
    const cases = Object.entries(TRANSACTION_PARAMS).flatMap(([transaction, spec]) =>
      Object.entries(spec).flatMap(([key, type]) =>
        [...WRONG_TEXT, ...(type.values ?? []).map((value) => `${value}x`)]
          .filter((text) => !accepts(asLeaf(type), text))
          .map((text) => ({ transaction, key, text })),
      ),
    );
    const before = await rows();
    const problems: string[] = [];
    await inParallel(cases, async ({ transaction, key, text }) => {
      const data = dictionary({ ...MYSUITE_BASES[transaction], [key]: text });
      const answer = await callMySuite(transaction, data);
      if (
        answer.Result !== 'false' ||
        ['0', '1000', ''].includes(answer.Code) ||
        !answer.Description.includes(key)
      )
        problems.push(`${transaction} ${key} = ${describeWrong({ text })} => ${JSON.stringify(answer)}`);
    });
    console.log(`MYSuite: ${cases.length} wrong values`);
    expect(problems).toEqual([]);
    expect(await rows()).toEqual(before);

    // The base registration is valid and does register: a value taken as a default would have.
    const control = await callMySuite(
      'REGISTRAR_SOLICITUD_DM_SAT',
      dictionary(MYSUITE_BASES.REGISTRAR_SOLICITUD_DM_SAT ?? {}),
    );
    expect(control.Result).toBe('true');
    expect((await rows()).solicitudes).toBeGreaterThan(before.solicitudes);
  });
});
