export interface BackoffPolicy {
  readonly initialDelaySeconds: number;
  readonly maxDelaySeconds: number;
  /** Share of the delay that is randomised, 0..1; spreads the polls of many solicitudes over time. */
  readonly jitter: number;
}

/**
 * Delay before verification attempt `attempt` (0-based): doubles from the initial delay up to the maximum,
 * then "equal jitter" keeps at least (1 - jitter) of it so a poll never comes back immediately.
 */
export function backoffDelaySeconds(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  const base = Math.min(policy.maxDelaySeconds, policy.initialDelaySeconds * 2 ** exponent);
  const jitter = Math.min(Math.max(policy.jitter, 0), 1);
  return Math.max(1, Math.round(base * (1 - jitter) + base * jitter * random()));
}
