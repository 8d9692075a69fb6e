import { VerifiedSecretCache } from '../../../src/services/secrets';

describe('VerifiedSecretCache', () => {
  let now = 1_000_000;
  const clock = (): number => now;
  const counted = (result: boolean) => {
    const check = jest.fn(async () => result);
    return check;
  };

  it('pays the real check once, then answers from memory until the entry expires', async () => {
    const cache = new VerifiedSecretCache(60_000, 10, clock);
    const check = counted(true);
    expect(await cache.verify('s3creto', 'hash-1', check)).toBe(true);
    expect(await cache.verify('s3creto', 'hash-1', check)).toBe(true);
    expect(check).toHaveBeenCalledTimes(1);
    now += 61_000;
    expect(await cache.verify('s3creto', 'hash-1', check)).toBe(true);
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('never remembers a failure, another secret or an old hash', async () => {
    const cache = new VerifiedSecretCache(60_000, 10, clock);
    await cache.verify('bueno', 'hash-1', counted(true));
    const wrong = counted(false);
    expect(await cache.verify('malo', 'hash-1', wrong)).toBe(false);
    expect(await cache.verify('malo', 'hash-1', wrong)).toBe(false);
    expect(wrong).toHaveBeenCalledTimes(2);
    // The secret was changed: the stored hash differs, so the old success does not count.
    const rotated = counted(false);
    expect(await cache.verify('bueno', 'hash-2', rotated)).toBe(false);
    expect(rotated).toHaveBeenCalledTimes(1);
  });

  it('stays within its bound, forgetting the oldest entry first', async () => {
    const cache = new VerifiedSecretCache(60_000, 2, clock);
    await cache.verify('a', 'h', counted(true));
    await cache.verify('b', 'h', counted(true));
    await cache.verify('c', 'h', counted(true));
    expect(cache.size).toBe(2);
    const again = counted(true);
    await cache.verify('a', 'h', again);
    expect(again).toHaveBeenCalledTimes(1);
    const kept = counted(true);
    await cache.verify('c', 'h', kept);
    expect(kept).not.toHaveBeenCalled();
  });
});

describe('VerifiedSecretCache with concurrent checks', () => {
  it('runs identical concurrent checks of one subject once, and keeps subjects apart', async () => {
    const cache = new VerifiedSecretCache(60_000, 10);
    let release: (value: boolean) => void = () => undefined;
    const gate = new Promise<boolean>((resolve) => (release = resolve));
    const check = jest.fn(() => gate);
    const same = [
      cache.verify('adivina', 'decoy', check, 'Nadie'),
      cache.verify('adivina', 'decoy', check, 'nadie'),
    ];
    // Two unknown names share the decoy hash, yet each pays its own check, as two existing users would.
    const other = cache.verify('adivina', 'decoy', check, 'otro');
    release(false);
    expect(await Promise.all([...same, other])).toEqual([false, false, false]);
    expect(check).toHaveBeenCalledTimes(2);
    await cache.verify('adivina', 'decoy', check, 'nadie');
    expect(check).toHaveBeenCalledTimes(3);
  });
});
