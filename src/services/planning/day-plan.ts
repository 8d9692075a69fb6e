import { overlaps, timeRange, type TimeRange } from '../periods/time-range';

/** A stretch of a period asked for by day: a run of days the index sizes, or one day it cannot. */
export interface DaySegment {
  readonly periodo: TimeRange;
  /** Every instant of it is described by indexed metadata, so its documents can be counted. */
  readonly indexed: boolean;
}

/**
 * Groups `days` (consecutive, as splitByMexicoDay cuts them) by what the index knows: a day that
 * touches any of `unindexed` is its own segment, of unknown size; consecutive days that touch none
 * form one segment, which the index plans (and packs) like any sized period.
 */
export function segmentDays(days: readonly TimeRange[], unindexed: readonly TimeRange[]): DaySegment[] {
  const segments: DaySegment[] = [];
  for (const day of days) {
    const indexed = !unindexed.some((gap) => overlaps(gap, day));
    const last = segments.at(-1);
    if (indexed && last?.indexed) {
      segments[segments.length - 1] = { periodo: timeRange(last.periodo.start, day.end), indexed };
    } else {
      segments.push({ periodo: day, indexed });
    }
  }
  return segments;
}
