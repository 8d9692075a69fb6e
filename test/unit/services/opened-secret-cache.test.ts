import { OpenedSecretCache } from '../../../src/services/secrets';

describe('OpenedSecretCache: one opened copy per subject, wiped when it leaves', () => {
  let clock = 0;
  let opens = 0;
  const sealedA = Buffer.from('sealed secret A');
  const sealedB = Buffer.from('sealed secret B');
  const opener = (text: string) => () => {
    opens += 1;
    return Buffer.from(text);
  };
  const cache = (ttlMs = 1_000, maxEntries = 2) => new OpenedSecretCache(ttlMs, maxEntries, () => clock);

  beforeEach(() => {
    clock = 0;
    opens = 0;
  });

  it('opens a sealed secret once and answers the same bytes while they are fresh', () => {
    const secrets = cache();
    expect(secrets.secretOf('u1', sealedA, opener('uno')).toString()).toBe('uno');
    expect(secrets.secretOf('u1', Buffer.from(sealedA), opener('otro')).toString()).toBe('uno');
    expect(opens).toBe(1);
  });

  it('opens again when the sealed value changed (a new secret), and wipes the old one', () => {
    const secrets = cache();
    const old = secrets.secretOf('u1', sealedA, opener('uno'));
    expect(secrets.secretOf('u1', sealedB, opener('dos')).toString()).toBe('dos');
    expect(opens).toBe(2);
    expect(old.every((byte) => byte === 0)).toBe(true);
  });

  it('does not let a caller change the sealed bytes an entry answers for', () => {
    const secrets = cache();
    const sealed = Buffer.from(sealedA);
    secrets.secretOf('u1', sealed, opener('uno'));
    sealed.fill(1);
    secrets.secretOf('u1', sealedA, opener('uno'));
    expect(opens).toBe(1);
  });

  it('opens again after the time to live, wiping the expired copy', () => {
    const secrets = cache(1_000);
    const first = secrets.secretOf('u1', sealedA, opener('uno'));
    clock = 1_000;
    secrets.secretOf('u1', sealedA, opener('uno'));
    expect(opens).toBe(2);
    expect(first.every((byte) => byte === 0)).toBe(true);
  });

  it('wipes other subjects’ expired copies as it goes, and keeps at most maxEntries', () => {
    const secrets = cache(1_000, 2);
    const u1 = secrets.secretOf('u1', sealedA, opener('uno'));
    clock = 500;
    const u2 = secrets.secretOf('u2', sealedA, opener('dos'));
    clock = 600;
    secrets.secretOf('u3', sealedA, opener('tres'));
    expect(secrets.size).toBe(2);
    expect(u1.every((byte) => byte === 0)).toBe(true);
    clock = 1_500;
    secrets.secretOf('u4', sealedA, opener('cuatro'));
    expect(u2.every((byte) => byte === 0)).toBe(true);
    expect(secrets.size).toBe(2);
  });

  it('wipes everything on clear', () => {
    const secrets = cache();
    const u1 = secrets.secretOf('u1', sealedA, opener('uno'));
    secrets.clear();
    expect(secrets.size).toBe(0);
    expect(u1.every((byte) => byte === 0)).toBe(true);
  });
});
