import { ValidationError, solicitudesErrors } from '../../errors';

/**
 * SAT reads every date-time of a request as Mexico City wall-clock time. Mexico City observed daylight
 * saving time until October 2022, so the offset is taken from the time-zone database for each instant
 * rather than assumed to be -06:00.
 */
const ZONE = 'America/Mexico_City';
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})$/;

const formatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function wallClockParts(instant: Date): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return parts;
}

/**
 * Offsets by UTC hour. Since 1932 Mexico City's offsets are whole hours and change at 02:00 local time,
 * which is always the start of a UTC hour, so one hour shares one offset. Indexing a million metadata
 * rows converts two million dates; asking Intl for each took most of the indexing time.
 */
const offsetByUtcHour = new Map<number, number>();
const CACHE_FROM_MS = Date.UTC(1970, 0, 1);
const CACHE_LIMIT = 100_000;

function offsetMsAt(instant: Date): number {
  const time = instant.getTime();
  if (time < CACHE_FROM_MS) return computeOffsetMs(instant);
  const hour = Math.floor(time / 3_600_000);
  const cached = offsetByUtcHour.get(hour);
  if (cached !== undefined) return cached;
  const offset = computeOffsetMs(instant);
  if (offsetByUtcHour.size >= CACHE_LIMIT) offsetByUtcHour.clear();
  offsetByUtcHour.set(hour, offset);
  return offset;
}

function computeOffsetMs(instant: Date): number {
  const p = wallClockParts(instant);
  const asUtc = Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** Whether `text` is a well-formed `yyyy-MM-ddTHH:mm:ss` (or space-separated) that names a real date. */
export function isMexicoWallClock(text: string): boolean {
  const match = WALL_CLOCK.exec(text);
  if (!match) return false;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const probe = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0));
  return (
    probe.getUTCFullYear() === y &&
    probe.getUTCMonth() === (mo ?? 1) - 1 &&
    probe.getUTCDate() === d &&
    probe.getUTCHours() === h &&
    probe.getUTCMinutes() === mi &&
    probe.getUTCSeconds() === s
  );
}

/** The instant a Mexico City wall-clock time names; throws RangeError on malformed text. */
export function fromMexicoWallClock(text: string): Date {
  const match = WALL_CLOCK.exec(text);
  if (!match || !isMexicoWallClock(text))
    throw new RangeError(`not a yyyy-MM-ddTHH:mm:ss date-time: ${text}`);
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const naive = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
  // Two passes settle the offset even next to a transition.
  let instant = naive - offsetMsAt(new Date(naive));
  instant = naive - offsetMsAt(new Date(instant));
  return new Date(instant);
}

/** A client's Mexico City date-time for `field` as an instant, or the ValidationError naming the field. */
export function fromMexicoWallClockField(field: string, value: string): Date {
  try {
    return fromMexicoWallClock(value);
  } catch {
    throw new ValidationError(solicitudesErrors.dateInvalid, { params: { field, value } });
  }
}

const two = (value: number): string => (value < 10 ? `0${value}` : String(value));

/**
 * `yyyy-MM-ddTHH:mm:ss` in Mexico City time, as SAT and our SOAP contract write date-times. Through the
 * per-hour offset cache: every answer writes several dates, and Intl's formatToParts was the largest
 * cost of our own code in a RecuperarSolicitud profile.
 */
export function toMexicoWallClock(instant: Date): string {
  const local = new Date(Math.floor(instant.getTime() / 1000) * 1000 + offsetMsAt(instant));
  return (
    `${String(local.getUTCFullYear()).padStart(4, '0')}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}` +
    `T${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`
  );
}
