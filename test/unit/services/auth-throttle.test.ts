import { RateLimitError } from '../../../src/errors';
import {
  AuthThrottle,
  type AuthAttempt,
  FailureWindows,
  addressKey,
  usernameKey,
} from '../../../src/services/auth-limits';

function refusal(throttle: AuthThrottle, attempt: AuthAttempt): RateLimitError | undefined {
  try {
    throttle.check(attempt);
  } catch (error) {
    if (error instanceof RateLimitError) return error;
    throw error;
  }
  return undefined;
}

function throttle(
  now: { ms: number },
  overrides: Partial<ConstructorParameters<typeof AuthThrottle>[0]> = {},
) {
  return new AuthThrottle({
    maxFailuresPerAddress: 3,
    maxFailuresPerUsername: 2,
    windowSeconds: 60,
    now: () => now.ms,
    ...overrides,
  });
}

describe('AuthThrottle', () => {
  it('refuses an address over its limit with DM-3020 and the seconds left in its window', () => {
    const now = { ms: 0 };
    const limiter = throttle(now, { maxFailuresPerUsername: 100 });
    for (let i = 0; i < 3; i += 1) {
      expect(refusal(limiter, { address: '10.0.0.1', username: `u${i}` })).toBeUndefined();
      limiter.failed({ address: '10.0.0.1', username: `u${i}` });
    }
    now.ms = 15_500;
    const refused = refusal(limiter, { address: '10.0.0.1' });
    expect(refused?.code).toBe('DM-3020');
    expect(refused?.params.retryAfterSeconds).toBe(45);
    expect(refusal(limiter, { address: '10.0.0.2' })).toBeUndefined();
    now.ms = 60_000;
    expect(refusal(limiter, { address: '10.0.0.1' })).toBeUndefined();
  });

  it('refuses a username over its limit from every address, whether the user exists or not', () => {
    const now = { ms: 0 };
    const limiter = throttle(now);
    limiter.failed({ address: '10.0.0.1', username: 'Nadie' });
    limiter.failed({ address: '10.0.0.2', username: 'nadie ' });
    expect(refusal(limiter, { address: '10.0.0.3', username: 'NADIE' })?.code).toBe('DM-3020');
    expect(refusal(limiter, { address: '10.0.0.3', username: 'otro' })).toBeUndefined();
  });

  it('counts failures only: successes never bring an address closer to its limit', () => {
    const now = { ms: 0 };
    const limiter = throttle(now);
    for (let i = 0; i < 100; i += 1) limiter.succeeded({ address: '10.0.0.1', username: 'erp' });
    expect(refusal(limiter, { address: '10.0.0.1', username: 'erp' })).toBeUndefined();
  });

  it('lets an address that authenticated as a user in, while a flood locks that name elsewhere', () => {
    const now = { ms: 0 };
    const limiter = throttle(now);
    limiter.succeeded({ address: '10.0.0.1', username: 'erp' });
    limiter.failed({ address: '203.0.113.9', username: 'erp' });
    limiter.failed({ address: '203.0.113.10', username: 'erp' });
    expect(refusal(limiter, { address: '203.0.113.11', username: 'erp' })?.code).toBe('DM-3020');
    expect(refusal(limiter, { address: '10.0.0.1', username: 'erp' })).toBeUndefined();
  });

  it('lets a trusted pair in while its address is over the limit (clients behind one proxy)', () => {
    const now = { ms: 0 };
    const limiter = throttle(now);
    limiter.succeeded({ address: '10.0.0.1', username: 'erp' });
    for (let i = 0; i < 3; i += 1) limiter.failed({ address: '10.0.0.1', username: `intruso-${i}` });
    expect(refusal(limiter, { address: '10.0.0.1', username: 'otro' })?.code).toBe('DM-3020');
    expect(refusal(limiter, { address: '10.0.0.1' })?.code).toBe('DM-3020');
    expect(refusal(limiter, { address: '10.0.0.1', username: 'ERP' })).toBeUndefined();
  });

  it('before the body, refuses an address over its limit unless some user authenticated from it', () => {
    const now = { ms: 0 };
    const limiter = throttle(now, { trustSeconds: 10, windowSeconds: 600 });
    for (const address of ['10.0.0.1', '10.0.0.2']) {
      for (let i = 0; i < 3; i += 1) limiter.failed({ address, username: `x${i}` });
    }
    limiter.succeeded({ address: '10.0.0.1', username: 'erp' });
    // The name may follow in the body: decided by `check` once it is read.
    expect(() => limiter.checkBeforeBody({ address: '10.0.0.1' })).not.toThrow();
    expect(refusal(limiter, { address: '10.0.0.1', username: 'otro' })?.code).toBe('DM-3020');
    expect(() => limiter.checkBeforeBody({ address: '10.0.0.1', username: 'otro' })).toThrow(RateLimitError);
    expect(() => limiter.checkBeforeBody({ address: '10.0.0.2' })).toThrow(RateLimitError);
    // Re-trusting the same pair counts it once: after eviction nothing is left behind.
    limiter.succeeded({ address: '10.0.0.1', username: 'erp' });
    const small = throttle(now, { maxKeys: 1, maxTrusted: 1 });
    small.succeeded({ address: '10.0.0.1', username: 'erp' });
    small.succeeded({ address: '10.0.0.3', username: 'erp' });
    for (let i = 0; i < 3; i += 1) small.failed({ address: '10.0.0.1', username: `x${i}` });
    expect(() => small.checkBeforeBody({ address: '10.0.0.1' })).toThrow(RateLimitError);
  });

  it("holds a trusted pair to its own failures, without counting them against the user's name", () => {
    const now = { ms: 0 };
    const limiter = throttle(now);
    limiter.succeeded({ address: '10.0.0.1', username: 'erp' });
    limiter.failed({ address: '10.0.0.1', username: 'erp' });
    expect(refusal(limiter, { address: '10.0.0.1', username: 'erp' })).toBeUndefined();
    limiter.failed({ address: '10.0.0.1', username: 'erp' });
    expect(refusal(limiter, { address: '10.0.0.1', username: 'erp' })?.code).toBe('DM-3020');
    expect(refusal(limiter, { address: '10.0.0.2', username: 'erp' })).toBeUndefined();
  });

  it('forgets trust after trustSeconds', () => {
    const now = { ms: 0 };
    const limiter = throttle(now, { trustSeconds: 10, windowSeconds: 600 });
    limiter.succeeded({ address: '10.0.0.1', username: 'erp' });
    limiter.failed({ address: '203.0.113.9', username: 'erp' });
    limiter.failed({ address: '203.0.113.9', username: 'erp' });
    expect(refusal(limiter, { address: '10.0.0.1', username: 'erp' })).toBeUndefined();
    now.ms = 10_000;
    expect(refusal(limiter, { address: '10.0.0.1', username: 'erp' })?.code).toBe('DM-3020');
  });

  it('counts a whole IPv6 /64 and an IPv4-mapped address as one client', () => {
    const now = { ms: 0 };
    const limiter = throttle(now, { maxFailuresPerUsername: 100 });
    limiter.failed({ address: '2001:db8:1:2::1' });
    limiter.failed({ address: '2001:db8:1:2:ffff::9' });
    limiter.failed({ address: '2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd' });
    expect(refusal(limiter, { address: '2001:db8:1:2::77' })?.code).toBe('DM-3020');
    expect(refusal(limiter, { address: '2001:db8:1:3::1' })).toBeUndefined();
    for (let i = 0; i < 3; i += 1) limiter.failed({ address: '::ffff:192.0.2.1' });
    expect(refusal(limiter, { address: '192.0.2.1' })?.code).toBe('DM-3020');
  });
});

