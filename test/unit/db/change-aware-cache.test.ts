import { ChangeAwareCache } from '../../../src/db/change-feed';

describe('ChangeAwareCache: answers only while every change is announced', () => {
  let clock = 0;
  const cache = (maxEntries = 3, ttlMs = 1_000): ChangeAwareCache<string | null> =>
    new ChangeAwareCache({ maxEntries, ttlMs, maxKeyLength: 16, now: () => clock });

  beforeEach(() => {
    clock = 0;
  });

  it('answers nothing and keeps nothing before it is enabled', () => {
    const users = cache();
    expect(users.store(users.ticket(), 'demo', 'row')).toBe(false);
    expect(users.get('demo')).toBeUndefined();
    expect(users.isEnabled).toBe(false);
  });

  it('once enabled, answers what a read stored, "no such row" included', () => {
    const users = cache();
    users.enable();
    expect(users.store(users.ticket(), 'demo', 'row')).toBe(true);
    expect(users.store(users.ticket(), 'nadie', null)).toBe(true);
    expect(users.get('demo')?.value).toBe('row');
    expect(users.get('nadie')?.value).toBeNull();
    expect(users.get('otro')).toBeUndefined();
  });

  it('forgets every entry when a change is announced', () => {
    const users = cache();
    users.enable();
    users.store(users.ticket(), 'demo', 'row');
    users.invalidate();
    expect(users.get('demo')).toBeUndefined();
  });

  it('refuses what a read began before the announced change (it may hold the old row)', () => {
    const users = cache();
    users.enable();
    const before = users.ticket();
    users.invalidate();
    expect(users.store(before, 'demo', 'old row')).toBe(false);
    expect(users.get('demo')).toBeUndefined();
    expect(users.store(users.ticket(), 'demo', 'new row')).toBe(true);
  });

  it('refuses what a read began before it was enabled (changes were not heard then)', () => {
    const users = cache();
    const before = users.ticket();
    users.enable();
    expect(users.store(before, 'demo', 'row')).toBe(false);
  });

  it('forgets everything and answers nothing once disabled, until enabled again', () => {
    const users = cache();
    users.enable();
    users.store(users.ticket(), 'demo', 'row');
    const during = users.ticket();
    users.disable();
    expect(users.get('demo')).toBeUndefined();
    expect(users.store(users.ticket(), 'demo', 'row')).toBe(false);
    users.enable();
    expect(users.get('demo')).toBeUndefined();
    expect(users.store(during, 'demo', 'row')).toBe(false);
  });

  it('lets an entry go when it is older than the time to live, announced change or not', () => {
    const users = cache(3, 1_000);
    users.enable();
    users.store(users.ticket(), 'demo', 'row');
    clock = 999;
    expect(users.get('demo')?.value).toBe('row');
    clock = 1_000;
    expect(users.get('demo')).toBeUndefined();
  });

  it('keeps at most maxEntries, dropping the one stored longest ago', () => {
    const users = cache(2);
    users.enable();
    users.store(users.ticket(), 'a', 'A');
    users.store(users.ticket(), 'b', 'B');
    users.store(users.ticket(), 'a', 'A2');
    users.store(users.ticket(), 'c', 'C');
    expect(users.get('b')).toBeUndefined();
    expect(users.get('a')?.value).toBe('A2');
    expect(users.get('c')?.value).toBe('C');
  });

  it('never stores a key longer than maxKeyLength (keys come from callers)', () => {
    const users = cache();
    users.enable();
    expect(users.store(users.ticket(), 'x'.repeat(17), null)).toBe(false);
    expect(users.get('x'.repeat(17))).toBeUndefined();
    expect(users.store(users.ticket(), 'x'.repeat(16), null)).toBe(true);
  });
});
