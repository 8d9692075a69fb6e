import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { Client } from 'pg';
import {
  DEMO_REQUESTOR,
  MYSUITE_NS,
  MYSUITE_PATH,
  SOAP11_HEADERS,
  SOAP11_NS,
  SOAP12_HEADERS,
  base64,
  faultCode,
  inBandCode,
  inBandDescription,
  transactionEnvelope,
  transactionFields,
} from '../../helpers/mysuite-envelopes';
import { rawPost } from '../../helpers/raw-post';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';

/* Body limits per endpoint, the MYSuite Requestor gate and the bounds on Data1, with the defaults. */

const KIB = 1024;
const MIB = 1024 * KIB;

/** Data1 whose Dictionary holds `levels` nested elements (7 bytes a level once decoded). */
function nestedData1(levels: number): string {
  return base64(`<Dictionary name="Params">${'<a>'.repeat(levels)}${'</a>'.repeat(levels)}</Dictionary>`);
}

describe('MYSuite and DescargaMasiva body limits (defaults)', () => {
  let application: PostgresTestApp;
  let pg: Client;
  let mysuite: string;

  beforeAll(async () => {
    application = await startTestApp({
      name: 'dm_mysuite_limits',
      env: {
        WORKERS_ENABLED: 'false',
        // Failure throttles are tested on their own; several refusals here must not trip them.
        AUTH_FAILURES_PER_IP: '100000',
      },
    });
    mysuite = `${application.url}${MYSUITE_PATH}`;
    pg = new Client({ connectionString: application.database.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await application.close();
  });

  describe('the Requestor gate', () => {
    it('serves a valid call as before, the Requestor also in braces', async () => {
      for (const requestor of [DEMO_REQUESTOR, `{${DEMO_REQUESTOR.toUpperCase()}}`]) {
        const answer = await rawPost(mysuite, [transactionEnvelope({ requestor })], {
          headers: SOAP11_HEADERS,
        });
        expect({ status: answer.status, code: inBandCode(answer.body) }).toEqual({ status: 200, code: '0' });
      }
    });

    it('serves a gzip-compressed call, as the raw body parser did', async () => {
      const body = gzipSync(Buffer.from(transactionEnvelope({ requestor: DEMO_REQUESTOR })));
      const answer = await rawPost(mysuite, [body], {
        headers: { ...SOAP11_HEADERS, 'Content-Encoding': 'gzip' },
      });
      expect(inBandCode(answer.body)).toBe('0');
    });

    it('answers an unknown Requestor in-band (3001) with the whole echo when the body is small', async () => {
      const requestor = randomUUID();
      const answer = await rawPost(mysuite, [transactionEnvelope({ requestor })], {
        headers: SOAP11_HEADERS,
      });
      expect({ status: answer.status, code: inBandCode(answer.body) }).toEqual({ status: 200, code: '3001' });
      expect(answer.body).toContain(`<Requestor>${requestor}</Requestor>`);
      expect(answer.body).toContain('<Transaction>OBTENER_LISTA_SOLICITUDES_DM_SAT</Transaction>');
    });

    it('answers a body without any Requestor in-band (3001)', async () => {
      const answer = await rawPost(mysuite, [transactionEnvelope({})], { headers: SOAP11_HEADERS });
      expect(inBandCode(answer.body)).toBe('3001');
    });

    it('refuses an unknown Requestor from the head of a big body, in-band, audited, in SOAP 1.2 too', async () => {
      for (const [version, headers] of [
        ['1.1', SOAP11_HEADERS],
        ['1.2', SOAP12_HEADERS],
      ] as const) {
        const requestor = randomUUID();
        const [head, tail] = transactionEnvelope({ requestor, data1: '' }, version).split('</Data1>');
        // Within the body limit, so only the gate can have stopped reading it.
        const answer = await rawPost(mysuite, [head, Buffer.alloc(900 * KIB, 'A'), `</Data1>${tail}`], {
          headers,
        });
        expect({ version, status: answer.status, code: inBandCode(answer.body) }).toEqual({
          version,
          status: 200,
          code: '3001',
        });
        expect(answer.body).toContain(`<Requestor>${requestor}</Requestor>`);
        expect(answer.body).toContain(
          version === '1.1' ? SOAP11_NS : 'http://www.w3.org/2003/05/soap-envelope',
        );
        // The connection stays usable: the rest of the body was read and dropped, not kept.
        expect(answer.headers.connection).toBe('keep-alive');
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { rows } = await pg.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_log WHERE operacion = 'MYSuite.desconocida' AND codigo = 'DM-3001'`,
      );
      expect(rows[0]?.n).toBeGreaterThanOrEqual(2);
    });

    it('needs the Requestor within the first 64 KiB: a valid one after more is refused in-band', async () => {
      const padded =
        `<soap:Envelope xmlns:soap="${SOAP11_NS}"><soap:Header><Relleno xmlns="urn:x">` +
        'x'.repeat(70 * KIB) +
        `</Relleno></soap:Header><soap:Body><RequestTransaction xmlns="${MYSUITE_NS}">` +
        `${transactionFields({ requestor: DEMO_REQUESTOR })}</RequestTransaction></soap:Body></soap:Envelope>`;
      const answer = await rawPost(mysuite, [padded], { headers: SOAP11_HEADERS });
      expect(inBandCode(answer.body)).toBe('3001');
    });

    it('answers what is not XML with a Fault (DM-2101), as before', async () => {
      const answer = await rawPost(mysuite, ['not xml at all'], { headers: SOAP11_HEADERS });
      expect({ status: answer.status, code: faultCode(answer.body) }).toEqual({
        status: 500,
        code: 'DM-2101',
      });
    });
  });

  describe('body limits', () => {
    it('answers a declared MYSuite body over 1 MiB with 413 and a Fault, before reading it', async () => {
      const head = transactionEnvelope({ requestor: DEMO_REQUESTOR, data1: '' }).split('</Data1>')[0];
      // Only the head is sent: the answer can only come from the declared length.
      const answer = await rawPost(mysuite, [head], { headers: SOAP11_HEADERS, declaredLength: 24 * MIB });
      expect({ status: answer.status, code: faultCode(answer.body) }).toEqual({
        status: 413,
        code: 'DM-2003',
      });
      expect(answer.body).toContain('1048576');
      expect(answer.headers.connection).toBe('close');
    });

    it('answers a chunked MYSuite body from a valid Requestor with 413 once past 1 MiB', async () => {
      const [head, tail] = transactionEnvelope({ requestor: DEMO_REQUESTOR, data1: '' }).split('</Data1>');
      const answer = await rawPost(mysuite, [head, Buffer.alloc(MIB + 64 * KIB, 'A'), `</Data1>${tail}`], {
        headers: SOAP11_HEADERS,
        chunked: true,
        stopOnAnswer: true,
      });
      expect({ status: answer.status, code: faultCode(answer.body) }).toEqual({
        status: 413,
        code: 'DM-2003',
      });
    });

    it('answers a DescargaMasiva body over 64 KiB with 413 and a Fault', async () => {
      const envelope =
        `<soap:Envelope xmlns:soap="${SOAP11_NS}"><soap:Body><dm:RecuperarSolicitud xmlns:dm="urn:descarga-masiva:v1">` +
        `<dm:IdSolicitud>${'x'.repeat(70 * KIB)}</dm:IdSolicitud></dm:RecuperarSolicitud></soap:Body></soap:Envelope>`;
      const answer = await rawPost(`${application.url}/soap/DescargaMasiva`, [envelope], {
        headers: {
          'Content-Type': 'text/xml; charset=utf-8',
          SOAPAction: '"urn:descarga-masiva:v1/RecuperarSolicitud"',
        },
      });
      expect({ status: answer.status, code: faultCode(answer.body) }).toEqual({
        status: 413,
        code: 'DM-2003',
      });
      expect(answer.body).toContain('65536');
    });
  });

  describe('Data1', () => {
    async function callWithData1(
      data1: string,
    ): Promise<{ code?: string; description?: string; ms: number }> {
      const started = performance.now();
      const answer = await rawPost(mysuite, [transactionEnvelope({ requestor: DEMO_REQUESTOR, data1 })], {
        headers: SOAP11_HEADERS,
      });
      return {
        code: inBandCode(answer.body) ?? faultCode(answer.body),
        description: inBandDescription(answer.body),
        ms: performance.now() - started,
      };
    }

    it('refuses Data1 nested deeper than 32 levels in-band with 2002, and accepts 32', async () => {
      // 45k levels: as deep as fits under the Data1 bound, so only the depth check can refuse it.
      const deep = await callWithData1(nestedData1(45_000));
      expect(deep.code).toBe('2002');
      expect(deep.description).toContain('Data1');
      expect(deep.description).toContain('32');
      console.info(`Data1 nested 45k levels deep refused in ${deep.ms.toFixed(0)} ms`);
      expect((await callWithData1(nestedData1(33))).code).toBe('2002');
      // 31 levels inside the Dictionary (32 with it): no entries, so the list answers normally.
      expect((await callWithData1(nestedData1(31))).code).toBe('0');
    });

    it('refuses Data1 nested 190k levels deep at once (its body is past the 1 MiB limit)', async () => {
      const answer = await callWithData1(nestedData1(190_000));
      expect(answer.code).toBe('DM-2003');
      console.info(`Data1 nested 190k levels deep refused in ${answer.ms.toFixed(0)} ms`);
    });

    it('refuses Data1 over 512 Ki Base64 characters in-band with 2002', async () => {
      const big = base64(
        `<Dictionary name="Params"><Entry k="Oper" v="${'x'.repeat(400 * KIB)}"/></Dictionary>`,
      );
      const answer = await callWithData1(big);
      expect(answer.code).toBe('2002');
      expect(answer.description).toContain('524288');
    });
  });
});
