import { fromMexicoWallClock } from '../../../src/services/periods/mexico-time';
import {
  mexicoDayStart,
  nextMexicoDayStart,
  splitByMexicoDay,
} from '../../../src/services/periods/mexico-days';
import { timeRange, type TimeRange } from '../../../src/services/periods/time-range';
import { segmentDays } from '../../../src/services/planning';

function mexico(text: string): Date {
  return fromMexicoWallClock(text);
}

/** A SAT period, inclusive to the second, as the half-open range the pipeline stores. */
function period(from: string, to: string): TimeRange {
  return timeRange(mexico(from), new Date(mexico(to).getTime() + 1000));
}

/** Pieces as [start, end) in Mexico wall-clock text, for readable expectations. */
function shown(ranges: readonly TimeRange[]): [string, string][] {
  const wall = (date: Date) =>
    new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'America/Mexico_City',
      dateStyle: 'short',
      timeStyle: 'medium',
    })
      .format(date)
      .replace(' ', 'T');
  return ranges.map((range) => [wall(range.start), wall(range.end)]);
}

/** The pieces cover `range` exactly, one after the other, none under SAT's two seconds. */
function expectCovers(pieces: readonly TimeRange[], range: TimeRange): void {
  expect(pieces[0]?.start.getTime()).toBe(range.start.getTime());
  expect(pieces.at(-1)?.end.getTime()).toBe(range.end.getTime());
  for (let index = 1; index < pieces.length; index += 1)
    expect(pieces[index]?.start.getTime()).toBe(pieces[index - 1]?.end.getTime());
  for (const piece of pieces)
    expect(piece.end.getTime() - piece.start.getTime()).toBeGreaterThanOrEqual(2000);
}

