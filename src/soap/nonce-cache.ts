/**
 * Remembers UsernameToken nonces until their Created time leaves the freshness window, so a captured
 * PasswordDigest cannot be replayed. Per process: behind a load balancer, use sticky sessions or a
 * shared cache with the same interface.
 */
export interface NonceCache {
  /** False when the nonce was already seen (a replay) or the cache cannot take more. */
  remember(nonce: string, expiresAtMs: number, nowMs: number): boolean;
}

export class InMemoryNonceCache implements NonceCache {
  private readonly entries = new Map<string, number>();

  constructor(private readonly capacity = 100_000) {}

  remember(nonce: string, expiresAtMs: number, nowMs: number): boolean {
    const known = this.entries.get(nonce);
    if (known !== undefined && known > nowMs) return false;
    if (this.entries.size >= this.capacity) this.purge(nowMs);
    // Fails closed: when full of live nonces, refusing is safer than forgetting one that may be replayed.
    if (this.entries.size >= this.capacity) return false;
    this.entries.set(nonce, expiresAtMs);
    return true;
  }

  get size(): number {
    return this.entries.size;
  }

  private purge(nowMs: number): void {
    for (const [nonce, expiresAt] of this.entries) if (expiresAt <= nowMs) this.entries.delete(nonce);
  }
}
