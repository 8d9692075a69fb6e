import { fromMexicoWallClock } from '../periods/mexico-time';

/** Past this many hours cached the cache starts again (a package spans a few thousand at most). */
const HOURS_CACHED = 100_000;
/** yyyyMMddHH of 1970-01-01 00:00: offsets before it are not whole hours (see suffixByHour). */
const CACHED_FROM = 1970010100;

/** A wall-clock hour as cached: the instant of its first second, and its UTC offset as a suffix. */
interface Hour {
  readonly start: number;
  readonly suffix: string;
}

/**
 * Mexico City's wall-clock hours by yyyyMMddHH, or null for one that does not exist. Since 1970 its
 * offsets are whole hours and change at the start of an hour, so every instant of a wall-clock hour
 * shares the offset `fromMexicoWallClock` gives its first second (skipped and repeated hours
 * included): a million rows ask the time-zone database a few thousand times instead of two million.
 */
const hours = new Map<number, Hour | null>();

function hourOf(wall: string): Hour | null {
  const hour = `${wall.slice(0, 10)}T${wall.slice(11, 13)}:00:00`;
  let start: number;
  try {
    start = fromMexicoWallClock(hour).getTime();
  } catch {
    return null;
  }
  const minutes = Math.round((Date.parse(`${hour}Z`) - start) / 60_000);
  const magnitude = Math.abs(minutes);
  const two = (value: number): string => String(value).padStart(2, '0');
  return {
    start,
    suffix: `${minutes < 0 ? '-' : '+'}${two(Math.floor(magnitude / 60))}:${two(magnitude % 60)}`,
  };
}

function cachedHour(wall: string, key: number): Hour | null {
  let hour = hours.get(key);
  if (hour === undefined) {
    hour = hourOf(wall);
    if (hours.size >= HOURS_CACHED) hours.clear();
    hours.set(key, hour);
  }
  return hour;
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

/** The first 19 characters of a SAT date (what follows the seconds is ignored), undefined when empty. */
function wallOf(text: string | undefined): string | undefined {
  if (!text) return undefined;
  return text.length === 19 ? text : text.trim().slice(0, 19);
}

/**
 * A SAT `yyyy-MM-dd HH:mm:ss` (Mexico City; `T` between date and time also read) as the instant it
 * names, in milliseconds since 1970 UTC. Null when empty or not a date; anything after the seconds is
 * ignored. Nothing is allocated for a date after 1970: two million of them per metadata package.
 */
export function satInstant(text: string | undefined): number | null {
  const wall = wallOf(text);
  if (wall === undefined) return null;
  const key = wallClockHour(wall);
  if (Number.isNaN(key)) return null;
  if (key < CACHED_FROM) {
    try {
      return fromMexicoWallClock(wall).getTime();
    } catch {
      return null;
    }
  }
  const hour = cachedHour(wall, key);
  if (hour === null) return null;
  const seconds = (digit(wall, 14) * 10 + digit(wall, 15)) * 60 + digit(wall, 17) * 10 + digit(wall, 18);
  return hour.start + seconds * 1000;
}

/**
 * What `satInstant` names, written as PostgreSQL and ISO 8601 read it: the same wall clock with its
 * offset (`2024-03-01 10:00:00-06:00`), or in UTC before 1970. Null when empty or not a date.
 */
export function satDate(text: string | undefined): string | null {
  const instant = satInstant(text);
  if (instant === null) return null;
  const wall = wallOf(text) ?? '';
  // satInstant has just cached the hour of any date since 1970.
  const hour = hours.get(wallClockHour(wall));
  return hour ? wall + hour.suffix : new Date(instant).toISOString();
}
