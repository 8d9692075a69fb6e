import { fromMexicoWallClock, toMexicoWallClock } from './mexico-time';
import { timeRange, type TimeRange } from './time-range';

/** SAT v1.5 wants FechaInicial < FechaFinal (inclusive), so a period spans at least two seconds. */
export const SHORTEST_SAT_PERIOD_MS = 2_000;

/** Midnight in Mexico City that starts the day `instant` falls in. */
export function mexicoDayStart(instant: Date): Date {
  return fromMexicoWallClock(`${toMexicoWallClock(instant).slice(0, 10)}T00:00:00`);
}

/**
 * Midnight in Mexico City that ends the day `instant` falls in. Read 30 hours on, because a day of
 * the daylight-saving era lasted 23 or 25 hours; the next midnight is always within that reach.
 */
export function nextMexicoDayStart(instant: Date): Date {
  return mexicoDayStart(new Date(mexicoDayStart(instant).getTime() + 30 * 3_600_000));
}

/**
 * Cuts `range` at every Mexico City midnight inside it (SAT reads periods in Mexico City time, so a
 * day of ours is a day of SAT's). The pieces cover `range` exactly, in order. An edge piece shorter
 * than SAT's shortest period (a range from 23:59:59, or up to 00:00:01) is not asked alone, which SAT
 * would refuse: it stays with the day next to it.
 */
export function splitByMexicoDay(range: TimeRange): TimeRange[] {
  const start = range.start.getTime();
  const end = range.end.getTime();
  const cuts: number[] = [];
  for (let cut = nextMexicoDayStart(range.start).getTime(); cut < end;) {
    cuts.push(cut);
    cut = nextMexicoDayStart(new Date(cut)).getTime();
  }
  if (cuts.length > 0 && (cuts[0] as number) - start < SHORTEST_SAT_PERIOD_MS) cuts.shift();
  if (cuts.length > 0 && end - (cuts.at(-1) as number) < SHORTEST_SAT_PERIOD_MS) cuts.pop();
  const starts = [start, ...cuts];
  const ends = [...cuts, end];
  return starts.map((pieceStart, index) => timeRange(new Date(pieceStart), new Date(ends[index] as number)));
}
