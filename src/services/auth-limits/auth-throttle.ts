import { RateLimitError, generalErrors } from '../../errors';

export interface AuthThrottleOptions {
  /** Failed authentications a client address may make in one window (AUTH_FAILURES_PER_IP). */
  readonly maxFailuresPerAddress: number;
  /** Failed authentications one username, as sent, may take in one window (AUTH_FAILURES_PER_USERNAME). */
  readonly maxFailuresPerUsername: number;
  /** The window starts at a key's first failure (AUTH_FAILURE_WINDOW_SECONDS). */
  readonly windowSeconds: number;
  /** Failure counters kept per kind (addresses, usernames, trusted pairs); past it the oldest goes. */
  readonly maxKeys?: number;
  /** Trusted (address, username) pairs kept; past it the oldest goes. */
  readonly maxTrusted?: number;
  /** How long an address stays trusted for a username after it authenticated as that user. */
  readonly trustSeconds?: number;
  readonly now?: () => number;
}

/** Who is trying: the client address as express sees it and, once read, the username as sent. */
export interface AuthAttempt {
  readonly address: string | undefined;
  readonly username?: string | undefined;
}

/** Usernames of API users have at most 64 characters; longer ones all share one counter. */
const USERNAME_KEY_CHARS = 65;
const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/;

/**
 * The counter key of a client address. IPv6 counts per /64, the block a single host or customer
 * line usually gets: counting per address would give one attacker 2^64 fresh counters.
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const plain = (address.split('%')[0] ?? '').toLowerCase();
  const mapped = IPV4_MAPPED.exec(plain);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (!plain.includes(':')) return plain;
  const halves = plain.split('::');
  if (halves.length > 2) return plain;
  const groups = (half: string | undefined): string[] => (half ? half.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const full =
    halves.length === 2
      ? [...head, ...Array<string>(Math.max(0, 8 - head.length - tail.length)).fill('0')]
      : head;
  const prefix = [...full, ...tail]
    .slice(0, 4)
    .map((group) => (Number.parseInt(group, 16) || 0).toString(16));
  return `${prefix.join(':')}::/64`;
}

/** The counter key of a username as sent: API usernames match case-insensitively. */
export function usernameKey(username: string | undefined): string | undefined {
  const key = username?.trim().toLowerCase().slice(0, USERNAME_KEY_CHARS);
  return key ? key : undefined;
}

interface Window {
  readonly startedMs: number;
  failures: number;
}

/**
 * Failures per key in a fixed window opened by the key's first failure. Insertion order is window
 * order (a window that restarts is re-inserted), so expired windows are dropped from the head and,
 * when full, the oldest window goes: the structure stays bounded and each step costs O(1) amortised.
 */
export class FailureWindows {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  waitMs(key: string, nowMs: number): number {
    const window = this.windows.get(key);
    if (window === undefined || window.failures < this.limit) return 0;
    return Math.max(0, window.startedMs + this.windowMs - nowMs);
  }

  fail(key: string, nowMs: number): void {
    this.dropExpired(nowMs);
    const window = this.windows.get(key);
    if (window !== undefined && window.startedMs + this.windowMs > nowMs) {
      window.failures += 1;
      return;
    }
    this.windows.delete(key);
    if (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next();
      if (!oldest.done) this.windows.delete(oldest.value);
    }
    this.windows.set(key, { startedMs: nowMs, failures: 1 });
  }

  get size(): number {
    return this.windows.size;
  }

  private dropExpired(nowMs: number): void {
    for (const [key, window] of this.windows) {
      if (window.startedMs + this.windowMs > nowMs) return;
      this.windows.delete(key);
    }
  }
}

/**
 * Throttles authentication before it is attempted: per client address and per username as sent
 * (existing or not), counting failures only, so an ERP that authenticates is never slowed. Over a
 * limit the caller gets DM-3020 (HTTP 429 with Retry-After) without any secret being checked.
 *
 * An address that authenticated as a user stays trusted for that user (`trustSeconds`): that pair
 * answers only to its own failure count (the username limit), not to the address's or the name's.
 * So a flood of wrong passwords for an ERP's name from elsewhere does not lock the ERP out, nor does
 * a flood from its own address, which is every client's address behind a reverse proxy.
 */
