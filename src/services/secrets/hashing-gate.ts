import { availableParallelism } from 'node:os';
import { RateLimitError, generalErrors } from '../../errors';

export interface HashingGateOptions {
  /** Checks running at once. */
  readonly width?: number;
  /** Checks waiting for a slot; one more is refused at once. */
  readonly maxWaiting?: number;
}

/**
 * Half the cores, and never more than the libuv thread pool minus two: scrypt runs on that pool,
 * and file system calls (the storage health probe, local-disk packages) must always find a thread.
 */
export function hashingWidth(cores: number, threadPoolSize: number): number {
  return Math.max(1, Math.min(Math.floor(cores / 2), threadPoolSize - 2));
}

/**
 * Bounds the CPU spent on password hashing (scrypt, ~0.1-0.2 s a check): at most `width` checks at
 * once and `maxWaiting` queued; past that the caller gets DM-3021 (HTTP 429, Retry-After 1) at no
 * cost. A flood of guesses from any number of addresses then costs a bounded share of the machine,
 * and a caller whose secret is already verified (VerifiedSecretCache) never reaches the gate.
 */
export class HashingGate {
  private readonly width: number;
  private readonly maxWaiting: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(options: HashingGateOptions = {}) {
    this.width = Math.max(
      1,
      options.width ?? hashingWidth(availableParallelism(), Number(process.env.UV_THREADPOOL_SIZE) || 4),
    );
    this.maxWaiting = Math.max(0, options.maxWaiting ?? 16 * this.width);
  }

  async run<T>(check: () => Promise<T>): Promise<T> {
    if (this.running < this.width) {
      this.running += 1;
    } else if (this.waiting.length < this.maxWaiting) {
      // The slot is handed over by `release`, still counted in `running`.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      throw new RateLimitError(generalErrors.authBusy, { params: { retryAfterSeconds: 1 } });
    }
    try {
      return await check();
    } finally {
      this.release();
    }
  }

  get load(): { readonly running: number; readonly waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.running -= 1;
    else next();
  }
}
