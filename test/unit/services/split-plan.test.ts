import { ValidationError } from '../../../src/errors';
import { fromMexicoWallClock } from '../../../src/services/periods/mexico-time';
import { timeRange, type TimeRange } from '../../../src/services/periods/time-range';
import { planSplit, type DensitySource, type PlannedPart } from '../../../src/services/planning';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 24 * HOUR;

/** Documents at given instants (`count` documents issued in that very second), read like the index. */
function density(documents: readonly { at: number; count: number }[]): DensitySource & { asked: string[] } {
  const asked: string[] = [];
  const buckets = (range: TimeRange, unit: number) => {
    const totals = new Map<number, number>();
    for (const { at, count } of documents) {
      if (at < range.start.getTime() || at >= range.end.getTime()) continue;
      const bucket = Math.floor(at / unit) * unit;
      totals.set(bucket, (totals.get(bucket) ?? 0) + count);
    }
    return [...totals.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, documentos]) => ({ start: new Date(start), documentos }));
  };
  return {
    asked,
    perHour: async (range) => {
      asked.push(`hour ${range.start.toISOString()}`);
      return buckets(range, HOUR);
    },
    perMinute: async (range) => {
      asked.push(`minute ${range.start.toISOString()}`);
      return buckets(range, MINUTE);
    },
  };
}

function mexico(text: string): number {
  return fromMexicoWallClock(text).getTime();
}

function period(from: string, to: string): TimeRange {
  return timeRange(new Date(mexico(from)), new Date(mexico(to) + 1000));
}

/** Parts as [start, end) in Mexico wall-clock text with their documents, for readable expectations. */
function shown(parts: readonly PlannedPart[]): [string, string, number][] {
  const wall = (date: Date) =>
    new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'America/Mexico_City',
      dateStyle: 'short',
      timeStyle: 'medium',
    })
      .format(date)
      .replace(' ', 'T');
  return parts.map((part) => [wall(part.periodo.start), wall(part.periodo.end), part.documentos]);
}

/** The parts cover `range` exactly, one after the other, and each fits. */
function expectValidPlan(parts: readonly PlannedPart[], range: TimeRange, cap: number, total: number): void {
  expect(parts[0]?.periodo.start.getTime()).toBe(range.start.getTime());
  expect(parts.at(-1)?.periodo.end.getTime()).toBe(range.end.getTime());
  for (let index = 1; index < parts.length; index += 1)
    expect(parts[index]?.periodo.start.getTime()).toBe(parts[index - 1]?.periodo.end.getTime());
  for (const part of parts) {
    expect(part.documentos).toBeLessThanOrEqual(cap);
    expect(part.periodo.end.getTime() - part.periodo.start.getTime()).toBeGreaterThanOrEqual(2000);
  }
  expect(parts.reduce((sum, part) => sum + part.documentos, 0)).toBe(total);
}

