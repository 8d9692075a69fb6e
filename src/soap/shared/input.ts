import { ValidationError, generalErrors } from '../../errors';
import { asArray } from '../infra/repeated-elements';

/**
 * Handlers receive contract-typed values already read strictly (see soap/infra/typed-input.ts): booleans,
 * numbers, enumerations in the contract's spelling; other simple values as strings, and an element
 * with attributes as `{ $value }`. These read any of those shapes.
 */
export function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && '$value' in value) return text((value as { $value: unknown }).$value);
  if (typeof value === 'object') return undefined;
  const result = String(value).trim();
  return result === '' ? undefined : result;
}

/**
 * The texts of the named elements, each under its name in camelCase (`RfcEmisor` as `rfcEmisor`), the
 * way the services' criteria spell the contract's fields.
 */
export function textFields<const N extends string>(
  source: Readonly<Record<string, unknown>>,
  names: readonly N[],
): { [K in N as Uncapitalize<K>]: string | undefined } {
  const entries = names.map((name) => [name.charAt(0).toLowerCase() + name.slice(1), text(source[name])]);
  return Object.fromEntries(entries) as { [K in N as Uncapitalize<K>]: string | undefined };
}

export function texts(value: unknown): string[] {
  return asArray(value)
    .map(text)
    .filter((item): item is string => item !== undefined);
}

export function flag(field: string, value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const raw = text(value)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ValidationError(generalErrors.fieldInvalid, { params: { field, reason: 'use true or false' } });
}

/** Integers read strictly, never "12abc" as 12 (the contract-typed ones arrive as numbers already). */
export function integer(field: string, value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  const raw = text(value);
  if (raw === undefined) return undefined;
  if (!/^-?\d{1,9}$/.test(raw)) {
    throw new ValidationError(generalErrors.fieldInvalid, {
      params: { field, reason: 'use a whole number' },
    });
  }
  return Number(raw);
}

export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
