import { PassThrough } from 'node:stream';
import { Client } from 'pg';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logging';
import { startApplication, type RunningApplication } from '../../../src/main';
import { createEmptyDatabase, type EmptyDatabase } from '../../helpers/empty-database';

const DEMO_REQUESTOR = '11111111-2222-3333-4444-555555555555';
const NAMESPACE = 'http://www.fact.com.mx/schema/ws';

function envelope(requestor: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ws="${NAMESPACE}">
  <soap:Body>
    <ws:RequestTransaction>
      <ws:Requestor>${requestor}</ws:Requestor>
      <ws:Transaction>OBTENER_LISTA_SOLICITUDES_DM_SAT</ws:Transaction>
      <ws:Country>MX</ws:Country>
      <ws:Entity>EKU9003173C9</ws:Entity>
      <ws:User>${requestor}</ws:User>
      <ws:UserName>prueba</ws:UserName>
      <ws:Data1></ws:Data1>
    </ws:RequestTransaction>
  </soap:Body>
</soap:Envelope>`;
}

/* Production mode: no demo tenant, so the demo Requestor GUID opens nothing and is never announced. */
describe('MYSuite binding in production mode', () => {
  let database: EmptyDatabase;
  let application: RunningApplication;
  const banners: string[] = [];

  beforeAll(async () => {
    database = await createEmptyDatabase('dm_mysuite_production');
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      MASTER_KEY: Buffer.alloc(32, 3).toString('base64'),
      SAT_MODE: 'production',
      WORKERS_ENABLED: 'false',
      DATA_DIR: '/tmp/dm-mysuite-production-test',
    });
    application = await startApplication(config, createLogger({ stream: new PassThrough() }), {
      announce: (text) => banners.push(text),
    });
  });

  afterAll(async () => {
    await application.close();
    await database.drop();
  });

  it('serves the WSDL at ?wsdl and ?WSDL with the address it is reached at', async () => {
    for (const query of ['wsdl', 'WSDL']) {
      const response = await fetch(`${application.url}/mx.com.fact.wsfront/FactWSFront.asmx?${query}`);
      expect(response.status).toBe(200);
      const wsdl = await response.text();
      expect(wsdl).toContain(`targetNamespace="${NAMESPACE}"`);
      expect(wsdl).toContain(`location="${application.url}/mx.com.fact.wsfront/FactWSFront.asmx"`);
    }
  });

  it('has no demo tenant: the demo Requestor is refused in-band and never announced', async () => {
    const response = await fetch(`${application.url}/mx.com.fact.wsfront/FactWSFront.asmx`, {
      method: 'POST',
      headers: {
        'Content-Type': 'text/xml; charset=utf-8',
        SOAPAction: `"${NAMESPACE}/RequestTransaction"`,
      },
      body: envelope(DEMO_REQUESTOR),
    });
    expect(response.status).toBe(200);
    const xml = await response.text();
    expect(xml).toMatch(/<(\w+:)?Result>false<\/(\w+:)?Result>/);
    expect(xml).toMatch(/<(\w+:)?Code>3001<\/(\w+:)?Code>/);
    expect(banners.join('\n')).not.toContain(DEMO_REQUESTOR);
    const pg = new Client({ connectionString: database.url });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM tenants`);
      expect(rows[0]?.n).toBe(0);
    } finally {
      await pg.end();
    }
  });
});
