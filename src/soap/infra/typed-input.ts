import { ConfigError, ValidationError, generalErrors, invalidField, solicitudesErrors } from '../../errors';
import { isMexicoWallClock } from '../../services/periods/mexico-time';

/**
 * node-soap converts xs:boolean, xs:int and friends itself, without validating them: "yes" became
 * `false` (Simular=yes registered a real solicitud), "12abc" became 12 and "" or a child element
 * became "absent". Given to node-soap as `customDeserializer`, these hand every such value over as
 * the text the client sent, so that `readTypedInput` can judge it.
 */
export const RAW_TEXT_DESERIALIZERS: Readonly<Record<string, (text: string) => string>> = Object.freeze(
  Object.fromEntries(
    [
      'boolean',
      'bool',
      'int',
      'integer',
      'short',
      'long',
      'double',
      'float',
      'decimal',
      'dateTime',
      'date',
    ].map((name) => [name, (text: string) => text]),
  ),
);

/** How the contract types one simple element, as far as this layer checks it. */
export type ContractType =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'enumeration'; readonly values: readonly string[] }
  /** The contract's FechaHora: a Mexico City wall-clock `yyyy-MM-ddTHH:mm:ss`. */
  | { readonly kind: 'date-time' }
  /** Strings, patterned or not: their content rules (RFC, UUID, lengths) belong to the services. */
  | { readonly kind: 'text' };

/** One element of an operation's input: a simple value, or a group of child elements. */
export interface InputField {
  readonly name: string;
  readonly repeatable: boolean;
  readonly type: ContractType | undefined;
  readonly children: ReadonlyMap<string, InputField> | undefined;
}

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  int: [-2_147_483_648, 2_147_483_647],
  short: [-32_768, 32_767],
  byte: [-128, 127],
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  integer: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  nonNegativeInteger: [0, Number.MAX_SAFE_INTEGER],
  positiveInteger: [1, Number.MAX_SAFE_INTEGER],
  unsignedInt: [0, 4_294_967_295],
  unsignedShort: [0, 65_535],
};
const TEXT_TYPES = new Set(['string', 'normalizedString', 'token', 'anyURI', 'base64Binary']);
/** Facet names as node-soap lists them after the base type; any other item is an enumeration value. */
const FACETS = new Set([
  'pattern',
  'length',
  'minLength',
  'maxLength',
  'minInclusive',
  'maxInclusive',
  'minExclusive',
  'maxExclusive',
  'totalDigits',
  'fractionDigits',
  'whiteSpace',
]);
/** The contract's date-time type (wsdl/DescargaMasiva.xsd): a patterned string SAT-style, not xs:dateTime. */
const DATE_TIME_TYPE = 'FechaHora';
const DESCRIPTION_META = new Set(['targetNSAlias', 'targetNamespace']);
const SHOWN_VALUE_CHARS = 40;

function localName(qualified: string): string {
  return qualified.slice(qualified.indexOf(':') + 1);
}

/**
 * Reads node-soap's description of a simple element: `xs:boolean`, `xs:int|minInclusive` (an
 * anonymous restriction) or `Name|xs:string|A,B,C` (a named one, with its facets or enumeration).
 * A type this layer cannot judge is refused, so a new contract field never goes unchecked.
 */
export function contractTypeOf(field: string, description: string): ContractType {
  const parts = description.split('|');
  const named = !(parts[0] ?? '').includes(':');
  const typeName = named ? parts[0] : undefined;
  const base = localName((named ? parts[1] : parts[0]) ?? '');
  const restrictions = ((named ? parts[2] : parts[1]) ?? '').split(',').filter(Boolean);
  const values = restrictions.filter((item) => !FACETS.has(item));
  if (typeName === DATE_TIME_TYPE && base === 'string') return { kind: 'date-time' };
  if (values.length > 0 && TEXT_TYPES.has(base)) return { kind: 'enumeration', values };
  if (base === 'boolean') return { kind: 'boolean' };
  const range = INTEGER_RANGES[base];
  if (range) return { kind: 'integer', min: range[0], max: range[1] };
  if (TEXT_TYPES.has(base)) return { kind: 'text' };
  throw new ConfigError(generalErrors.configInvalid, {
    params: { variable: field, reason: `input type "${description}" has no strict reader` },
  });
}

