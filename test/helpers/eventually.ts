export interface EventuallyOptions {
  /** How long to keep trying before the last failure is thrown (default 10 s). */
  readonly timeoutMs?: number;
  /** The pause between two tries (default 250 ms). */
  readonly intervalMs?: number;
}

/** The pause between two tries of a polling loop; exported for loops that poll without a check to pass. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `check` until it passes: until it neither throws nor returns `false`. Returns what it
 * returned. When time runs out, throws the last failure, so a test reports where things stood
 * (an assertion's diff, or the message the check threw) rather than a bare timeout.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 250 }: EventuallyOptions = {},
): Promise<Exclude<T, false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure: unknown;
    try {
      const result = await check();
      if (result !== false) return result as Exclude<T, false>;
      failure = new Error(`condition not met within ${timeoutMs} ms`);
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) throw failure;
    await pause(intervalMs);
  }
}

/**
 * Polls `probe` until it finds something (anything but `undefined`) and returns it; when time runs
 * out, fails with `timed out waiting for <what>`.
 */
export function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  options: EventuallyOptions = {},
): Promise<T> {
  return eventually(async () => {
    const value = await probe();
    if (value === undefined) throw new Error(`timed out waiting for ${what}`);
    return value;
  }, options) as Promise<T>;
}

/**
 * Like `eventually`, for loops whose timeout is not the failure: whether `check` passed in time, for
 * the assertions that follow to say what went wrong.
 */
export function passesWithin(check: () => unknown, options: EventuallyOptions = {}): Promise<boolean> {
  return eventually(check, options).then(
    () => true,
    () => false,
  );
}
