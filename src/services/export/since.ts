import { fromMexicoWallClock } from '../periods/mexico-time';

/**
 * `--since`: a day (`2024-05-01`, from its first second) or a date-time (`2024-05-01T08:00:00`), in
 * Mexico City time like every date SAT and our contract write. Throws RangeError on anything else.
 */
export function parseSince(text: string): Date {
  const trimmed = text.trim();
  return fromMexicoWallClock(/^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00` : trimmed);
}
