import { Client, type QueryConfig } from 'pg';
import { DEMO } from '../../../src/services/accounts';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';
import { eventually } from '../../helpers/eventually';
import { demoDigestHeader } from '../../helpers/soap-auth-calls';

type Auth = 'basic' | 'digest';

/**
 * The read path's statement budget, counted where every statement passes (pg's Client.query, which the
 * application's pool uses): the read itself and the audit row, one statement each; the API user is
 * known from memory after the first call (it follows api_users' changes). A call that goes back to
 * several round trips (or to TypeORM's per-relation queries) fails here.
 */
describe('SOAP read path: statements per call', () => {
  let application: PostgresTestApp;
  let idSolicitud: string;
  const sent: string[] = [];
  /** The statement name each of `sent` went with (prepared once per connection), if any. */
  const names: (string | undefined)[] = [];
  let recording = false;
  const original = Client.prototype.query;

  const send = (operation: string, body: string, auth: Auth = 'basic'): Promise<Response> => {
    const basic = `Basic ${Buffer.from(`${DEMO.username}:${DEMO.password}`).toString('base64')}`;
    // PasswordDigest: a fresh nonce each call, as replays are refused.
    const header = auth === 'digest' ? `<s:Header>${demoDigestHeader()}</s:Header>` : '';
    return fetch(`${application.url}/soap/DescargaMasiva`, {
      method: 'POST',
      headers: {
        'Content-Type': 'text/xml; charset=utf-8',
        SOAPAction: `"urn:descarga-masiva:v1/${operation}"`,
        ...(auth === 'basic' ? { Authorization: basic } : {}),
      },
      body:
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:dm="urn:descarga-masiva:v1">' +
        `${header}<s:Body>${body}</s:Body></s:Envelope>`,
    });
  };

  const call = async (operation: string, body: string, auth: Auth = 'basic'): Promise<string> => {
    const response = await send(operation, body, auth);
    const text = await response.text();
    expect(response.status).toBe(200);
    return text;
  };

  /** The statements one call sends, after a first identical call warmed caches (SAT health, secrets). */
  const statementsOf = async (operation: string, body: string, auth: Auth = 'basic'): Promise<string[]> => {
    await call(operation, body, auth);
    sent.length = 0;
    names.length = 0;
    recording = true;
    try {
      await call(operation, body, auth);
    } finally {
      recording = false;
    }
    return [...sent];
  };

  beforeAll(async () => {
    (Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (
      this: Client,
      ...args: unknown[]
    ) {
      const [first] = args;
      const text = typeof first === 'string' ? first : (first as QueryConfig | undefined)?.text;
      if (recording && text !== undefined) {
        sent.push(text.replace(/\s+/g, ' ').trim());
        names.push(typeof first === 'string' ? undefined : (first as QueryConfig).name);
      }
      return (original as (...rest: unknown[]) => unknown).apply(this, args);
    };
    application = await startTestApp({
      name: 'dm_read_path',
      env: {
        WORKERS_ENABLED: 'false',
      },
    });
    const registered = await call(
      'RegistrarSolicitud',
      '<dm:RegistrarSolicitud><dm:Rfc>EKU9003173C9</dm:Rfc><dm:FechaInicial>2026-01-01T00:00:00</dm:FechaInicial>' +
        '<dm:FechaFinal>2026-01-31T23:59:59</dm:FechaFinal><dm:Contexto>Emitidos</dm:Contexto>' +
        '<dm:TipoSolicitud>Metadata</dm:TipoSolicitud></dm:RegistrarSolicitud>',
    );
    idSolicitud = /<IdSolicitud>([^<]+)<\/IdSolicitud>/.exec(registered)?.[1] ?? '';
    expect(idSolicitud).toMatch(/^[0-9a-f-]{36}$/);
  });

  afterAll(async () => {
    Client.prototype.query = original;
    await application.close();
  });

  it('answers RecuperarSolicitud with two statements: the whole record, the audit row', async () => {
    const statements = await statementsOf(
      'RecuperarSolicitud',
      `<dm:RecuperarSolicitud><dm:IdSolicitud>${idSolicitud}</dm:IdSolicitud></dm:RecuperarSolicitud>`,
    );
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/FROM solicitudes s WHERE s\.id = \$1 AND s\.tenant_id = \$2/);
    expect(statements[1]).toMatch(/^INSERT INTO audit_log/);
  });

  it('costs a PasswordDigest call the same two statements as HTTP Basic (nonces are kept in memory)', async () => {
    const body = `<dm:RecuperarSolicitud><dm:IdSolicitud>${idSolicitud}</dm:IdSolicitud></dm:RecuperarSolicitud>`;
    const digest = await statementsOf('RecuperarSolicitud', body, 'digest');
    expect(digest).toEqual(await statementsOf('RecuperarSolicitud', body, 'basic'));
    expect(digest).toHaveLength(2);
  });

  it('answers a list page with two statements: the page carries its exact total', async () => {
    const statements = await statementsOf(
      'RecuperarListaSolicitudes',
      '<dm:RecuperarListaSolicitudes><dm:Filtro><dm:Rfc>EKU9003173C9</dm:Rfc></dm:Filtro>' +
        '<dm:TamanoPagina>10</dm:TamanoPagina></dm:RecuperarListaSolicitudes>',
    );
    expect(statements).toHaveLength(2);
    // Filtered on the RFC only: the total is the sum of its kept counts, in the page's statement.
    expect(statements[0]).toMatch(
      /^SELECT \(SELECT coalesce\(sum\(c\.delta\), 0\)::int AS list_total FROM solicitud_list_counts c /,
    );
    expect(statements[1]).toMatch(/^INSERT INTO audit_log/);
    // Prepared: each connection plans the page once, under the name its text got at the first call.
    const [name] = names;
    expect(name).toMatch(/^solicitud_list_page_\d+$/);
    await statementsOf(
      'RecuperarListaSolicitudes',
      '<dm:RecuperarListaSolicitudes><dm:Filtro><dm:Rfc>EKU9003173C9</dm:Rfc></dm:Filtro>' +
        '<dm:TamanoPagina>10</dm:TamanoPagina></dm:RecuperarListaSolicitudes>',
    );
    expect(names[0]).toBe(name);
  });

  it('counts the rows in the page’s own statement when a filter has no kept count', async () => {
    const statements = await statementsOf(
      'RecuperarListaSolicitudes',
      '<dm:RecuperarListaSolicitudes><dm:Filtro><dm:Rfc>EKU9003173C9</dm:Rfc>' +
        '<dm:ReferenciaCliente>erp-1</dm:ReferenciaCliente></dm:Filtro>' +
        '<dm:TamanoPagina>10</dm:TamanoPagina></dm:RecuperarListaSolicitudes>',
    );
    expect(statements).toHaveLength(3);
    expect(statements[0]).toMatch(/^SELECT \(SELECT count\(\*\)::int AS list_total FROM solicitudes s /);
    // No row matches that reference: the empty page asks for its total once more.
    expect(statements[1]).toMatch(/^SELECT count\(\*\)::int AS list_total FROM solicitudes s /);
    expect(statements[2]).toMatch(/^INSERT INTO audit_log/);
  });

  // Last: the demo user stays revoked.
  it('refuses the API user on the next call once another connection revoked it (as the CLI would)', async () => {
    const body = `<dm:RecuperarSolicitud><dm:IdSolicitud>${idSolicitud}</dm:IdSolicitud></dm:RecuperarSolicitud>`;
    expect(await statementsOf('RecuperarSolicitud', body)).toHaveLength(2);
    await application.pg.query('UPDATE api_users SET revoked_at = now() WHERE username = $1', [
      DEMO.username,
    ]);
    await eventually(
      async () => {
        const refused = await send('RecuperarSolicitud', body);
        expect(await refused.text()).toContain('DM-3001');
        expect(refused.status).toBe(500);
      },
      { timeoutMs: 2_000, intervalMs: 10 },
    );
  });
});