describe('planSplit', () => {
  it('asks SAT once for a period that fits, empty stretches included', async () => {
    const range = period('2026-01-01T00:00:00', '2026-01-31T23:59:59');
    const source = density([{ at: mexico('2026-01-15T10:00:00'), count: 120 }]);
    expect(
      shown(await planSplit(range, range.end.getTime() - range.start.getTime(), source, 'CFDI')),
    ).toEqual([['2026-01-01T00:00:00', '2026-02-01T00:00:00', 120]]);
    expect(await planSplit(range, 200, density([]), 'CFDI')).toEqual([{ periodo: range, documentos: 0 }]);
  });

  it('packs whole Mexico City days, cutting at midnight where the next day would not fit', async () => {
    const range = period('2026-01-01T00:00:00', '2026-01-10T23:59:59');
    const documents = Array.from({ length: 10 }, (_, day) => ({
      at: mexico('2026-01-01T12:00:00') + day * DAY,
      count: 50,
    }));
    const parts = await planSplit(range, 200, density(documents), 'CFDI');
    expect(shown(parts)).toEqual([
      ['2026-01-01T00:00:00', '2026-01-05T00:00:00', 200],
      ['2026-01-05T00:00:00', '2026-01-09T00:00:00', 200],
      ['2026-01-09T00:00:00', '2026-01-11T00:00:00', 100],
    ]);
    expectValidPlan(parts, range, 200, 500);
  });

  it('plans 450,000 documents in a month into parts of at most 200,000 without reading minutes', async () => {
    const range = period('2025-06-01T00:00:00', '2025-06-30T23:59:59');
    // 15,000 documents a day, 625 an hour.
    const documents = Array.from({ length: 30 * 24 }, (_, hour) => ({
      at: range.start.getTime() + hour * HOUR + 17 * MINUTE,
      count: 625,
    }));
    const source = density(documents);
    const parts = await planSplit(range, 200_000, source, 'CFDI');
    expect(shown(parts)).toEqual([
      ['2025-06-01T00:00:00', '2025-06-14T00:00:00', 195_000],
      ['2025-06-14T00:00:00', '2025-06-27T00:00:00', 195_000],
      ['2025-06-27T00:00:00', '2025-07-01T00:00:00', 60_000],
    ]);
    expectValidPlan(parts, range, 200_000, 450_000);
    expect(source.asked).toEqual([`hour ${range.start.toISOString()}`]);
  });

  it('starts the first part where the period starts, mid-day, and keeps the day boundaries after it', async () => {
    const range = period('2026-03-01T15:30:00', '2026-03-03T23:59:59');
    const documents = [
      { at: mexico('2026-03-01T16:00:00'), count: 150 },
      { at: mexico('2026-03-02T09:00:00'), count: 150 },
      { at: mexico('2026-03-03T09:00:00'), count: 10 },
    ];
    expect(shown(await planSplit(range, 200, density(documents), 'CFDI'))).toEqual([
      ['2026-03-01T15:30:00', '2026-03-02T00:00:00', 150],
      ['2026-03-02T00:00:00', '2026-03-04T00:00:00', 160],
    ]);
  });

  it('cuts a day that alone is over the cap on hour boundaries', async () => {
    const range = period('2026-04-01T00:00:00', '2026-04-02T23:59:59');
    const documents = [
      ...Array.from({ length: 24 }, (_, hour) => ({
        at: mexico('2026-04-01T00:10:00') + hour * HOUR,
        count: 20,
      })),
      { at: mexico('2026-04-02T08:00:00'), count: 30 },
    ];
    const parts = await planSplit(range, 200, density(documents), 'CFDI');
    expect(shown(parts)).toEqual([
      ['2026-04-01T00:00:00', '2026-04-01T10:00:00', 200],
      ['2026-04-01T10:00:00', '2026-04-01T20:00:00', 200],
      ['2026-04-01T20:00:00', '2026-04-03T00:00:00', 110],
    ]);
    expectValidPlan(parts, range, 200, 510);
  });

  it('cuts an hour that alone is over the cap on minute boundaries, reading minutes of that hour only', async () => {
    const range = period('2026-05-01T00:00:00', '2026-05-01T23:59:59');
    const busy = mexico('2026-05-01T13:00:00');
    const documents = [
      { at: mexico('2026-05-01T08:00:00'), count: 50 },
      ...Array.from({ length: 60 }, (_, minute) => ({ at: busy + minute * MINUTE + 5000, count: 5 })),
    ];
    const source = density(documents);
    const parts = await planSplit(range, 100, source, 'CFDI');
    expectValidPlan(parts, range, 100, 350);
    expect(shown(parts).map(([start]) => start)).toEqual([
      '2026-05-01T00:00:00',
      '2026-05-01T13:10:00',
      '2026-05-01T13:30:00',
      '2026-05-01T13:50:00',
    ]);
    expect(source.asked).toEqual([
      `hour ${range.start.toISOString()}`,
      `minute ${new Date(busy).toISOString()}`,
    ]);
  });

  it('refuses (DM-9031) a period with a minute that alone is over the cap: no request could fit', async () => {
    const range = period('2026-05-01T00:00:00', '2026-05-01T23:59:59');
    const documents = [{ at: mexico('2026-05-01T13:07:30'), count: 201 }];
    const refusal = await planSplit(range, 200, density(documents), 'CFDI').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ValidationError);
    expect(refusal).toMatchObject({ code: 'DM-9031' });
    expect((refusal as ValidationError).messageEs).toContain('2026-05-01T13:07:00');
  });

  it('follows Mexico City days of the daylight-saving era (before October 2022)', async () => {
    const range = period('2022-07-01T00:00:00', '2022-07-03T23:59:59');
    const documents = [0, 1, 2].map((day) => ({ at: mexico('2022-07-01T23:30:00') + day * DAY, count: 80 }));
    const parts = await planSplit(range, 100, density(documents), 'CFDI');
    // Midnight was 05:00 UTC then.
    expect(parts.map((part) => part.periodo.start.toISOString())).toEqual([
      '2022-07-01T05:00:00.000Z',
      '2022-07-02T05:00:00.000Z',
      '2022-07-03T05:00:00.000Z',
    ]);
  });

  it('never leaves a part of one second (SAT refuses FechaInicial = FechaFinal)', async () => {
    // The period ends one second after midnight, that second has documents of its own, and the day
    // before is too full to take them: the day is cut on hours so its last hour takes that second.
    const range = period('2026-06-01T00:00:00', '2026-06-03T00:00:00');
    const documents = [
      { at: mexico('2026-06-01T10:00:00'), count: 120 },
      { at: mexico('2026-06-02T10:00:00'), count: 70 },
      { at: mexico('2026-06-02T23:30:00'), count: 60 },
      { at: mexico('2026-06-03T00:00:00'), count: 5 },
    ];
    const parts = await planSplit(range, 132, density(documents), 'CFDI');
    expectValidPlan(parts, range, 132, 255);
    expect(shown(parts)).toEqual([
      ['2026-06-01T00:00:00', '2026-06-02T00:00:00', 120],
      ['2026-06-02T00:00:00', '2026-06-02T23:00:00', 70],
      ['2026-06-02T23:00:00', '2026-06-03T00:00:01', 65],
    ]);
    // The same at the start: one second before midnight.
    const early = period('2026-06-01T23:59:59', '2026-06-02T23:59:59');
    const atStart = [
      { at: mexico('2026-06-01T23:59:59'), count: 3 },
      { at: mexico('2026-06-02T10:00:00'), count: 199 },
    ];
    const fromStart = await planSplit(early, 200, density(atStart), 'CFDI');
    expectValidPlan(fromStart, early, 200, 202);
    expect(shown(fromStart)).toEqual([
      ['2026-06-01T23:59:59', '2026-06-02T10:00:00', 3],
      ['2026-06-02T10:00:00', '2026-06-03T00:00:00', 199],
    ]);
  });
});