describe('splitByMexicoDay', () => {
  it('cuts a three-day period at each Mexico City midnight', () => {
    const range = period('2026-06-01T00:00:00', '2026-06-03T23:59:59');
    const days = splitByMexicoDay(range);
    expect(shown(days)).toEqual([
      ['2026-06-01T00:00:00', '2026-06-02T00:00:00'],
      ['2026-06-02T00:00:00', '2026-06-03T00:00:00'],
      ['2026-06-03T00:00:00', '2026-06-04T00:00:00'],
    ]);
    // Midnight in Mexico City is 06:00 UTC since 2022.
    expect(days.map((day) => day.start.toISOString())).toEqual([
      '2026-06-01T06:00:00.000Z',
      '2026-06-02T06:00:00.000Z',
      '2026-06-03T06:00:00.000Z',
    ]);
    expectCovers(days, range);
  });

  it('keeps the period’s own start and end when they fall mid-day', () => {
    const range = period('2026-03-01T15:30:00', '2026-03-03T08:00:00');
    const days = splitByMexicoDay(range);
    expect(shown(days)).toEqual([
      ['2026-03-01T15:30:00', '2026-03-02T00:00:00'],
      ['2026-03-02T00:00:00', '2026-03-03T00:00:00'],
      ['2026-03-03T00:00:00', '2026-03-03T08:00:01'],
    ]);
    expectCovers(days, range);
  });

  it('gives a period inside one day back whole', () => {
    const range = period('2026-05-01T08:00:00', '2026-05-01T20:00:00');
    expect(splitByMexicoDay(range)).toEqual([range]);
    const wholeDay = period('2026-05-01T00:00:00', '2026-05-01T23:59:59');
    expect(splitByMexicoDay(wholeDay)).toEqual([wholeDay]);
  });

  it('never leaves a piece of one second alone at either edge (SAT refuses FechaInicial = FechaFinal)', () => {
    const range = period('2026-06-01T23:59:59', '2026-06-03T00:00:00');
    const days = splitByMexicoDay(range);
    expect(shown(days)).toEqual([['2026-06-01T23:59:59', '2026-06-03T00:00:01']]);
    const longer = period('2026-06-01T23:59:59', '2026-06-04T00:00:00');
    expect(shown(splitByMexicoDay(longer))).toEqual([
      ['2026-06-01T23:59:59', '2026-06-03T00:00:00'],
      ['2026-06-03T00:00:00', '2026-06-04T00:00:01'],
    ]);
    expectCovers(splitByMexicoDay(longer), longer);
    // Two seconds either side of midnight are a period SAT takes: they stay apart.
    const twoSeconds = timeRange(mexico('2026-06-01T23:59:58'), mexico('2026-06-02T00:00:02'));
    expect(splitByMexicoDay(twoSeconds)).toHaveLength(2);
  });

  it('follows days of 23 and 25 hours in the daylight-saving era (before October 2022)', () => {
    // 2022-04-03 lasted 23 hours, 2022-10-30 lasted 25.
    const spring = splitByMexicoDay(period('2022-04-02T00:00:00', '2022-04-04T23:59:59'));
    expect(spring.map((day) => day.start.toISOString())).toEqual([
      '2022-04-02T06:00:00.000Z',
      '2022-04-03T06:00:00.000Z',
      '2022-04-04T05:00:00.000Z',
    ]);
    expect(spring[1] && spring[1].end.getTime() - spring[1].start.getTime()).toBe(23 * 3_600_000);
    const autumn = splitByMexicoDay(period('2022-10-29T00:00:00', '2022-10-31T23:59:59'));
    expect(autumn.map((day) => day.start.toISOString())).toEqual([
      '2022-10-29T05:00:00.000Z',
      '2022-10-30T05:00:00.000Z',
      '2022-10-31T06:00:00.000Z',
    ]);
    expect(autumn[1] && autumn[1].end.getTime() - autumn[1].start.getTime()).toBe(25 * 3_600_000);
  });

  it('finds the midnights around an instant', () => {
    const instant = mexico('2026-06-02T13:45:00');
    expect(mexicoDayStart(instant)).toEqual(mexico('2026-06-02T00:00:00'));
    expect(nextMexicoDayStart(instant)).toEqual(mexico('2026-06-03T00:00:00'));
    expect(nextMexicoDayStart(mexico('2026-06-02T00:00:00'))).toEqual(mexico('2026-06-03T00:00:00'));
  });
});

describe('segmentDays', () => {
  const days = splitByMexicoDay(period('2026-06-01T00:00:00', '2026-06-05T23:59:59'));

  it('leaves every day alone, of unknown size, when the index describes none of them', () => {
    const segments = segmentDays(days, [period('2026-06-01T00:00:00', '2026-06-05T23:59:59')]);
    expect(segments).toEqual(days.map((day) => ({ periodo: day, indexed: false })));
  });

  it('joins consecutive indexed days into one stretch the index plans; a day any gap touches stands alone', () => {
    // Indexed: 1 and 2 June, then 4 June. Not: 3 June (from noon), 5 June (one hour).
    const segments = segmentDays(days, [
      period('2026-06-03T12:00:00', '2026-06-03T23:59:59'),
      period('2026-06-05T10:00:00', '2026-06-05T10:59:59'),
    ]);
    expect(segments.map((segment) => [...shown([segment.periodo])[0]!, segment.indexed])).toEqual([
      ['2026-06-01T00:00:00', '2026-06-03T00:00:00', true],
      ['2026-06-03T00:00:00', '2026-06-04T00:00:00', false],
      ['2026-06-04T00:00:00', '2026-06-05T00:00:00', true],
      ['2026-06-05T00:00:00', '2026-06-06T00:00:00', false],
    ]);
  });

  it('does not count a gap that only touches a day at its midnight', () => {
    const segments = segmentDays(days, [period('2026-06-06T00:00:00', '2026-06-06T23:59:59')]);
    expect(segments).toEqual([{ periodo: timeRange(days[0]!.start, days.at(-1)!.end), indexed: true }]);
  });
});