/** The input fields of one operation, from the description node-soap gives of its input element. */
export function compileInputFields(description: unknown, path = ''): ReadonlyMap<string, InputField> {
  const fields = new Map<string, InputField>();
  if (typeof description !== 'object' || description === null) return fields;
  for (const [key, child] of Object.entries(description)) {
    if (DESCRIPTION_META.has(key)) continue;
    const repeatable = key.endsWith('[]');
    const name = repeatable ? key.slice(0, -2) : key;
    const where = path ? `${path}/${name}` : name;
    fields.set(name, {
      name,
      repeatable,
      type: typeof child === 'string' ? contractTypeOf(where, child) : undefined,
      children: typeof child === 'object' && child !== null ? compileInputFields(child, where) : undefined,
    });
  }
  return fields;
}

function shown(text: string): string {
  return text.length > SHOWN_VALUE_CHARS ? `${text.slice(0, SHOWN_VALUE_CHARS)}…` : text;
}

/** The client's text as one typed value, or the Fault naming the field. */
export function readTypedValue(field: string, type: ContractType, text: string): unknown {
  const trimmed = text.trim();
  switch (type.kind) {
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (lower === 'true' || lower === '1') return true;
      if (lower === 'false' || lower === '0') return false;
      throw invalidField(field, 'use true or false');
    }
    case 'integer': {
      const digits = /^([+-]?)0*(\d+)$/.exec(trimmed);
      if (!digits) throw invalidField(field, 'use a whole number');
      const value = digits[2].length > 16 ? Number.NaN : Number(`${digits[1]}${digits[2]}`);
      if (!Number.isSafeInteger(value) || value < type.min || value > type.max) {
        throw invalidField(field, `use a whole number between ${type.min} and ${type.max}`);
      }
      return value;
    }
    case 'enumeration': {
      const lower = trimmed.toLowerCase();
      const match = type.values.find((value) => value.toLowerCase() === lower);
      if (match === undefined) throw invalidField(field, `use ${type.values.join(' | ')}`);
      return match;
    }
    case 'date-time':
      if (!isMexicoWallClock(trimmed)) {
        throw new ValidationError(solicitudesErrors.dateInvalid, {
          params: { field, value: shown(trimmed) },
        });
      }
      return trimmed;
    case 'text':
      return text;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readItem(field: InputField, item: unknown): unknown {
  if (field.children) {
    if (item === null) return item;
    if (!isRecord(item)) throw invalidField(field.name, 'expected child elements, not text');
    return readGroup(item, field.children);
  }
  // An element with attributes arrives as { $attributes, $value }; one with child elements as an object.
  const value = isRecord(item) && '$value' in item ? item.$value : item;
  if (isRecord(value) || Array.isArray(value))
    throw invalidField(field.name, 'expected a value, not elements');
  const type = field.type ?? { kind: 'text' };
  if (value === null || value === undefined) {
    if (type.kind === 'text') return value;
    // <Simular/> or <Simular>  </Simular>: there is no false in it, nor anything else.
    throw invalidField(field.name, 'empty; leave the element out or give a value');
  }
  return readTypedValue(field.name, type, String(value));
}

function readGroup(
  input: Record<string, unknown>,
  fields: ReadonlyMap<string, InputField>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...input };
  for (const [name, field] of fields) {
    const value = input[name];
    if (value === undefined) continue;
    if (field.repeatable) {
      result[name] = (Array.isArray(value) ? value : [value]).map((item) => readItem(field, item));
    } else if (Array.isArray(value)) {
      throw invalidField(name, 'sent more than once; the contract takes it once');
    } else {
      result[name] = readItem(field, value);
    }
  }
  return result;
}

/**
 * Every contract-typed field of an input read strictly from the client's text: booleans as booleans,
 * integers as numbers, enumerations in the contract's spelling (any case accepted), FechaHora checked
 * to name a real date-time. An empty, repeated or unreadable value is a ValidationError naming the
 * field, never a default. Fields the contract does not declare pass through untouched.
 */
export function readTypedInput(
  input: Record<string, unknown>,
  fields: ReadonlyMap<string, InputField>,
): Record<string, unknown> {
  return readGroup(input, fields);
}
