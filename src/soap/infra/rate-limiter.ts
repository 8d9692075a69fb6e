import { RateLimitError, generalErrors } from '../../errors';

export interface RateLimiterOptions {
  /** Sustained requests per minute per key; also the burst size. */
  readonly perMinute: number;
  readonly now?: () => number;
  /** Buckets kept before idle (full) ones are dropped. */
  readonly maxKeys?: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Token bucket per API user: a burst up to `perMinute`, refilled continuously at `perMinute`/60 s. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly options: RateLimiterOptions) {
    this.refillPerMs = options.perMinute / 60_000;
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** Takes one token for `key`, or throws DM-3003 saying when the next one will be there. */
  consume(key: string): void {
    const nowMs = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.options.perMinute, updatedMs: nowMs };
    bucket.tokens = Math.min(
      this.options.perMinute,
      bucket.tokens + (nowMs - bucket.updatedMs) * this.refillPerMs,
    );
    bucket.updatedMs = nowMs;
    if (!this.buckets.has(key)) {
      if (this.buckets.size >= this.maxKeys) this.dropIdle(nowMs);
      this.buckets.set(key, bucket);
    }
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000));
      throw new RateLimitError(generalErrors.rateLimited, { params: { retryAfterSeconds } });
    }
    bucket.tokens -= 1;
  }

  private dropIdle(nowMs: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (nowMs - bucket.updatedMs) * this.refillPerMs >= this.options.perMinute) {
        this.buckets.delete(key);
      }
    }
  }
}
