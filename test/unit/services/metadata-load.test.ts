import { fromMexicoWallClock } from '../../../src/services/periods/mexico-time';
import { conflictWindow, firstPath, retryStaged } from '../../../src/services/pipeline/metadata-load-plan';
import { storableAmount } from '../../../src/services/pipeline/metadata-record';
import { satDate, satInstant, wallClockHour } from '../../../src/services/pipeline/sat-date';

/** What indexing stored before dates were cached by wall-clock hour: the instant, or nothing. */
function instantOf(text: string): number | null {
  try {
    return fromMexicoWallClock(text.trim().replace(' ', 'T').slice(0, 19)).getTime();
  } catch {
    return null;
  }
}

function stored(text: string): number | null {
  const value = satDate(text);
  return value === null ? null : Date.parse(value);
}

/** What satInstant gives, where it agrees with satDate; a mark of the disagreement otherwise. */
function instant(text: string): number | null | string {
  const value = satInstant(text);
  return value === stored(text) ? value : `satInstant ${String(value)}, satDate ${String(stored(text))}`;
}

describe('satDate and satInstant (SAT wall clock to a timestamptz literal, to milliseconds)', () => {
  it('names the same instant as fromMexicoWallClock for every hour across the 2021-2022 clock changes', () => {
    const differences: string[] = [];
    for (let time = Date.UTC(2021, 2, 1); time < Date.UTC(2022, 11, 1); time += 3_600_000) {
      for (const minutes of ['00:00', '29:31', '59:59']) {
        const text = `${new Date(time).toISOString().slice(0, 10)} ${new Date(time).toISOString().slice(11, 13)}:${minutes}`;
        if (stored(text) !== instantOf(text) || instant(text) !== instantOf(text)) differences.push(text);
      }
    }
    expect(differences).toEqual([]);
  });

  it('reads the hour skipped and the hour repeated when daylight saving time changed as before', () => {
    for (const text of ['2022-04-03 02:30:00', '2022-10-30 01:30:00', '2021-10-31 01:00:00']) {
      expect(stored(text)).toBe(instantOf(text));
      expect(instant(text)).toBe(instantOf(text));
    }
  });

  it('writes the wall clock with its offset, which PostgreSQL and Date both read', () => {
    expect(satDate('2024-03-01 10:00:00')).toBe('2024-03-01 10:00:00-06:00');
    expect(satDate('2021-07-01T10:00:00')).toBe('2021-07-01T10:00:00-05:00');
  });

  it('accepts what the previous conversion accepted and refuses what it refused', () => {
    const cases = [
      ' 2024-03-01 10:00:00 ',
      '2024-03-01 10:00:00.123',
      '2024-03-01T10:00:00',
      '1950-06-01 12:00:00',
      '1969-12-31 23:59:59',
      '1900-01-01 00:00:00',
      '2024-02-29 10:00:00',
      '2023-02-29 10:00:00',
      '2024-13-01 10:00:00',
      '2024-04-31 10:00:00',
      '2024-03-01 24:00:00',
      '2024-03-01 10:60:00',
      '2024-03-01 10:00:60',
      '0050-01-01 00:00:00',
      '2024-03-01',
      '2024/03/01 10:00:00',
      '2024-03-01 1a:00:00',
      'not a date',
      '   ',
    ];
    for (const text of cases) {
      expect([text, stored(text)]).toEqual([text, instantOf(text)]);
      expect([text, instant(text)]).toEqual([text, instantOf(text)]);
    }
    expect(satDate('')).toBeNull();
    expect(satDate(undefined)).toBeNull();
    expect(satInstant('')).toBeNull();
    expect(satInstant(undefined)).toBeNull();
  });
});

describe('wallClockHour', () => {
  it('is the yyyyMMddHH of a SAT date-time, NaN for anything else', () => {
    expect(wallClockHour('2024-03-01 10:59:59')).toBe(2024030110);
    expect(wallClockHour('2024-03-01T00:00:00')).toBe(2024030100);
    expect(wallClockHour('2024-03-01 10:00:0')).toBeNaN();
    expect(wallClockHour('2024-03-01_10:00:00')).toBeNaN();
    expect(wallClockHour('2024-03-01 10:61:00')).toBeNaN();
    expect(wallClockHour('2024-03-01 10:00:61')).toBeNaN();
    expect(wallClockHour('2024-0x-01 10:00:00')).toBeNaN();
  });
});

describe('storableAmount (what numeric(24,6) can take)', () => {
  it('keeps an amount with up to 7 decimals as it is', () => {
    for (const amount of ['0', '-0', '1500.5', '1.1234567', '-0.0000005', '000123.45', '999999999999999999'])
      expect(storableAmount(amount)).toBe(amount);
  });

  it('cuts the fraction after its 7th digit, the only one the column rounds on', () => {
    expect(storableAmount('1.12345678')).toBe('1.1234567');
    expect(storableAmount('-0.00000049999')).toBe('-0.0000004');
    expect(storableAmount(`2.${'5'.repeat(5000)}`)).toBe('2.5555555');
  });

  it('refuses what needs more than 18 integer digits, also once rounded', () => {
    expect(storableAmount('1000000000000000000')).toBeUndefined();
    expect(storableAmount(`-${'9'.repeat(25)}.5`)).toBeUndefined();
    expect(storableAmount('999999999999999999.9999995')).toBeUndefined();
    expect(storableAmount('999999999999999999.9999994')).toBe('999999999999999999.9999994');
    expect(storableAmount(`00000${'1'.repeat(18)}.9999999`)).toBe(`00000${'1'.repeat(18)}.9999999`);
  });
});

describe('metadata load plan', () => {
  it('looks for stored rows on the package side of the RFC, inside its period', () => {
    const from = new Date('2024-03-01T06:00:00Z');
    const to = new Date('2024-04-01T06:00:00Z');
    expect(conflictWindow({ contexto: 'Emitidos', from, to })).toEqual({ column: 'rfc_emisor', from, to });
    expect(conflictWindow({ contexto: 'Recibidos', from: null, to: null })).toEqual({
      column: 'rfc_receptor',
      from: null,
      to: null,
    });
    expect(conflictWindow({})).toEqual({ column: 'rfc', from: null, to: null });
  });

  it('copies straight into the table only when nothing stored is expected and the package can be read again', () => {
    expect(firstPath({ rereadable: true, storedRowsInWindow: false })).toBe('direct');
    expect(firstPath({ rereadable: true, storedRowsInWindow: true })).toBe('staged');
    expect(firstPath({ rereadable: false, storedRowsInWindow: false })).toBe('staged');
  });

  it('retries through the staging table only when the direct COPY met a UUID already there', () => {
    expect(retryStaged({ code: '23505', constraint: 'cfdi_metadata_pkey' }, 'cfdi_metadata_pkey')).toBe(true);
    expect(retryStaged({ code: '23505', constraint: 'other_key' }, 'cfdi_metadata_pkey')).toBe(false);
    expect(retryStaged({ code: '22P02' }, 'cfdi_metadata_pkey')).toBe(false);
    expect(retryStaged(new Error('socket hang up'), 'cfdi_metadata_pkey')).toBe(false);
    expect(retryStaged(undefined, 'cfdi_metadata_pkey')).toBe(false);
  });
});
