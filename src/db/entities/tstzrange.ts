import type { ValueTransformer } from 'typeorm';

/**
 * A half-open [start, end) interval of instants as Postgres `tstzrange` holds it; null bound =
 * unbounded (a request by Uuid covers all time). Any `TimeRange` of the services fits this shape.
 */
export interface InstantRange {
  readonly start: Date | null;
  readonly end: Date | null;
}

/** `[start,end)` literal for a parameter; Postgres normalises it. */
export function toTstzrangeLiteral(range: InstantRange): string {
  const start = range.start ? `"${range.start.toISOString()}"` : '';
  const end = range.end ? `"${range.end.toISOString()}"` : '';
  return `[${start},${end})`;
}

function bound(text: string): Date | null {
  const unquoted = text.trim().replace(/^"|"$/g, '');
  if (unquoted === '' || unquoted === '-infinity' || unquoted === 'infinity') return null;
  const parsed = new Date(unquoted.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
  if (Number.isNaN(parsed.getTime())) throw new RangeError(`unreadable tstzrange bound: ${text}`);
  return parsed;
}

/**
 * Reads a `tstzrange` as Postgres prints it, e.g. `["2024-01-01 00:00:00+00","2024-02-01 00:00:00+00")`.
 * Only the canonical '[)' form occurs here (ranges are written half-open and continuous types keep
 * the bounds as given).
 */
export function parseTstzrange(text: string): InstantRange {
  if (text === 'empty') throw new RangeError('empty tstzrange');
  const inner = text.slice(1, -1);
  const comma = inner.startsWith('"') ? inner.indexOf('",') + 1 : inner.indexOf(',');
  return { start: bound(inner.slice(0, comma)), end: bound(inner.slice(comma + 1)) };
}

export const tstzrangeTransformer: ValueTransformer = {
  to: (value: InstantRange | null | undefined) =>
    value === null || value === undefined ? value : toTstzrangeLiteral(value),
  from: (value: string | null) => (value === null ? null : parseTstzrange(value)),
};
