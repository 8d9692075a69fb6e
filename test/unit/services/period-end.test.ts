import { decidePeriodEnd } from '../../../src/services/periods/period-end';
import { fromMexicoWallClock } from '../../../src/services/periods/mexico-time';

// 2026-11-24 12:00:00.750 in Mexico City (UTC-6).
const now = new Date('2026-11-24T18:00:00.750Z');
const at = (wallClock: string): Date => fromMexicoWallClock(wallClock);

describe('decidePeriodEnd', () => {
  it('keeps an end in the past, or now itself', () => {
    expect(decidePeriodEnd(at('2026-11-23T23:59:59'), now)).toEqual({
      kind: 'as-asked',
      end: at('2026-11-23T23:59:59'),
    });
    expect(decidePeriodEnd(at('2026-11-24T12:00:00'), now).kind).toBe('as-asked');
  });

  it('cuts an end later today (Mexico City) to now, to the second', () => {
    expect(decidePeriodEnd(at('2026-11-24T23:59:59'), now)).toEqual({
      kind: 'cut-to-now',
      end: at('2026-11-24T12:00:00'),
    });
    expect(decidePeriodEnd(at('2026-11-24T12:00:01'), now).kind).toBe('cut-to-now');
  });

  it('refuses an end on a later day, naming today in Mexico City', () => {
    expect(decidePeriodEnd(at('2026-11-25T00:00:00'), now)).toEqual({ kind: 'refused', today: '2026-11-24' });
    expect(decidePeriodEnd(at('2999-12-31T23:59:59'), now).kind).toBe('refused');
  });

  it('judges "today" by Mexico City’s calendar, not UTC’s', () => {
    // 2026-11-25 03:00 UTC is still 2026-11-24 21:00 in Mexico City.
    const evening = new Date('2026-11-25T03:00:00Z');
    expect(decidePeriodEnd(at('2026-11-24T23:00:00'), evening).kind).toBe('cut-to-now');
    expect(decidePeriodEnd(at('2026-11-25T00:30:00'), evening)).toEqual({
      kind: 'refused',
      today: '2026-11-24',
    });
  });
});
