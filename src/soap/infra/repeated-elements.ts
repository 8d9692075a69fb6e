/** A repeatable element as an array, however many times (zero, one, many) it came. */
export function asArray<T>(value: T | readonly T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...(value as T[])] : [value as T];
}

const DESCRIPTION_META = new Set(['targetNSAlias', 'targetNamespace']);
const MAX_DEPTH = 32;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * node-soap turns a repeated element into an array only when it occurs more than once. Using the
 * operation's input description from the WSDL (keys ending in `[]` are repeatable), every repeatable
 * element becomes an array, absent ones an empty array.
 */
export function normaliseRepeated(value: unknown, description: unknown, depth = 0): unknown {
  if (!isPlainObject(value) || !isPlainObject(description) || depth > MAX_DEPTH) return value;
  const result: Record<string, unknown> = { ...value };
  for (const [key, child] of Object.entries(description)) {
    if (DESCRIPTION_META.has(key)) continue;
    if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      result[name] = asArray(value[name]).map((item) => normaliseRepeated(item, child, depth + 1));
    } else if (key in value) {
      result[key] = normaliseRepeated(value[key], child, depth + 1);
    }
  }
  return result;
}
