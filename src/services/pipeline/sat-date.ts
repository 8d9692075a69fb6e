import { fromMexicoWallClock } from '../periods/mexico-time';

/** Past this many hours cached the cache starts again (a package spans a few thousand at most). */
const HOURS_CACHED = 100_000;
/** yyyyMMddHH of 1970-01-01 00:00: offsets before it are not whole hours (see suffixByHour). */
const CACHED_FROM = 1970010100;

/**
 * Mexico City's UTC offset for each wall-clock hour (by yyyyMMddHH), as a suffix (`-06:00`), or null
 * for a day that does not exist. Since 1970 its offsets are whole hours and change at the start of an
 * hour, so every instant of a wall-clock hour shares the offset `fromMexicoWallClock` gives its first
 * second (skipped and repeated hours included): a million rows ask the time-zone database a few
 * thousand times instead of two million, and PostgreSQL reads the wall clock with its offset.
 */
const suffixByHour = new Map<number, string | null>();

function offsetSuffix(wall: string): string | null {
  const hour = `${wall.slice(0, 10)}T${wall.slice(11, 13)}:00:00`;
  let instant: number;
  try {
    instant = fromMexicoWallClock(hour).getTime();
  } catch {
    return null;
  }
  const minutes = Math.round((Date.parse(`${hour}Z`) - instant) / 60_000);
  const magnitude = Math.abs(minutes);
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${two(Math.floor(magnitude / 60))}:${two(magnitude % 60)}`;
}

function digit(text: string, at: number): number {
  const value = text.charCodeAt(at) - 0x30;
  return value >= 0 && value <= 9 ? value : Number.NaN;
}

/**
 * The yyyyMMddHH of a `yyyy-MM-dd[T ]HH:mm:ss`, or NaN when it is not one or its minutes or seconds
 * pass 59 (whether the day and hour exist is known with the hour's offset). Character checks rather
 * than a regular expression: two million dates per package.
 */
export function wallClockHour(wall: string): number {
  if (wall.length !== 19) return Number.NaN;
  const separator = wall.charCodeAt(10);
  if (
    wall.charCodeAt(4) !== 0x2d ||
    wall.charCodeAt(7) !== 0x2d ||
    (separator !== 0x20 && separator !== 0x54) ||
    wall.charCodeAt(13) !== 0x3a ||
    wall.charCodeAt(16) !== 0x3a
  )
    return Number.NaN;
  if (digit(wall, 14) * 10 + digit(wall, 15) > 59 || digit(wall, 17) * 10 + digit(wall, 18) > 59)
    return Number.NaN;
  const year = digit(wall, 0) * 1000 + digit(wall, 1) * 100 + digit(wall, 2) * 10 + digit(wall, 3);
  const month = digit(wall, 5) * 10 + digit(wall, 6);
  const day = digit(wall, 8) * 10 + digit(wall, 9);
  return ((year * 100 + month) * 100 + day) * 100 + digit(wall, 11) * 10 + digit(wall, 12);
}

/**
 * A SAT `yyyy-MM-dd HH:mm:ss` (Mexico City; `T` between date and time also read) as the instant it
 * names, written as PostgreSQL and ISO 8601 read it: the same wall clock with its offset
 * (`2024-03-01 10:00:00-06:00`). Null when empty or not a date; anything after the seconds is ignored.
 */
export function satDate(text: string | undefined): string | null {
  if (!text) return null;
  const wall = text.length === 19 ? text : text.trim().slice(0, 19);
  const hour = wallClockHour(wall);
  if (Number.isNaN(hour)) return null;
  if (hour < CACHED_FROM) {
    try {
      return fromMexicoWallClock(wall).toISOString();
    } catch {
      return null;
    }
  }
  let suffix = suffixByHour.get(hour);
  if (suffix === undefined) {
    suffix = offsetSuffix(wall);
    if (suffixByHour.size >= HOURS_CACHED) suffixByHour.clear();
    suffixByHour.set(hour, suffix);
  }
  return suffix === null ? null : wall + suffix;
}
