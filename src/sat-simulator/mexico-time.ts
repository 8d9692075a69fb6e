/**
 * SAT reads request date-times as Mexico City wall-clock time. The simulator keeps its own conversion
 * (it must not share the client's code) from the time-zone database, so pre-2022 DST is right too.
 */
const ZONE = 'America/Mexico_City';
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;
const format = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

function offsetMs(instant: number): number {
  const parts = Object.fromEntries(
    format.formatToParts(new Date(instant)).map((part) => [part.type, Number(part.value)]),
  );
  const asUtc = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant of a `yyyy-MM-ddTHH:mm:ss` Mexico City time, or undefined when malformed. */
export function fromMexicoTime(text: string): Date | undefined {
  const match = WALL_CLOCK.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const naive = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
  const first = naive - offsetMs(naive);
  return new Date(naive - offsetMs(first));
}

const calendarDay = new Intl.DateTimeFormat('sv-SE', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Mexico City calendar day (`yyyy-MM-dd`) of an instant: SAT's days start at midnight there. */
export function mexicoDay(instant: Date): string {
  return calendarDay.format(instant);
}
