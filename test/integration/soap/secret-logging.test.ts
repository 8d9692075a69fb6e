import { createHash, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { createDataSource, findTenantBySlug } from '../../../src/db';
import { ApiUserService } from '../../../src/services/accounts';
import { SecretBox, masterKeyFrom } from '../../../src/services/secrets';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';
import { S11, S12, post } from '../soap-infra/soap-fetch';

/*
 * Issue 16, F10: with LOG_LEVEL=debug every envelope is logged. Whatever a caller authenticates with
 * (MYSuite's Requestor GUID, a WS-Security password, digest or nonce, an HTTP Basic header) must not
 * reach the log, in requests or in the answers that echo it.
 */

const DEMO_REQUESTOR = '11111111-2222-3333-4444-555555555555';
const MASTER_KEY = Buffer.alloc(32, 6).toString('base64');
const MYSUITE_NS = 'http://www.fact.com.mx/schema/ws';
const MYSUITE_ACTION = `${MYSUITE_NS}/RequestTransaction`;
const DM_NS = 'urn:descarga-masiva:v1';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const PROFILE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';
const USERNAME = 'erp-bitacora';
const SECRET = `s3cr3t-${randomBytes(9).toString('hex')}`;
const b64 = (text: string): string => Buffer.from(text).toString('base64');

function requestTransaction(requestor: string, transaction: string, data1: string): string {
  return (
    `<m:RequestTransaction xmlns:m="${MYSUITE_NS}"><m:Requestor>${requestor}</m:Requestor>` +
    `<m:Transaction>${transaction}</m:Transaction><m:Country>MX</m:Country><m:Entity>EKU9003173C9</m:Entity>` +
    `<m:User>${requestor}</m:User><m:UserName>contabilidad</m:UserName><m:Data1>${data1}</m:Data1>` +
    '<m:Data2></m:Data2><m:Data3></m:Data3></m:RequestTransaction>'
  );
}

function soapEnvelope(version: '1.1' | '1.2', body: string, header = ''): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><e:Envelope xmlns:e="${version === '1.1' ? S11 : S12}">` +
    `<e:Header>${header}</e:Header><e:Body>${body}</e:Body></e:Envelope>`
  );
}

function digestToken(nonce: Buffer, created: string): { header: string; digest: string } {
  const digest = createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created + SECRET)]))
    .digest('base64');
  const header =
    `<wsse:Security xmlns:wsse="${WSSE}" xmlns:wsu="${WSU}"><wsse:UsernameToken>` +
    `<wsse:Username>${USERNAME}</wsse:Username>` +
    `<wsse:Password Type="${PROFILE}#PasswordDigest">${digest}</wsse:Password>` +
    `<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce.toString('base64')}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`;
  return { header, digest };
}

describe('secrets never reach the log, even at debug level', () => {
  let application: PostgresTestApp;
  const chunks: string[] = [];
  const logged = (): string => chunks.join('');

  beforeAll(async () => {
    const logs = new PassThrough();
    logs.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    application = await startTestApp({
      name: 'dm_secret_logging',
      env: { MASTER_KEY, WORKERS_ENABLED: 'false', LOG_LEVEL: 'debug' },
      logs,
    });
    // An API user of the demo tenant whose secret cannot be mistaken for any other text in the log.
    const dataSource = createDataSource({ url: application.database.url, poolSize: 1 });
    await dataSource.initialize();
    try {
      const tenant = await findTenantBySlug(dataSource.manager, 'demo');
      const box = new SecretBox(masterKeyFrom(Buffer.from(MASTER_KEY, 'base64')), []);
      await new ApiUserService(dataSource, box).create(tenant?.id ?? '', USERNAME, { secret: SECRET });
    } finally {
      await dataSource.destroy();
    }
  });

  afterAll(async () => {
    await application.close();
  });

  async function mysuite(version: '1.1' | '1.2', body: string): Promise<string> {
    const answer = await post(
      `${application.url}/mx.com.fact.wsfront/FactWSFront.asmx`,
      soapEnvelope(version, body),
      { version, action: MYSUITE_ACTION },
    );
    expect(answer.status).toBe(200);
    return answer.text;
  }

  it('logs MYSuite envelopes at debug level without the Requestor GUID, in either direction', async () => {
    const list = b64('<Dictionary name="Params"><Entry k="Oper" v="COUNT"/></Dictionary>');
    const answers = [
      await mysuite('1.1', requestTransaction(DEMO_REQUESTOR, 'OBTENER_LISTA_SOLICITUDES_DM_SAT', list)),
      await mysuite(
        '1.2',
        requestTransaction(DEMO_REQUESTOR.toUpperCase(), 'OBTENER_SOLICITUD_DM_SAT', list),
      ),
      await mysuite('1.1', requestTransaction(`<![CDATA[${DEMO_REQUESTOR}]]>`, 'BORRAR_TODO', list)),
      await mysuite('1.1', requestTransaction(`{${DEMO_REQUESTOR}}`, 'OBTENER_LISTA_SOLICITUDES_DM_SAT', '')),
    ];
    // The calls were served (so their envelopes were logged), and the answers echo the GUID as MYSuite does.
    expect(answers[0]).toContain('<Result>true</Result>');
    expect(answers[0]).toContain(DEMO_REQUESTOR);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const text = logged();
    expect(text).toContain('"soap envelope"');
    expect(text).toContain('"direction":"received"');
    expect(text).toContain('"direction":"replied"');
    expect(text).toContain('OBTENER_LISTA_SOLICITUDES_DM_SAT');
    expect(text.toLowerCase()).not.toContain(DEMO_REQUESTOR);
    expect(text.toLowerCase()).not.toContain(DEMO_REQUESTOR.slice(0, 13));
  });

  it('logs no password, digest, nonce or Basic credentials of DescargaMasiva callers', async () => {
    const url = `${application.url}/soap/DescargaMasiva`;
    const body = `<t:RecuperarListaSolicitudes xmlns:t="${DM_NS}"/>`;
    const action = `${DM_NS}/RecuperarListaSolicitudes`;
    const passwordText =
      `<wsse:Security xmlns:wsse="${WSSE}"><wsse:UsernameToken><wsse:Username>${USERNAME}</wsse:Username>` +
      `<wsse:Password Type="${PROFILE}#PasswordText">${SECRET}</wsse:Password></wsse:UsernameToken></wsse:Security>`;
    const nonce = randomBytes(16);
    const digest = digestToken(nonce, new Date().toISOString());
    const basic = Buffer.from(`${USERNAME}:${SECRET}`).toString('base64');
    const answers = [
      await post(url, soapEnvelope('1.1', body, passwordText), { action }),
      await post(url, soapEnvelope('1.2', body, digest.header), { version: '1.2', action }),
      await post(url, soapEnvelope('1.1', body), { action, headers: { Authorization: `Basic ${basic}` } }),
    ];
    for (const answer of answers) expect(answer.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const text = logged();
    expect(text).toContain(USERNAME);
    for (const secret of [SECRET, digest.digest, nonce.toString('base64'), basic]) {
      expect(text).not.toContain(secret);
    }
  });
});
