import { createHmac, randomBytes } from 'node:crypto';

/**
 * Remembers for a few minutes that a secret matched a stored scrypt hash, so an ERP calling with HTTP
 * Basic or PasswordText does not pay ~0.2 s of CPU on every call. Only successes are remembered (a
 * guesser still pays scrypt per guess). Entries are keyed by an HMAC, under a key that lives only in
 * this process, of the stored hash and the secret: the secret is never kept, a new hash (secret
 * changed) never matches an old entry, and a revoked user is refused before the cache is asked.
 */
export class VerifiedSecretCache {
  private readonly key = randomBytes(32);
  /** Insertion-ordered, so the first entry is the oldest when the cache is full. */
  private readonly entries = new Map<string, number>();
  /** Checks running, by subject and id: identical concurrent checks share one (a burst pays once). */
  private readonly running = new Map<string, Promise<boolean>>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly maxEntries = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * `subject` (the username as sent) keeps concurrent checks of different callers apart even when
   * they share a stored hash, as unknown users share one decoy: sharing a check between two unknown
   * names, but not between an unknown and an existing one, would tell which names exist.
   */
  async verify(
    secret: string,
    storedHash: string,
    check: () => Promise<boolean>,
    subject = '',
  ): Promise<boolean> {
    const id = createHmac('sha256', this.key).update(storedHash).update('\0').update(secret).digest('base64');
    const now = this.clock();
    const expiresAt = this.entries.get(id);
    if (expiresAt !== undefined && expiresAt > now) return true;
    this.entries.delete(id);
    const runKey = `${subject.toLowerCase()}\0${id}`;
    const running = this.running.get(runKey);
    if (running !== undefined) return running;
    const checked = this.settle(id, check).finally(() => this.running.delete(runKey));
    this.running.set(runKey, checked);
    return checked;
  }

  private async settle(id: string, check: () => Promise<boolean>): Promise<boolean> {
    const valid = await check();
    if (valid) {
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
      this.entries.set(id, this.clock() + this.ttlMs);
    }
    return valid;
  }

  get size(): number {
    return this.entries.size;
  }
}