describe('FailureWindows', () => {
  it('stays within maxKeys however many keys fail, forgetting the oldest window first', () => {
    const windows = new FailureWindows(1, 60_000, 1_000);
    for (let i = 0; i < 50_000; i += 1) windows.fail(`k${i}`, i);
    expect(windows.size).toBe(1_000);
    expect(windows.waitMs('k0', 50_000)).toBe(0);
    expect(windows.waitMs('k49999', 50_000)).toBeGreaterThan(0);
  });

  it('drops expired windows and opens a new one on the next failure', () => {
    const windows = new FailureWindows(2, 1_000, 10);
    windows.fail('a', 0);
    windows.fail('a', 500);
    expect(windows.waitMs('a', 600)).toBe(400);
    windows.fail('b', 1_000);
    expect(windows.size).toBe(1);
    windows.fail('a', 1_200);
    expect(windows.waitMs('a', 1_200)).toBe(0);
  });
});

describe('keys', () => {
  it.each([
    [undefined, 'unknown'],
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['2001:DB8::', '2001:db8:0:0::/64'],
  ])('address %s counts as %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  it('matches usernames case-insensitively and bounds their length', () => {
    expect(usernameKey(' ERP-1 ')).toBe('erp-1');
    expect(usernameKey('   ')).toBeUndefined();
    expect(usernameKey('x'.repeat(100_000))).toHaveLength(65);
  });
});
