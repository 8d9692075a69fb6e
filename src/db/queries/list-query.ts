import { invalidField } from '../../errors';
import { isUuid } from './lookups';

/**
 * Filtering, sorting and paging from client input (SOAP list, MYSuite Filters/Order, web tables)
 * without ever putting client text into SQL: fields and operators are looked up in a whitelist,
 * values are validated here and always sent as parameters.
 */
export type FilterOperator = '=' | '<>' | '<' | '<=' | '>' | '>=' | 'between' | 'like' | 'in' | 'overlaps';
export type FieldType = 'text' | 'uuid' | 'timestamptz' | 'integer' | 'numeric' | 'boolean' | 'period';
export type FilterValue = string | number | boolean | Date;

export interface FilterCondition {
  readonly field: string;
  readonly operator: FilterOperator;
  /** One value; for `in`, an array; `between` and `overlaps` also use `value2`. */
  readonly value: FilterValue | readonly FilterValue[];
  readonly value2?: FilterValue;
}

export interface SortKey {
  readonly field: string;
  readonly direction: 'ASC' | 'DESC';
}

export interface PageRequest {
  /** From 1. */
  readonly page: number;
  readonly pageSize: number;
}

export interface Page<T> {
  readonly rows: T[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  readonly totalPages: number;
}

/** A field clients may name: its SQL expression (trusted, ours) and type. */
export interface FieldSpec {
  readonly sql: string;
  readonly type: FieldType;
  readonly sortable?: boolean;
  /**
   * The column is NOT NULL: it is sorted without `NULLS LAST`, so that a plain b-tree index on it (whose
   * DESC order puts nulls first) can serve the order instead of a sort of every matching row.
   */
  readonly notNull?: boolean;
}

export type FieldCatalogue = Readonly<Record<string, FieldSpec>>;

export const MAX_PAGE_SIZE = 500;

const NUMERIC = /^-?\d{1,18}(\.\d{1,6})?$/;
const OPERATORS_BY_TYPE: Readonly<Record<FieldType, readonly FilterOperator[]>> = {
  text: ['=', '<>', '<', '<=', '>', '>=', 'between', 'like', 'in'],
  uuid: ['=', '<>', 'in'],
  timestamptz: ['=', '<>', '<', '<=', '>', '>=', 'between'],
  integer: ['=', '<>', '<', '<=', '>', '>=', 'between', 'in'],
  numeric: ['=', '<>', '<', '<=', '>', '>=', 'between'],
  boolean: ['=', '<>'],
  period: ['overlaps'],
};

/** Case-insensitive lookup of a client-given field name. */
function findField(catalogue: FieldCatalogue, name: string): [string, FieldSpec] | undefined {
  const lower = name.trim().toLowerCase();
  const entry = Object.entries(catalogue).find(([key]) => key.toLowerCase() === lower);
  return entry;
}

/** The value as the parameter Postgres receives, or a ValidationError naming the field. */
function coerce(field: string, type: FieldType, value: unknown): string | number | boolean {
  switch (type) {
    case 'text':
      if (typeof value === 'string' || typeof value === 'number') return String(value);
      break;
    case 'uuid':
      if (typeof value === 'string' && isUuid(value.trim())) return value.trim().toLowerCase();
      break;
    case 'timestamptz':
    case 'period': {
      const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
      if (date && !Number.isNaN(date.getTime())) return date.toISOString();
      break;
    }
    case 'integer': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof number === 'number' && Number.isSafeInteger(number)) return number;
      break;
    }
    case 'numeric': {
      const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
      if (NUMERIC.test(text)) return text;
      break;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      break;
  }
  const shown = value instanceof Date ? value.toISOString() : value;
  throw invalidField(field, `value ${JSON.stringify(shown)} is not a ${type}`);
}

export interface CompiledFilter {
  /** `AND`-joined conditions (without the word WHERE); `TRUE` when there are none. */
  readonly where: string;
  readonly parameters: unknown[];
}

/**
 * Compiles conditions into SQL over `catalogue`; `parameters` is extended in place (pass the base
 * query's parameters first, e.g. the tenant id as $1).
 */
