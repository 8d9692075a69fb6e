import {
  bisect,
  mergeRanges,
  overlaps,
  splitAt,
  subtractRanges,
  timeRange,
  type TimeRange,
} from '../../../src/services/periods/time-range';
import {
  fromMexicoWallClock,
  isMexicoWallClock,
  toMexicoWallClock,
} from '../../../src/services/periods/mexico-time';

const at = (iso: string): Date => new Date(`${iso}Z`);
const r = (start: string, end: string): TimeRange => timeRange(at(start), at(end));
const show = (ranges: readonly TimeRange[]): string[] =>
  ranges.map((range) => `${range.start.toISOString().slice(0, 10)}..${range.end.toISOString().slice(0, 10)}`);

describe('time ranges', () => {
  it('refuses empty and inverted ranges', () => {
    expect(() => r('2024-01-02T00:00:00', '2024-01-02T00:00:00')).toThrow(RangeError);
    expect(() => r('2024-01-03T00:00:00', '2024-01-02T00:00:00')).toThrow(RangeError);
  });

  it('treats touching ranges as non-overlapping but mergeable', () => {
    const a = r('2024-01-01T00:00:00', '2024-01-10T00:00:00');
    const b = r('2024-01-10T00:00:00', '2024-01-20T00:00:00');
    expect(overlaps(a, b)).toBe(false);
    expect(show(mergeRanges([b, a]))).toEqual(['2024-01-01..2024-01-20']);
  });

  it('finds the gaps of a partly covered period', () => {
    const requested = r('2024-01-01T00:00:00', '2024-02-01T00:00:00');
    const covered = [
      r('2024-01-05T00:00:00', '2024-01-10T00:00:00'),
      r('2023-12-01T00:00:00', '2024-01-02T00:00:00'),
      r('2024-01-08T00:00:00', '2024-01-12T00:00:00'),
    ];
    expect(show(subtractRanges(requested, covered))).toEqual([
      '2024-01-02..2024-01-05',
      '2024-01-12..2024-02-01',
    ]);
  });

  it('returns no gap for a fully covered period and the whole period for no coverage', () => {
    const requested = r('2024-01-01T00:00:00', '2024-02-01T00:00:00');
    expect(subtractRanges(requested, [r('2023-01-01T00:00:00', '2025-01-01T00:00:00')])).toEqual([]);
    expect(subtractRanges(requested, [])).toEqual([requested]);
  });

  it('splits at an inner instant only', () => {
    const range = r('2024-01-01T00:00:00', '2024-01-03T00:00:00');
    expect(show(splitAt(range, at('2024-01-02T00:00:00')))).toEqual([
      '2024-01-01..2024-01-02',
      '2024-01-02..2024-01-03',
    ]);
    expect(splitAt(range, at('2024-01-05T00:00:00'))).toEqual([range]);
  });

  it('bisects on whole seconds, covering the original exactly, and stops at the minimum span', () => {
    const range = r('2024-01-01T00:00:00', '2024-01-01T00:00:05');
    const halves = bisect(range, 1000);
    expect(halves).toBeDefined();
    const [left, right] = halves as [TimeRange, TimeRange];
    expect(left.start).toEqual(range.start);
    expect(left.end).toEqual(right.start);
    expect(right.end).toEqual(range.end);
    expect(left.end.getTime() % 1000).toBe(0);
    expect(bisect(r('2024-01-01T00:00:00', '2024-01-01T00:00:01'), 1000)).toBeUndefined();
  });
});

describe('Mexico City wall-clock time', () => {
  it('reads times after 2022 at a fixed -06:00', () => {
    expect(fromMexicoWallClock('2024-07-01T00:00:00').toISOString()).toBe('2024-07-01T06:00:00.000Z');
  });

  it('honours the daylight saving time Mexico City had before October 2022', () => {
    expect(fromMexicoWallClock('2021-07-01T00:00:00').toISOString()).toBe('2021-07-01T05:00:00.000Z');
    expect(fromMexicoWallClock('2021-01-01T00:00:00').toISOString()).toBe('2021-01-01T06:00:00.000Z');
  });

  it('converts every minute around the 2021 transitions the same way, cached or not', () => {
    // The offset cache works by UTC hour; these walks cross both changes of 2021 minute by minute.
    for (const day of ['2021-04-04', '2021-10-31']) {
      for (let minute = 0; minute < 6 * 60; minute += 1) {
        const hh = String(Math.floor(minute / 60)).padStart(2, '0');
        const mm = String(minute % 60).padStart(2, '0');
        const text = `${day}T${hh}:${mm}:30`;
        const first = fromMexicoWallClock(text).getTime();
        expect(fromMexicoWallClock(text).getTime()).toBe(first);
        // 02:00-02:59 of 4 April did not exist on the clock; every other minute reads back as written.
        if (!(day === '2021-04-04' && hh === '02')) expect(toMexicoWallClock(new Date(first))).toBe(text);
      }
    }
    expect(fromMexicoWallClock('2021-10-31T00:30:00').toISOString()).toBe('2021-10-31T05:30:00.000Z');
    expect(fromMexicoWallClock('2021-10-31T03:30:00').toISOString()).toBe('2021-10-31T09:30:00.000Z');
  });

  it('writes every instant as the time-zone database reads it, across DST years and before 1970', () => {
    const intl = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'America/Mexico_City',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    const expected = (instant: Date): string => intl.format(instant).replace(' ', 'T');
    const instants: Date[] = [];
    // Every 37 minutes and 13 seconds through 1996-2026 (DST until 2022), plus some 1950s instants.
    for (let time = Date.UTC(1996, 0, 1); time < Date.UTC(2026, 11, 31); time += 2_233_000 * 7) {
      instants.push(new Date(time));
    }
    for (let time = Date.UTC(1950, 0, 1, 3, 7, 11); time < Date.UTC(1951, 0, 1); time += 86_400_000 * 13) {
      instants.push(new Date(time));
    }
    instants.push(new Date('2022-10-30T06:59:59.999Z'), new Date('2022-10-30T07:00:00.000Z'));
    const mismatches = instants.filter((instant) => toMexicoWallClock(instant) !== expected(instant));
    expect(mismatches).toEqual([]);
    expect(instants.length).toBeGreaterThan(50_000);
  });

  it('round-trips and rejects impossible dates', () => {
    expect(toMexicoWallClock(fromMexicoWallClock('2023-12-31T23:59:59'))).toBe('2023-12-31T23:59:59');
    expect(isMexicoWallClock('2023-02-30T00:00:00')).toBe(false);
    expect(isMexicoWallClock('2023-02-28 10:00:00')).toBe(true);
    expect(() => fromMexicoWallClock('2023-13-01T00:00:00')).toThrow(RangeError);
  });
});
