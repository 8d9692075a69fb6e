import { ValidationError, generalErrors } from '../../errors';

/** `Data1`'s entries, keys lower-cased (MYSuite clients spell them in any case). */
export type Params = ReadonlyMap<string, string>;

export function optional(params: Params, key: string): string | undefined {
  const value = params.get(key.toLowerCase())?.trim();
  return value ? value : undefined;
}

export function required(params: Params, key: string): string {
  const value = optional(params, key);
  if (value === undefined) throw new ValidationError(generalErrors.fieldRequired, { params: { field: key } });
  return value;
}

/** A required key whose value (any case) must be one of `allowed`'s keys; returns what that key maps to. */
export function choice<T>(params: Params, key: string, allowed: Readonly<Record<string, T>>): T {
  const raw = required(params, key).toUpperCase();
  if (!Object.hasOwn(allowed, raw)) {
    throw new ValidationError(generalErrors.fieldInvalid, {
      params: { field: key, reason: `use ${Object.keys(allowed).join(' | ')}` },
    });
  }
  return allowed[raw] as T;
}
