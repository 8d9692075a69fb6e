import { toMexicoWallClock } from './mexico-time';

/** What becomes of a period's inclusive end (FechaFinal) asked at `now`. */
export type PeriodEndDecision =
  | { readonly kind: 'as-asked'; readonly end: Date }
  /** Later today in Mexico City: the period is taken up to now, to the second. */
  | { readonly kind: 'cut-to-now'; readonly end: Date }
  /** On a later day: refused; `today` is Mexico City's date at `now` (yyyy-MM-dd), for the message. */
  | { readonly kind: 'refused'; readonly today: string };

/**
 * A period may end at most at "now" in Mexico City: SAT refuses a future FechaFinal, and a request SAT
 * refuses still spends a request of the RFC's lifetime quota for those criteria.
 *
 * An end later *today* is cut to now rather than refused: "today so far" (FechaFinal = today 23:59:59)
 * is what ERPs ask, and a client computing "now" itself would be refused whenever its clock ran a
 * second ahead of ours or its time zone was not Mexico City's. The cut is visible to the client (the
 * answer's PeriodosSolicitados and the solicitud's FechaFinal), and documents issued later today are
 * simply asked for by a later request.
 *
 * An end on a later day cannot mean "so far" (2999-12-31 is a typo or a placeholder): it is refused, so
 * the client learns of its mistake instead of receiving less than it believes it asked for.
 */
export function decidePeriodEnd(end: Date, now: Date): PeriodEndDecision {
  if (end.getTime() <= now.getTime()) return { kind: 'as-asked', end };
  const today = toMexicoWallClock(now).slice(0, 10);
  if (toMexicoWallClock(end).slice(0, 10) !== today) return { kind: 'refused', today };
  return { kind: 'cut-to-now', end: new Date(Math.floor(now.getTime() / 1000) * 1000) };
}
