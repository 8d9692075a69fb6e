import { ValidationError, generalErrors } from '../../errors';
import type { FielFiles } from '../../sat';
import { optional, type Params } from './param-values';

/** A .cer or .key is a few KB; anything far bigger is not one. */
const MAX_FILE_BASE64_CHARS = 64 * 1024;
const KEYS = ['FielCer', 'FielKey', 'FielPass'] as const;

function file(params: Params, key: 'FielCer' | 'FielKey'): Buffer {
  const value = optional(params, key) ?? '';
  const compact = value.replace(/\s+/g, '');
  const reason =
    compact.length > MAX_FILE_BASE64_CHARS
      ? 'too large for a FIEL file'
      : /^[A-Za-z0-9+/]+={0,2}$/.test(compact)
        ? undefined
        : 'not Base64';
  if (reason) throw new ValidationError(generalErrors.fieldInvalid, { params: { field: key, reason } });
  return Buffer.from(compact, 'base64');
}

/**
 * MYSuite's inline e.firma: `FielCer` and `FielKey` as Base64 of the files SAT issues, `FielPass` as
 * text. All three or none; a partial set is an error naming the first key missing.
 */
export function readInlineFiel(params: Params): FielFiles | undefined {
  const present = KEYS.filter((key) => optional(params, key) !== undefined);
  if (present.length === 0) return undefined;
  const missing = KEYS.find((key) => !present.includes(key));
  if (missing) throw new ValidationError(generalErrors.fieldRequired, { params: { field: missing } });
  return {
    certificate: file(params, 'FielCer'),
    privateKey: file(params, 'FielKey'),
    // The password is taken verbatim: spaces may be part of it.
    password: params.get('fielpass') ?? '',
  };
}
