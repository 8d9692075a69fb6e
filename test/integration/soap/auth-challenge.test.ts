import { request } from 'node:http';
import * as soap from 'soap';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';

/*
 * What ASMX (`NetworkCredential`) and WCF (`BasicHttpBinding`) proxies need (docs/contract-notes.md,
 * "Generated clients"): a request that offers no credential at all is answered 401 with
 * `WWW-Authenticate: Basic` and the DM-3001 Fault, and the failure throttle does not count it, since
 * those clients start every call that way. Wrong or garbled credentials keep 500 (1.1) / 400 (1.2),
 * counted. And `SOAPAction: "*"`, which WCF sends for an operation without an action, is routed by
 * the body element. Each test calls from its own loopback address, so throttle counters do not meet.
 */

const LIMIT = 5;
const TNS = 'urn:descarga-masiva:v1';
const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const S12 = 'http://www.w3.org/2003/05/soap-envelope';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const CHALLENGE = 'Basic realm="descarga-masiva", charset="UTF-8"';
const DEMO = `Basic ${Buffer.from('demo:demo').toString('base64')}`;
const LIST = `<dm:RecuperarListaSolicitudes xmlns:dm="${TNS}"/>`;

interface Call {
  readonly version?: '1.1' | '1.2';
  readonly header?: string;
  readonly authorization?: string;
  /** The SOAP action; null sends none. Default: RecuperarListaSolicitudes'. */
  readonly action?: string | null;
  readonly body?: string;
  readonly from: string;
}

interface Answer {
  readonly status: number;
  readonly challenge: string | undefined;
  readonly contentType: string | undefined;
  readonly text: string;
  /** Our Codigo when the answer is a Fault. */
  readonly code: string | undefined;
}

