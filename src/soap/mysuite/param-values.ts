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
