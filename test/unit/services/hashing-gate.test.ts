import { RateLimitError } from '../../../src/errors';
import { HashingGate, hashingWidth } from '../../../src/services/secrets';

function deferred(): { promise: Promise<boolean>; resolve: (value: boolean) => void } {
  let resolve: (value: boolean) => void = () => undefined;
  const promise = new Promise<boolean>((done) => (resolve = done));
  return { promise, resolve };
}

describe('HashingGate', () => {
  it('runs at most `width` checks at once, queues `maxWaiting`, refuses the rest with DM-3021', async () => {
    const gate = new HashingGate({ width: 2, maxWaiting: 1 });
    const checks = [deferred(), deferred(), deferred()];
    let started = 0;
    const runs = checks.map((check) =>
      gate.run(() => {
        started += 1;
        return check.promise;
      }),
    );
    const refused = await gate.run(async () => true).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitError);
    expect((refused as RateLimitError).code).toBe('DM-3021');
    expect((refused as RateLimitError).params.retryAfterSeconds).toBe(1);
    expect(started).toBe(2);
    expect(gate.load).toEqual({ running: 2, waiting: 1 });

    checks[0]?.resolve(true);
    await runs[0];
    await Promise.resolve();
    expect(started).toBe(3);
    checks[1]?.resolve(false);
    checks[2]?.resolve(true);
    expect(await Promise.all(runs)).toEqual([true, false, true]);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when a check throws', async () => {
    const gate = new HashingGate({ width: 1, maxWaiting: 0 });
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => true)).resolves.toBe(true);
  });

  it.each([
    [2, 4, 1],
    [8, 4, 2],
    [16, 4, 2],
    [16, 16, 8],
    [1, 4, 1],
    [8, 2, 1],
  ])('on %i cores with a pool of %i threads runs %i checks at once', (cores, pool, width) => {
    expect(hashingWidth(cores, pool)).toBe(width);
  });
});