export function compileFilters(
  catalogue: FieldCatalogue,
  conditions: readonly FilterCondition[],
  parameters: unknown[],
): CompiledFilter {
  const clauses: string[] = [];
  const param = (field: string, type: FieldType, value: unknown): string => {
    parameters.push(coerce(field, type, value));
    const cast = type === 'period' ? 'timestamptz' : type;
    return `$${parameters.length}::${cast}`;
  };
  for (const condition of conditions) {
    const found = findField(catalogue, condition.field);
    if (!found)
      throw invalidField(condition.field, `unknown field; use ${Object.keys(catalogue).join(', ')}`);
    const [name, spec] = found;
    if (!OPERATORS_BY_TYPE[spec.type].includes(condition.operator)) {
      throw invalidField(
        name,
        `operator ${condition.operator} not allowed; use ${OPERATORS_BY_TYPE[spec.type].join(' ')}`,
      );
    }
    const values = Array.isArray(condition.value) ? condition.value : [condition.value];
    const first = values[0];
    switch (condition.operator) {
      case 'in': {
        if (values.length === 0 || values.length > 100)
          throw invalidField(name, 'give between 1 and 100 values');
        clauses.push(`${spec.sql} IN (${values.map((value) => param(name, spec.type, value)).join(', ')})`);
        break;
      }
      case 'between':
      case 'overlaps': {
        if (condition.value2 === undefined)
          throw invalidField(name, `${condition.operator} needs two values`);
        const low = param(name, spec.type, first);
        const high = param(name, spec.type, condition.value2);
        clauses.push(
          condition.operator === 'between'
            ? `${spec.sql} BETWEEN ${low} AND ${high}`
            : `${spec.sql} && tstzrange(${low}, ${high})`,
        );
        break;
      }
      case 'like':
        clauses.push(`${spec.sql} ILIKE ${param(name, spec.type, first)}`);
        break;
      default:
        clauses.push(`${spec.sql} ${condition.operator} ${param(name, spec.type, first)}`);
    }
  }
  return { where: clauses.length > 0 ? clauses.join(' AND ') : 'TRUE', parameters };
}

/** ORDER BY over sortable fields, always ending with `tieBreaker` so pages never overlap. */
export function compileOrder(
  catalogue: FieldCatalogue,
  keys: readonly SortKey[],
  fallback: readonly SortKey[],
  tieBreaker: string,
): string {
  const chosen = keys.length > 0 ? keys : fallback;
  const parts = chosen.map((key) => {
    const found = findField(catalogue, key.field);
    if (!found || !found[1].sortable) {
      const sortable = Object.entries(catalogue)
        .filter(([, spec]) => spec.sortable)
        .map(([name]) => name);
      throw invalidField(key.field, `cannot sort by it; use ${sortable.join(', ')}`);
    }
    const direction = key.direction === 'DESC' ? 'DESC' : 'ASC';
    return found[1].notNull ? `${found[1].sql} ${direction}` : `${found[1].sql} ${direction} NULLS LAST`;
  });
  return [...parts, tieBreaker].join(', ');
}

/** Validated LIMIT/OFFSET for a page request (page from 1, size 1..MAX_PAGE_SIZE). */
export function pageWindow(request: PageRequest): { limit: number; offset: number } {
  if (!Number.isSafeInteger(request.page) || request.page < 1)
    throw invalidField('Pagina', 'must be 1 or more');
  if (!Number.isSafeInteger(request.pageSize) || request.pageSize < 1 || request.pageSize > MAX_PAGE_SIZE) {
    throw invalidField('TamanoPagina', `must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return { limit: request.pageSize, offset: (request.page - 1) * request.pageSize };
}

/** What a client asks of a list: conditions, order and one page. */
export interface ListQuery {
  readonly filters?: readonly FilterCondition[];
  readonly order?: readonly SortKey[];
  readonly page: PageRequest;
}

/** A list query as SQL pieces; the same checks, in the same order, for every list. */
export interface CompiledListQuery extends CompiledFilter {
  readonly order: string;
  readonly limit: number;
  readonly offset: number;
}

/**
 * Compiles a whole list query: the page window first, then the filters (after the `leading` parameters,
 * e.g. the tenant id as $1), then the order (`defaultOrder` when none is asked, ending with `tieBreaker`).
 */
export function compileListQuery(
  catalogue: FieldCatalogue,
  query: ListQuery,
  sorting: { readonly defaultOrder: readonly SortKey[]; readonly tieBreaker: string },
  leading: readonly unknown[],
): CompiledListQuery {
  const { limit, offset } = pageWindow(query.page);
  const filter = compileFilters(catalogue, query.filters ?? [], [...leading]);
  const order = compileOrder(catalogue, query.order ?? [], sorting.defaultOrder, sorting.tieBreaker);
  return { ...filter, order, limit, offset };
}

export function toPage<T>(rows: T[], total: number, request: PageRequest): Page<T> {
  return {
    rows,
    total,
    page: request.page,
    pageSize: request.pageSize,
    totalPages: Math.ceil(total / request.pageSize),
  };
}
