import { PassThrough } from 'node:stream';
import { createLogger, redact, redactText, withLogContext } from '../../../src/logging';

const SECRET = 'S3cr3t-Fiel-Passw0rd';

function captureLogger(): {
  logger: ReturnType<typeof createLogger>;
  lines: () => Record<string, unknown>[];
} {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const logger = createLogger({ level: 'debug', stream });
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

async function flush(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe('logging', () => {
  it('never writes a secret, whatever shape it travels in', async () => {
    const { logger, lines } = captureLogger();
    logger.info('login', { password: SECRET, nested: { FielPass: SECRET, fiel_key: SECRET } });
    logger.info(`envelope <o:Password>${SECRET}</o:Password> sent`);
    logger.info('headers', { headers: { Authorization: `WRAP access_token="${SECRET}"` } });
    logger.warn('params', { data: `<Entry k="FielPass" v="${SECRET}"/>` });
    logger.error('failed', { error: new Error(`bad Bearer ${SECRET}`) });
    logger.info('pem', {
      text: `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${SECRET}\n-----END ENCRYPTED PRIVATE KEY-----`,
    });
    await flush();
    const written = lines();
    expect(written).toHaveLength(6);
    for (const line of written) expect(JSON.stringify(line)).not.toContain(SECRET);
    expect(written[0]).toMatchObject({ password: '[REDACTED]', nested: { FielPass: '[REDACTED]' } });
  });

  it('stamps every line with the request and job ids of its context', async () => {
    const { logger, lines } = captureLogger();
    await withLogContext({ requestId: 'req-1' }, async () => {
      await Promise.resolve();
      withLogContext({ jobId: 'job-9' }, () => logger.info('inside'));
    });
    logger.info('outside');
    await flush();
    const [inside, outside] = lines();
    expect(inside).toMatchObject({ message: 'inside', requestId: 'req-1', jobId: 'job-9', level: 'info' });
    expect(outside?.requestId).toBeUndefined();
  });

  describe("MYSuite's Requestor GUID, its only credential", () => {
    const GUID = '11111111-2222-3333-4444-555555555555';

    it.each([
      ['a request element', `<m:RequestTransaction><m:Requestor>${GUID}</m:Requestor>`],
      [
        'the echo in the answer',
        `<Request><Requestor>${GUID}</Requestor><RequestorName>demo</RequestorName>`,
      ],
      ['the User element ERPs fill with it', `<User>${GUID}</User><UserName>contabilidad</UserName>`],
      ['a CDATA section', `<Requestor><![CDATA[${GUID}]]></Requestor>`],
      [
        'attributes on the element',
        `<tns:Requestor xmlns:tns="http://www.fact.com.mx/schema/ws">${GUID}</tns:Requestor>`,
      ],
      ['an envelope cut inside it', `<Requestor>${GUID}`],
      ['a CDATA section cut inside it', `<Requestor><![CDATA[${GUID}`],
      ['a query string', `/FactWSFront.asmx/RequestTransaction?Requestor=${GUID}&Transaction=X`],
      ['JSON text', `{"Requestor":"${GUID}","Transaction":"X"}`],
      ['a Data1 dictionary entry', `<Entry k="Requestor" v="${GUID}"/>`],
    ])('is redacted from %s', (_where, text) => {
      expect(redactText(text)).not.toContain(GUID);
      expect(redactText(text)).not.toContain(GUID.slice(0, 13));
    });

    it('is redacted from fields named requestor, in any case and nesting', () => {
      const logged = redact({ requestor: GUID, input: { Requestor: GUID, RequestorName: 'demo' } });
      expect(JSON.stringify(logged)).not.toContain(GUID);
      expect(logged).toMatchObject({ input: { RequestorName: 'demo' } });
    });

    it('leaves the neighbouring elements readable', () => {
      const text = `<RequestorName>erp</RequestorName><Username>demo</Username><Transaction>X</Transaction>`;
      expect(redactText(text)).toBe(text);
      expect(redactText('<Requestor/><Transaction>X</Transaction>')).toBe(
        '<Requestor/><Transaction>X</Transaction>',
      );
    });
  });

  it('redacts WS-Security digests and nonces, also when the envelope is cut inside them', () => {
    const token =
      '<wsse:Password Type="…#PasswordDigest">q1w2e3r4t5y6u7i8o9p0==</wsse:Password>' +
      '<wsse:Nonce EncodingType="…#Base64Binary">bm9uY2Utbm9uY2Utbm9uY2U=</wsse:Nonce>';
    const redacted = redactText(token);
    expect(redacted).not.toContain('q1w2e3r4');
    expect(redacted).not.toContain('bm9uY2U');
    expect(redactText('<o:Password>half-of-a-pass')).toBe('<o:Password>[REDACTED]');
    expect(redactText('<Data1>UEsDBBQAAAAIA')).toBe('<Data1>[REDACTED]');
    expect(redactText('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN')).toBe('[REDACTED PRIVATE KEY]');
  });

  it('redacts without mutating the logged object', () => {
    const input = { token: SECRET, rfc: 'AAA010101AAA' };
    expect(redact(input)).toEqual({ token: '[REDACTED]', rfc: 'AAA010101AAA' });
    expect(input.token).toBe(SECRET);
    expect(redactText('plain text stays')).toBe('plain text stays');
  });
});
