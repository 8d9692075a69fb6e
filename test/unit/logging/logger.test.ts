import { PassThrough } from 'node:stream';
import { createLogger } from '../../../src/logging';

function capture(level: string) {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { logger: createLogger({ level, stream }), lines };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('logger', () => {
  it('writes messages at or above its level, as JSON with the secrets scrubbed', async () => {
    const { logger, lines } = capture('warn');
    logger.info('not written');
    logger.warn('written', { password: 'hunter2' });
    await settle();
    expect(lines.map((line) => line.message)).toEqual(['written']);
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('follows a level changed at run time', async () => {
    const { logger, lines } = capture('warn');
    logger.debug('before');
    logger.level = 'debug';
    logger.debug('after');
    await settle();
    expect(lines.map((line) => line.message)).toEqual(['after']);
  });
});
