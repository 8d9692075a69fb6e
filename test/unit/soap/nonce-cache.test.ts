import { InMemoryNonceCache } from '../../../src/soap/infra/nonce-cache';

describe('InMemoryNonceCache', () => {
  it('refuses a nonce it holds until it expires', () => {
    const cache = new InMemoryNonceCache();
    expect(cache.remember('u1', 'a', 100, 0)).toBe(true);
    expect(cache.remember('u1', 'a', 100, 50)).toBe(false);
    expect(cache.remember('u1', 'a', 200, 100)).toBe(true);
  });

  it('never refuses a new nonce when full: the oldest goes instead', () => {
    const cache = new InMemoryNonceCache({ capacity: 3, perScope: 3 });
    for (const nonce of ['a', 'b', 'c']) expect(cache.remember('u1', nonce, 1_000, 0)).toBe(true);
    expect(cache.remember('u2', 'd', 1_000, 1)).toBe(true);
    expect(cache.size).toBe(3);
    // 'a' was the oldest and is gone; 'b', 'c' and 'd' are still refused as replays.
    expect(cache.remember('u1', 'b', 1_000, 2)).toBe(false);
    expect(cache.remember('u2', 'd', 1_000, 2)).toBe(false);
    expect(cache.remember('u1', 'a', 1_000, 2)).toBe(true);
  });

  it("bounds each user, so one user's flood pushes out only its own nonces", () => {
    const cache = new InMemoryNonceCache({ capacity: 100, perScope: 2 });
    expect(cache.remember('victim', 'v', 1_000, 0)).toBe(true);
    for (let i = 0; i < 50; i += 1) expect(cache.remember('flooder', `n${i}`, 1_000, 0)).toBe(true);
    expect(cache.size).toBe(3);
    expect(cache.remember('victim', 'v', 1_000, 1)).toBe(false);
    expect(cache.remember('flooder', 'n49', 1_000, 1)).toBe(false);
  });

  it('drops expired entries first, keeping live ones', () => {
    const cache = new InMemoryNonceCache({ capacity: 2 });
    expect(cache.remember('u1', 'old', 10, 0)).toBe(true);
    expect(cache.remember('u1', 'live', 1_000, 0)).toBe(true);
    expect(cache.remember('u1', 'new', 1_000, 20)).toBe(true);
    expect(cache.size).toBe(2);
    expect(cache.remember('u1', 'live', 1_000, 30)).toBe(false);
  });

  it('survives a bound of one entry per user', () => {
    const cache = new InMemoryNonceCache({ capacity: 1, perScope: 1 });
    expect(cache.remember('u1', 'a', 1_000, 0)).toBe(true);
    expect(cache.remember('u1', 'b', 1_000, 0)).toBe(true);
    expect(cache.remember('u1', 'b', 1_000, 0)).toBe(false);
    expect(cache.remember('u2', 'c', 1_000, 0)).toBe(true);
    expect(cache.size).toBe(1);
  });
});
