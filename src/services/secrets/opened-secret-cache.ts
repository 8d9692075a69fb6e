interface Opened {
  readonly sealed: Buffer;
  readonly secret: Buffer;
  readonly expiresAt: number;
}

/**
 * Secrets opened from their sealed form (two AES-GCM opens, about 6 % of a PasswordDigest call),
 * kept a minute as one Buffer per subject and zeroed when they leave. Opening on every call left a
 * fresh plaintext string in the heap per call until the collector came by; this keeps one copy that
 * is wiped on eviction, expiry or replacement.
 *
 * An entry answers only for the very sealed bytes it was opened from: a changed secret (new sealed
 * value) is opened again. Revocation never reaches here: the user lookup refuses first.
 */
export class OpenedSecretCache {
  /** Insertion-ordered: the first entry is the oldest. */
  private readonly entries = new Map<string, Opened>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 1_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * The secret sealed in `sealed`, opened by `open` unless this subject's entry holds it already.
   * Use it before the next await: a later call may wipe it.
   */
  secretOf(subject: string, sealed: Buffer, open: () => Buffer): Buffer {
    const now = this.clock();
    const known = this.entries.get(subject);
    if (known !== undefined && known.expiresAt > now && known.sealed.equals(sealed)) return known.secret;
    if (known !== undefined) this.drop(subject, known);
    this.dropExpired(now);
    if (this.entries.size >= this.maxEntries) {
      const [oldest] = this.entries;
      if (oldest) this.drop(...oldest);
    }
    const secret = open();
    this.entries.set(subject, { sealed: Buffer.from(sealed), secret, expiresAt: now + this.ttlMs });
    return secret;
  }

  /** Wipes every opened secret (shutdown, tests). */
  clear(): void {
    for (const [subject, opened] of this.entries) this.drop(subject, opened);
  }

  get size(): number {
    return this.entries.size;
  }

  private dropExpired(now: number): void {
    for (const [subject, opened] of this.entries) {
      if (opened.expiresAt > now) return;
      this.drop(subject, opened);
    }
  }

  private drop(subject: string, opened: Opened): void {
    opened.secret.fill(0);
    this.entries.delete(subject);
  }
}
