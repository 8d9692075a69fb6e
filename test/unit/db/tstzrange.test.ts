import { parseTstzrange, toTstzrangeLiteral, tstzrangeTransformer } from '../../../src/db';

describe('tstzrange text', () => {
  it('reads the canonical form Postgres prints, in any session time zone', () => {
    expect(parseTstzrange('["2024-01-01 00:00:00+00","2024-02-01 06:30:00.25+00")')).toEqual({
      start: new Date('2024-01-01T00:00:00Z'),
      end: new Date('2024-02-01T06:30:00.250Z'),
    });
    expect(parseTstzrange('["2024-01-01 00:00:00-06","2024-01-02 00:00:00+05:30")')).toEqual({
      start: new Date('2024-01-01T06:00:00Z'),
      end: new Date('2024-01-01T18:30:00Z'),
    });
  });

  it('reads unbounded ends as null', () => {
    expect(parseTstzrange('(,)')).toEqual({ start: null, end: null });
    expect(parseTstzrange('["2024-01-01 00:00:00+00",)')).toEqual({
      start: new Date('2024-01-01T00:00:00Z'),
      end: null,
    });
  });

  it('refuses the empty range and unreadable bounds', () => {
    expect(() => parseTstzrange('empty')).toThrow(RangeError);
    expect(() => parseTstzrange('["yesterday",)')).toThrow(RangeError);
  });

  it('writes half-open literals that read back to the same instants', () => {
    const range = { start: new Date('2024-03-10T08:00:00Z'), end: new Date('2024-03-10T09:00:01Z') };
    expect(toTstzrangeLiteral(range)).toBe('["2024-03-10T08:00:00.000Z","2024-03-10T09:00:01.000Z")');
    expect(toTstzrangeLiteral({ start: null, end: range.end })).toBe('[,"2024-03-10T09:00:01.000Z")');
    expect(tstzrangeTransformer.from(tstzrangeTransformer.to(range))).toEqual(range);
    expect(tstzrangeTransformer.to(null)).toBeNull();
  });
});
