import { HISTORY_YEARS } from '../../sat/shared/catalogues';
import { fromMexicoWallClock, toMexicoWallClock } from '../periods/mexico-time';
import { timeRange, type TimeRange } from '../periods/time-range';

/** The earliest instant SAT accepts as FechaInicial: midnight, Mexico City, six years before today. */
export function satHistoryFloor(now: Date): Date {
  const today = toMexicoWallClock(now).slice(0, 10);
  return fromMexicoWallClock(`${Number(today.slice(0, 4)) - HISTORY_YEARS}${today.slice(4)}T00:00:00`);
}

export type Widening =
  | { readonly kind: 'widened'; readonly periodo: TimeRange; readonly side: 'inicio' | 'fin' }
  /** Neither end can move: the start is at SAT's floor and the end at the present. */
  | { readonly kind: 'stuck' };

/**
 * The same request made new for SAT: SAT counts identical criteria, and a period one second wider is
 * another period (phpcfdi README, "Notas de uso"), holding every document of the first. The start
 * moves back, unless it would pass SAT's six-year floor; then the end moves forward, unless it would
 * pass the present (our periods end at most at "now").
 */
export function widenByOneSecond(periodo: TimeRange, floor: Date, now: Date): Widening {
  const earlier = new Date(periodo.start.getTime() - 1000);
  if (earlier.getTime() >= floor.getTime())
    return { kind: 'widened', periodo: timeRange(earlier, periodo.end), side: 'inicio' };
  const later = new Date(periodo.end.getTime() + 1000);
  if (later.getTime() <= now.getTime())
    return { kind: 'widened', periodo: timeRange(periodo.start, later), side: 'fin' };
  return { kind: 'stuck' };
}
