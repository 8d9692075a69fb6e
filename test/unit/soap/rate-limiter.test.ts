import { RateLimitError } from '../../../src/errors';
import { RateLimiter } from '../../../src/soap/infra/rate-limiter';

function retryAfterOf(fn: () => void): number | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof RateLimitError) return Number(error.params.retryAfterSeconds);
    throw error;
  }
  return undefined;
}

describe('RateLimiter', () => {
  it('allows a burst of perMinute, then refuses with DM-3003 and the wait', () => {
    let now = 0;
    const limiter = new RateLimiter({ perMinute: 6, now: () => now });
    for (let i = 0; i < 6; i += 1) limiter.consume('u1');
    expect(retryAfterOf(() => limiter.consume('u1'))).toBe(10);
    now = 9_000;
    expect(retryAfterOf(() => limiter.consume('u1'))).toBe(1);
    now = 10_000;
    expect(retryAfterOf(() => limiter.consume('u1'))).toBeUndefined();
  });

  it('keeps one bucket per key', () => {
    const limiter = new RateLimiter({ perMinute: 1, now: () => 0 });
    limiter.consume('a');
    limiter.consume('b');
    expect(retryAfterOf(() => limiter.consume('a'))).toBe(60);
  });

  it('drops idle buckets when at capacity without forgetting busy ones', () => {
    let now = 0;
    const limiter = new RateLimiter({ perMinute: 2, now: () => now, maxKeys: 2 });
    limiter.consume('busy');
    limiter.consume('busy');
    limiter.consume('idle');
    now = 30_000;
    limiter.consume('new');
    expect(retryAfterOf(() => limiter.consume('busy'))).toBeUndefined();
    expect(retryAfterOf(() => limiter.consume('busy'))).toBe(30);
  });
});
