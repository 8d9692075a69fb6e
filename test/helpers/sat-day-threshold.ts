import { nextMexicoDayStart } from '../../src/services/periods/mexico-days';

/**
 * The earliest next_check_at that can only mean "waiting for SAT's next day" (5011): an hour ahead, or
 * the coming midnight in Mexico City when that is sooner — in the last hour of SAT's day the wait is
 * shorter than an hour, and an hour-ahead threshold would never see it.
 */
export function satNextDayThreshold(now: Date = new Date()): Date {
  const hourAhead = now.getTime() + 3_600_000;
  return new Date(Math.min(hourAhead, nextMexicoDayStart(now).getTime()));
}
