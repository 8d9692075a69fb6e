import type { Lang } from './i18n';

const MEXICO = 'America/Mexico_City';

/** Dates as the user reads them: Mexico City wall clock, 24 h. */
export function fechaHora(date: Date | null | undefined, lang: Lang): string {
  if (!date) return '—';
  return new Intl.DateTimeFormat(lang === 'es' ? 'es-MX' : 'en-US', {
    timeZone: MEXICO,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}

/** Our periods are half-open; users wrote (and read) SAT's inclusive end, one second earlier. */
export function periodo(start: Date | null | undefined, end: Date | null | undefined, lang: Lang): string {
  if (!start) return '—';
  return `${fechaHora(start, lang)} – ${fechaHora(end ? new Date(end.getTime() - 1000) : end, lang)}`;
}

export function fecha(date: Date | null | undefined, lang: Lang): string {
  if (!date) return '—';
  return new Intl.DateTimeFormat(lang === 'es' ? 'es-MX' : 'en-US', {
    timeZone: MEXICO,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date);
}

export function bytes(size: number | null | undefined): string {
  if (size === null || size === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function money(amount: number | string | null | undefined, lang: Lang): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  return new Intl.NumberFormat(lang === 'es' ? 'es-MX' : 'en-US', {
    style: 'currency',
    currency: 'MXN',
  }).format(Number(amount));
}

export function integer(value: number, lang: Lang): string {
  return new Intl.NumberFormat(lang === 'es' ? 'es-MX' : 'en-US').format(value);
}

/** A date-time-local input's value (Mexico City wall clock) → SAT's `yyyy-MM-ddTHH:mm:ss`. */
export function fromLocalInput(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(trimmed) ? `${trimmed}:00` : trimmed;
}
