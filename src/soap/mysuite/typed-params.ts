import { ValidationError, generalErrors } from '../../errors';
import { readTypedValue } from '../infra/typed-input';
import type { Params } from './param-values';

/**
 * A typed key of `Data1`. Each transaction declares its typed keys in one table (see
 * TRANSACTION_PARAMS) and reads them only through it, so the documentation, the fuzz test and the
 * reading never disagree about which keys are typed.
 */
export interface ParamType<T, R extends boolean = boolean> {
  readonly kind: 'boolean' | 'integer' | 'choice' | 'date-time';
  readonly required: R;
  /** `choice`: the accepted values (any case). */
  readonly values?: readonly string[];
  /** `integer`: inclusive bounds. */
  readonly min?: number;
  readonly max?: number;
  /** The value from the key's text, already trimmed and not empty; throws naming the key. */
  read(field: string, text: string): T;
}

export type ParamSpec = Readonly<Record<string, ParamType<unknown>>>;

export type ParamValues<S extends ParamSpec> = {
  readonly [K in keyof S]: S[K] extends ParamType<infer T, true>
    ? T
    : S[K] extends ParamType<infer T, boolean>
      ? T | undefined
      : never;
};

export const booleanParam: ParamType<boolean, false> = Object.freeze({
  kind: 'boolean',
  required: false,
  read: (field: string, text: string) => readTypedValue(field, { kind: 'boolean' }, text) as boolean,
});

export function integerParam(min: number, max: number): ParamType<number, false> {
  return Object.freeze({
    kind: 'integer',
    required: false,
    min,
    max,
    read: (field: string, text: string) =>
      readTypedValue(field, { kind: 'integer', min, max }, text) as number,
  });
}

/** One of `allowed`'s keys (any case); the value is what that key maps to. */
export function choiceParam<T>(allowed: Readonly<Record<string, T>>): ParamType<T, false> {
  const values = Object.keys(allowed);
  return Object.freeze({
    kind: 'choice',
    required: false,
    values,
    read: (field: string, text: string) => {
      const key = readTypedValue(field, { kind: 'enumeration', values }, text) as string;
      return allowed[key] as T;
    },
  });
}

/** A Mexico City wall-clock date-time (`yyyy-MM-dd HH:mm:ss`, or with a T), handed on as text. */
export const dateTimeParam: ParamType<string, false> = Object.freeze({
  kind: 'date-time',
  required: false,
  read: (field: string, text: string) => readTypedValue(field, { kind: 'date-time' }, text) as string,
});

export function requiredParam<T>(type: ParamType<T, false>): ParamType<T, true> {
  return Object.freeze({ ...type, required: true });
}

/**
 * The typed keys of `spec` read from `Data1`, strictly: an absent optional key is undefined, but a key
 * given empty (or blank) is refused like any other unreadable value, never taken as "absent". A
 * required key that is absent or blank is "required".
 */
export function readParams<S extends ParamSpec>(params: Params, spec: S): ParamValues<S> {
  const values: Record<string, unknown> = {};
  for (const [key, type] of Object.entries(spec)) {
    const raw = params.get(key.toLowerCase());
    const text = raw?.trim();
    if (text === undefined || (text === '' && type.required)) {
      if (type.required) throw new ValidationError(generalErrors.fieldRequired, { params: { field: key } });
      continue;
    }
    if (text === '') {
      throw new ValidationError(generalErrors.fieldInvalid, {
        params: { field: key, reason: 'empty; leave the key out or give a value' },
      });
    }
    values[key] = type.read(key, text);
  }
  return values as ParamValues<S>;
}
