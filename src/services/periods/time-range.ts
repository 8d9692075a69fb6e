/**
 * A half-open interval of instants, [start, end). SAT periods are inclusive to the second; they become
 * half-open by adding one second to the end, which makes adjacency exact (no gaps, no overlaps) and
 * matches Postgres' default `tstzrange` bounds '[)'.
 */
export interface TimeRange {
  readonly start: Date;
  readonly end: Date;
}

export function timeRange(start: Date, end: Date): TimeRange {
  if (!(start.getTime() < end.getTime())) {
    throw new RangeError(`empty or inverted range: ${start.toISOString()} .. ${end.toISOString()}`);
  }
  return Object.freeze({ start: new Date(start.getTime()), end: new Date(end.getTime()) });
}

export function rangeLengthMs(range: TimeRange): number {
  return range.end.getTime() - range.start.getTime();
}

export function overlaps(a: TimeRange, b: TimeRange): boolean {
  return a.start.getTime() < b.end.getTime() && b.start.getTime() < a.end.getTime();
}

/** Sorts and joins ranges that overlap or touch. */
export function mergeRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const sorted = [...ranges].sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: TimeRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start.getTime() <= last.end.getTime()) {
      if (range.end.getTime() > last.end.getTime())
        merged[merged.length - 1] = timeRange(last.start, range.end);
    } else {
      merged.push(range);
    }
  }
  return merged;
}

/** The parts of `requested` that none of `covered` contains, in order. */
export function subtractRanges(requested: TimeRange, covered: readonly TimeRange[]): TimeRange[] {
  const gaps: TimeRange[] = [];
  let cursor = requested.start.getTime();
  const end = requested.end.getTime();
  for (const range of mergeRanges(covered)) {
    if (range.end.getTime() <= cursor || range.start.getTime() >= end) continue;
    if (range.start.getTime() > cursor) gaps.push(timeRange(new Date(cursor), range.start));
    cursor = Math.max(cursor, range.end.getTime());
    if (cursor >= end) break;
  }
  if (cursor < end) gaps.push(timeRange(new Date(cursor), requested.end));
  return gaps;
}

/** Cuts `range` at `instant` when it falls strictly inside; otherwise returns it whole. */
export function splitAt(range: TimeRange, instant: Date): TimeRange[] {
  const at = instant.getTime();
  if (at <= range.start.getTime() || at >= range.end.getTime()) return [range];
  return [timeRange(range.start, instant), timeRange(instant, range.end)];
}

/**
 * Halves a range on a whole second (SAT's resolution), or returns undefined when either half would be
 * shorter than `minimumSpanMs`: the caller then reports the period as impossible to split further.
 */
export function bisect(range: TimeRange, minimumSpanMs: number): [TimeRange, TimeRange] | undefined {
  const middle = Math.floor((range.start.getTime() + rangeLengthMs(range) / 2) / 1000) * 1000;
  if (middle - range.start.getTime() < minimumSpanMs || range.end.getTime() - middle < minimumSpanMs)
    return undefined;
  return [timeRange(range.start, new Date(middle)), timeRange(new Date(middle), range.end)];
}
