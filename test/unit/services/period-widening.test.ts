import { satHistoryFloor, widenByOneSecond } from '../../../src/services/planning/period-widening';
import { fromMexicoWallClock } from '../../../src/services/periods/mexico-time';
import { timeRange } from '../../../src/services/periods/time-range';

const mx = (text: string): Date => fromMexicoWallClock(text);
const NOW = mx('2026-12-06T12:00:00');
const FLOOR = satHistoryFloor(NOW);

describe('a spent period is asked again one second wider', () => {
  it("SAT's floor is midnight in Mexico City six years before today", () => {
    expect(FLOOR).toEqual(mx('2020-12-06T00:00:00'));
  });

  it('moves the start one second back', () => {
    const periodo = timeRange(mx('2026-06-01T00:00:00'), mx('2026-06-04T00:00:00'));
    expect(widenByOneSecond(periodo, FLOOR, NOW)).toEqual({
      kind: 'widened',
      periodo: timeRange(mx('2026-05-31T23:59:59'), mx('2026-06-04T00:00:00')),
      side: 'inicio',
    });
  });

  it('may move the start right down to the floor', () => {
    const periodo = timeRange(mx('2020-12-06T00:00:01'), mx('2020-12-07T00:00:00'));
    expect(widenByOneSecond(periodo, FLOOR, NOW)).toMatchObject({ side: 'inicio' });
  });

  it('moves the end one second on when the start is at the floor', () => {
    const periodo = timeRange(FLOOR, mx('2020-12-07T00:00:00'));
    expect(widenByOneSecond(periodo, FLOOR, NOW)).toEqual({
      kind: 'widened',
      periodo: timeRange(FLOOR, mx('2020-12-07T00:00:01')),
      side: 'fin',
    });
  });

  it('is stuck when the start is at the floor and the end at the present', () => {
    expect(widenByOneSecond(timeRange(FLOOR, NOW), FLOOR, NOW)).toEqual({ kind: 'stuck' });
  });
});