export class AuthThrottle {
  private readonly addresses: FailureWindows;
  private readonly usernames: FailureWindows;
  /** Failures of trusted pairs, which the two limits above do not hold back. */
  private readonly pairs: FailureWindows;
  /** `address \0 username` -> trusted until, in insertion (refresh) order. */
  private readonly trusted = new Map<string, number>();
  /** Trusted pairs per address. */
  private readonly trustedAt = new Map<string, number>();
  private readonly maxTrusted: number;
  private readonly trustMs: number;
  private readonly now: () => number;

  constructor(options: AuthThrottleOptions) {
    const windowMs = options.windowSeconds * 1000;
    // ~35 MB per kind at worst (long usernames), reached only by a flood from tens of thousands of addresses.
    const maxKeys = Math.max(1, options.maxKeys ?? 50_000);
    this.maxTrusted = Math.max(1, options.maxTrusted ?? 10_000);
    this.trustMs = (options.trustSeconds ?? 24 * 3600) * 1000;
    this.now = options.now ?? Date.now;
    this.addresses = new FailureWindows(options.maxFailuresPerAddress, windowMs, maxKeys);
    this.usernames = new FailureWindows(options.maxFailuresPerUsername, windowMs, maxKeys);
    this.pairs = new FailureWindows(options.maxFailuresPerUsername, windowMs, maxKeys);
  }

  /** Throws DM-3020 when the address or the username is over its limit. */
  check(attempt: AuthAttempt): void {
    const nowMs = this.now();
    const address = addressKey(attempt.address);
    const username = usernameKey(attempt.username);
    const pair = username === undefined ? undefined : this.trustedPair(address, username, nowMs);
    const waitMs =
      pair !== undefined
        ? this.pairs.waitMs(pair, nowMs)
        : Math.max(
            this.addresses.waitMs(address, nowMs),
            username === undefined ? 0 : this.usernames.waitMs(username, nowMs),
          );
    if (waitMs > 0) {
      const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new RateLimitError(generalErrors.authThrottled, { params: { retryAfterSeconds } });
    }
  }

  /**
   * The check that can be made before the body is read, where a WS-Security username travels:
   * without a username, an address some user authenticated from is let through to `check`, which
   * knows the name (its body is then read, within the body limit, as any caller's).
   */
  checkBeforeBody(attempt: AuthAttempt): void {
    if (usernameKey(attempt.username) === undefined && this.trustedAt.has(addressKey(attempt.address)))
      return;
    this.check(attempt);
  }

  failed(attempt: AuthAttempt): void {
    const nowMs = this.now();
    const address = addressKey(attempt.address);
    this.addresses.fail(address, nowMs);
    const username = usernameKey(attempt.username);
    if (username === undefined) return;
    const pair = this.trustedPair(address, username, nowMs);
    // A trusted pair failing (an ERP whose secret changed) must not lock its user out elsewhere.
    if (pair !== undefined) this.pairs.fail(pair, nowMs);
    else this.usernames.fail(username, nowMs);
  }

  succeeded(attempt: AuthAttempt): void {
    const username = usernameKey(attempt.username);
    if (username === undefined) return;
    const nowMs = this.now();
    const address = addressKey(attempt.address);
    const key = `${address}\u0000${username}`;
    this.untrust(key);
    for (const [oldest, until] of this.trusted) {
      if (until > nowMs && this.trusted.size < this.maxTrusted) break;
      this.untrust(oldest);
    }
    this.trusted.set(key, nowMs + this.trustMs);
    this.trustedAt.set(address, (this.trustedAt.get(address) ?? 0) + 1);
  }

  private untrust(key: string): void {
    if (!this.trusted.delete(key)) return;
    const address = key.slice(0, key.indexOf('\u0000'));
    const count = (this.trustedAt.get(address) ?? 1) - 1;
    if (count > 0) this.trustedAt.set(address, count);
    else this.trustedAt.delete(address);
  }

  /** The pair's key when `address` authenticated as `username` within `trustSeconds`. */
  private trustedPair(address: string, username: string, nowMs: number): string | undefined {
    const key = `${address}\u0000${username}`;
    const until = this.trusted.get(key);
    return until !== undefined && until > nowMs ? key : undefined;
  }
}
