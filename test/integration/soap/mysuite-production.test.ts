import { Client } from 'pg';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';

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
  let application: PostgresTestApp;
  const banners: string[] = [];

  beforeAll(async () => {
    application = await startTestApp({
      name: 'dm_mysuite_production',
      env: {
        SAT_MODE: 'production',
        WORKERS_ENABLED: 'false',
      },
      start: { announce: (text) => banners.push(text) },
    });
  });

  afterAll(async () => {
    await application.close();
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
    const pg = new Client({ connectionString: application.database.url });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM tenants`);
      expect(rows[0]?.n).toBe(0);
    } finally {
      await pg.end();
    }
  });
});
