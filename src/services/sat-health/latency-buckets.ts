/**
 * Upper bounds (ms) of the latency buckets kept per endpoint and minute; the last bucket is open.
 * Latency is the time to SAT's response headers (for Descarga, not the time to stream the package,
 * which grows with its size). Changing the bounds changes the meaning of stored rows: only do it
 * together with a purge of sat_call_stats.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000,
];

/** Index of the bucket a latency falls in (0-based; `LATENCY_BOUNDS_MS.length` is the open one). */
export function bucketIndex(ms: number): number {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound);
  return index === -1 ? LATENCY_BOUNDS_MS.length : index;
}

/** A histogram with one call in the bucket of `ms`. */
export function oneCall(ms: number): number[] {
  const counts = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  counts[bucketIndex(ms)] = 1;
  return counts;
}

/** Adds histograms of any length (rows written before a bound was added are shorter). */
export function addHistograms(into: number[], more: readonly number[]): number[] {
  for (let index = 0; index < more.length; index += 1) into[index] = (into[index] ?? 0) + (more[index] ?? 0);
  return into;
}

/**
 * The latency under which a share `q` of the calls fell, in ms: the upper bound of the bucket that
 * reaches it (never more than the slowest call seen, which bounds the open bucket). Undefined without calls.
 */
export function percentileMs(histogram: readonly number[], q: number, maxMs: number): number | undefined {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  if (total === 0) return undefined;
  const wanted = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let index = 0; index < histogram.length; index += 1) {
    seen += histogram[index] ?? 0;
    if (seen >= wanted) return Math.min(LATENCY_BOUNDS_MS[index] ?? maxMs, maxMs);
  }
  return maxMs;
}
