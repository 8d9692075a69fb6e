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

  it('redacts without mutating the logged object', () => {
    const input = { token: SECRET, rfc: 'AAA010101AAA' };
    expect(redact(input)).toEqual({ token: '[REDACTED]', rfc: 'AAA010101AAA' });
    expect(input.token).toBe(SECRET);
    expect(redactText('plain text stays')).toBe('plain text stays');
  });
});
