import { nextMexicoDayStart } from '../periods/mexico-days';

/** Spread over this much after midnight, so every waiting request does not hit SAT at 00:00:00. */
export const SAT_DAY_JITTER_MS = 10 * 60_000;

/**
 * When a call refused for SAT's daily limit (5011) may be tried again: the next midnight in Mexico
 * City, where SAT's day turns, plus a jitter (`random` in [0, 1)).
 */
export function nextSatDay(now: Date, random: number): Date {
  return new Date(nextMexicoDayStart(now).getTime() + Math.floor(random * SAT_DAY_JITTER_MS));
}