describe('the 401 challenge and SOAPAction "*" on /soap/DescargaMasiva', () => {
  let application: PostgresTestApp;

  beforeAll(async () => {
    application = await startTestApp({
      name: 'dm_auth_challenge',
      env: {
        WORKERS_ENABLED: 'false',
        AUTH_FAILURES_PER_IP: String(LIMIT),
        AUTH_FAILURES_PER_USERNAME: String(LIMIT),
        AUTH_FAILURE_WINDOW_SECONDS: '600',
      },
    });
  });

  afterAll(async () => {
    await application.close();
  });

  function call(options: Call): Promise<Answer> {
    const version = options.version ?? '1.1';
    const action = options.action === undefined ? `${TNS}/RecuperarListaSolicitudes` : options.action;
    const ns = version === '1.1' ? S11 : S12;
    const envelope =
      `<e:Envelope xmlns:e="${ns}"><e:Header>${options.header ?? ''}</e:Header>` +
      `<e:Body>${options.body ?? LIST}</e:Body></e:Envelope>`;
    const headers: Record<string, string> =
      version === '1.1'
        ? {
            'Content-Type': 'text/xml; charset=utf-8',
            ...(action === null ? {} : { SOAPAction: `"${action}"` }),
          }
        : {
            'Content-Type': `application/soap+xml; charset=utf-8${action === null ? '' : `; action="${action}"`}`,
          };
    if (options.authorization !== undefined) headers.Authorization = options.authorization;
    return new Promise((resolve, reject) => {
      const url = new URL('/soap/DescargaMasiva', application.url);
      const outgoing = request(url, { method: 'POST', headers, localAddress: options.from }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: incoming.statusCode ?? 0,
            challenge: incoming.headers['www-authenticate'],
            contentType: incoming.headers['content-type'],
            text,
            code: /<(?:\w+:)?Codigo>([^<]*)</.exec(text)?.[1],
          });
        });
      });
      outgoing.on('error', reject);
      outgoing.end(envelope);
    });
  }

  it('answers a request with no credentials 401, WWW-Authenticate: Basic and the DM-3001 Fault of its SOAP version', async () => {
    const v11 = await call({ from: '127.0.4.1' });
    expect([v11.status, v11.challenge, v11.code]).toEqual([401, CHALLENGE, 'DM-3001']);
    expect(v11.contentType).toMatch(/^text\/xml/);
    expect(v11.text).toContain(`<soap:Envelope xmlns:soap="${S11}">`);
    expect(v11.text).toContain('<faultcode>soap:Client</faultcode>');

    const v12 = await call({ from: '127.0.4.1', version: '1.2' });
    expect([v12.status, v12.challenge, v12.code]).toEqual([401, CHALLENGE, 'DM-3001']);
    expect(v12.contentType).toMatch(/^application\/soap\+xml/);
    expect(v12.text).toContain(`<soap:Envelope xmlns:soap="${S12}">`);
    expect(v12.text).toContain('<soap:Value>soap:Sender</soap:Value>');

    // The second leg, as the proxies make it: the same request with the credentials asked for.
    const retried = await call({ from: '127.0.4.1', authorization: DEMO });
    expect([retried.status, retried.challenge, retried.code]).toEqual([200, undefined, undefined]);
    expect(retried.text).toContain('RecuperarListaSolicitudesResponse');
  });

  it('does not count them: past AUTH_FAILURES_PER_IP in a row they still get 401, and a correct call then succeeds', async () => {
    const from = '127.0.4.2';
    const answers: string[] = [];
    for (let i = 0; i < LIMIT * 3; i += 1) {
      const answer = await call({ from, version: i % 2 === 0 ? '1.1' : '1.2' });
      answers.push(`${answer.status} ${answer.code}`);
    }
    expect(new Set(answers)).toEqual(new Set(['401 DM-3001']));
    const correct = await call({ from, authorization: DEMO });
    expect(correct.status).toBe(200);

    // Control: the same number of wrong passwords from a fresh address is held back at the limit.
    const guesser = '127.0.4.3';
    const guesses: string[] = [];
    for (let i = 0; i <= LIMIT; i += 1) {
      const answer = await call({
        from: guesser,
        authorization: `Basic ${Buffer.from(`nadie:x${i}`).toString('base64')}`,
      });
      guesses.push(`${answer.status} ${answer.code}`);
    }
    expect(guesses).toEqual([...Array<string>(LIMIT).fill('500 DM-3001'), '429 DM-3020']);
    // An address over the limit is refused before anything is read, offered credentials or not.
    expect((await call({ from: guesser })).status).toBe(429);
    expect((await call({ from: guesser, authorization: DEMO })).status).toBe(429);
  });

  it('keeps 500 (1.1) / 400 (1.2) without a challenge for credentials offered but wrong or garbled', async () => {
    const offered: Omit<Call, 'from'>[] = [
      { authorization: `Basic ${Buffer.from('erp:mala').toString('base64')}` },
      { authorization: 'Basic ???' },
      { authorization: 'Bearer abc' },
      { header: `<wsse:Security xmlns:wsse="${WSSE}"><wsse:Timestamp/></wsse:Security>` },
      {
        header:
          `<wsse:Security xmlns:wsse="${WSSE}"><wsse:UsernameToken><wsse:Username>erp</wsse:Username>` +
          '<wsse:Password>mala</wsse:Password></wsse:UsernameToken></wsse:Security>',
      },
    ];
    const seen: string[] = [];
    for (const [index, options] of offered.entries()) {
      for (const version of ['1.1', '1.2'] as const) {
        const answer = await call({ ...options, version, from: `127.0.5.${index + 1}` });
        seen.push(`${version} ${answer.status} ${answer.code} ${answer.challenge ?? 'no challenge'}`);
      }
    }
    expect(seen).toEqual(
      offered.flatMap(() => ['1.1 500 DM-3001 no challenge', '1.2 400 DM-3001 no challenge']),
    );
  });

  it('routes SOAPAction "*" (and a SOAP 1.2 action="*") by the body element', async () => {
    const from = '127.0.4.4';
    for (const version of ['1.1', '1.2'] as const) {
      const listed = await call({ from, version, action: '*', authorization: DEMO });
      expect([version, listed.status, listed.code]).toEqual([version, 200, undefined]);
      expect(listed.text).toContain('RecuperarListaSolicitudesResponse');
      const unknown = await call({
        from,
        version,
        action: '*',
        authorization: DEMO,
        body: `<dm:Nada xmlns:dm="${TNS}"/>`,
      });
      expect([version, unknown.code]).toEqual([version, 'DM-2104']);
    }
    // A SOAP 1.1 request still needs some action: none at all stays refused.
    expect((await call({ from, action: null, authorization: DEMO })).code).toBe('DM-2103');
  });

  it('lets a node-soap client without credentials read the DM-3001 Fault of a 401', async () => {
    const client = await soap.createClientAsync(`${application.url}/soap/DescargaMasiva?wsdl`);
    const failure = (await client.RecuperarListaSolicitudesAsync({}).then(
      () => undefined,
      (caught: unknown) => caught,
    )) as {
      response?: { status?: number };
      root?: { Envelope?: { Body?: { Fault?: { detail?: { Falla?: { Codigo?: string } } } } } };
    };
    expect(failure.response?.status).toBe(401);
    expect(failure.root?.Envelope?.Body?.Fault?.detail?.Falla?.Codigo).toBe('DM-3001');
  });
});
