/**
 * Remembers UsernameToken nonces until their Created time leaves the freshness window, so a captured
 * PasswordDigest cannot be replayed. Only nonces of tokens that authenticated are offered to it, so
 * only a holder of a valid secret can add entries. Per process: behind a load balancer, use sticky
 * sessions or a shared cache with the same interface.
 */
export interface NonceCache {
  /**
   * Records `nonce` for `scope` (the authenticated user); false only when it was already recorded
   * and has not expired (a replay). Never refuses a new nonce, however full it is.
   */
  remember(scope: string, nonce: string, expiresAtMs: number, nowMs: number): boolean;
}

export interface NonceCacheLimits {
  /** Nonces kept in all (default 100 000): past it the oldest entry is forgotten. */
  readonly capacity?: number;
  /** Nonces kept per user (default 20 000): one user's traffic can only push out its own nonces. */
  readonly perScope?: number;
}

/** Drops entries from the head (the oldest inserted) while they have expired. */
function dropExpiredHead(entries: Map<string, number>, nowMs: number, onDrop: (key: string) => void): void {
  for (const [key, expiresAt] of entries) {
    if (expiresAt > nowMs) return;
    entries.delete(key);
    onDrop(key);
  }
}

/**
 * Bounded overall and per user. When a bound is reached the oldest entry goes (it is the closest to
 * expiry, give or take the clock skew of Created), rather than refusing: failing closed let anyone
 * who filled the cache lock every PasswordDigest client out.
 */
export class InMemoryNonceCache implements NonceCache {
  /** `scope \0 nonce` -> expiry, in insertion order, so the head is the oldest entry. */
  private readonly entries = new Map<string, number>();
  private readonly scopes = new Map<string, Map<string, number>>();
  private readonly capacity: number;
  private readonly perScope: number;

  constructor(limits: NonceCacheLimits = {}) {
    this.capacity = Math.max(1, limits.capacity ?? 100_000);
    this.perScope = Math.max(1, Math.min(this.capacity, limits.perScope ?? 20_000));
  }

  remember(scope: string, nonce: string, expiresAtMs: number, nowMs: number): boolean {
    const key = `${scope}\u0000${nonce}`;
    const known = this.entries.get(key);
    if (known !== undefined && known > nowMs) return false;
    if (known !== undefined) this.forget(key);
    dropExpiredHead(this.entries, nowMs, (dropped) => this.forgetInScope(dropped));
    const own = this.scopes.get(scope);
    if (own !== undefined) {
      dropExpiredHead(own, nowMs, (dropped) => this.entries.delete(dropped));
      if (own.size >= this.perScope) this.forgetOldest(own);
    }
    if (this.entries.size >= this.capacity) this.forgetOldest(this.entries);
    // Looked up again: an eviction above may have removed the scope's last entry, and its map.
    let scoped = this.scopes.get(scope);
    if (scoped === undefined) {
      scoped = new Map();
      this.scopes.set(scope, scoped);
    }
    this.entries.set(key, expiresAtMs);
    scoped.set(key, expiresAtMs);
    return true;
  }

  get size(): number {
    return this.entries.size;
  }

  private forgetOldest(entries: Map<string, number>): void {
    const oldest = entries.keys().next();
    if (!oldest.done) this.forget(oldest.value);
  }

  private forget(key: string): void {
    this.entries.delete(key);
    this.forgetInScope(key);
  }

  private forgetInScope(key: string): void {
    const scope = key.slice(0, key.indexOf('\u0000'));
    const scoped = this.scopes.get(scope);
    scoped?.delete(key);
    if (scoped?.size === 0) this.scopes.delete(scope);
  }
}
