import { fromMexicoWallClock } from '../../../src/services/periods/mexico-time';
import { SAT_DAY_JITTER_MS, nextSatDay } from '../../../src/services/pipeline/sat-day';

describe("a call refused for SAT's daily limit waits for SAT's next day", () => {
  it('is tried again just after the next midnight in Mexico City, not UTC', () => {
    // 20:00 in Mexico City is already the next day in UTC.
    const evening = fromMexicoWallClock('2026-12-06T20:00:00');
    expect(nextSatDay(evening, 0)).toEqual(fromMexicoWallClock('2026-12-07T00:00:00'));
  });

  it('a refusal at 00:00:30 waits for the following midnight', () => {
    const justAfter = fromMexicoWallClock('2026-12-07T00:00:30');
    expect(nextSatDay(justAfter, 0)).toEqual(fromMexicoWallClock('2026-12-08T00:00:00'));
  });

  it('spreads the retries over the first minutes of the day', () => {
    const evening = fromMexicoWallClock('2026-12-06T20:00:00');
    const midnight = fromMexicoWallClock('2026-12-07T00:00:00').getTime();
    expect(nextSatDay(evening, 0.5).getTime()).toBe(midnight + SAT_DAY_JITTER_MS / 2);
    expect(nextSatDay(evening, 0.999999).getTime()).toBeLessThan(midnight + SAT_DAY_JITTER_MS);
  });
});
