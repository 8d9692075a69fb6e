import { ValidationError, generalErrors, solicitudesErrors, type ErrorParams } from '../../errors';
import { fromMexicoWallClock } from '../../services/periods/mexico-time';
import type { MySuiteFilter } from './params';

/** The conditions our list query takes (structurally the db layer's FilterCondition). */
export interface ListCondition {
  readonly field: string;
  readonly operator: '=' | '<>' | '<' | '<=' | '>' | '>=' | 'between' | 'like';
  readonly value: string | Date;
  readonly value2?: string | Date;
}

/** MYSuite's field names, ours beside them, and how a value is read. */
const FIELDS: Record<string, { field: string; kind: 'servicio' | 'text' | 'date' }> = {
  servicio: { field: 'TipoDocumento', kind: 'servicio' },
  tiposolicitud: { field: 'TipoSolicitud', kind: 'text' },
  fechainicial: { field: 'FechaInicial', kind: 'date' },
  fechafinal: { field: 'FechaFinal', kind: 'date' },
  estadosolicitud: { field: 'Estado', kind: 'text' },
  fecharegistro: { field: 'FechaRegistro', kind: 'date' },
};

const OPERATORS: Record<string, ListCondition['operator']> = {
  '=': '=',
  '<>': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  BETWEEN: 'between',
  LIKE: 'like',
};

/** Own keys only: a name like "constructor" must not find Object's prototype. */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function unsupported(params: ErrorParams): ValidationError {
  return new ValidationError(generalErrors.unknownFilter, { params: { field: 'Filters', ...params } });
}

function value(kind: 'servicio' | 'text' | 'date', raw: string, name: string): string | Date {
  const trimmed = raw.trim();
  if (kind === 'servicio') {
    const upper = trimmed.toUpperCase();
    if (upper === 'CFDIS' || upper === 'CFDI') return 'CFDI';
    if (upper === 'RETENCIONES') return 'Retenciones';
    throw unsupported({ name, oper: `= ${trimmed}` });
  }
  if (kind === 'date') {
    try {
      return fromMexicoWallClock(trimmed);
    } catch {
      throw new ValidationError(generalErrors.fieldInvalid, {
        params: { field: name, reason: 'use yyyy-MM-dd HH:mm:ss' },
      });
    }
  }
  return trimmed;
}

/** Translates MYSuite filters into our whitelisted conditions; anything else is refused, never SQL. */
export function toConditions(filters: readonly MySuiteFilter[]): ListCondition[] {
  return filters.map((filter) => {
    const spec = own(FIELDS, filter.name.trim().toLowerCase());
    const operator = own(OPERATORS, filter.oper);
    if (!spec || !operator || (operator === 'like' && spec.kind !== 'text')) {
      throw unsupported({ name: filter.name, oper: filter.oper });
    }
    const first = value(spec.kind, filter.value1, filter.name);
    if (operator === 'between') {
      const second = value(spec.kind, filter.value2, filter.name);
      // BETWEEN with its bounds swapped matches nothing: the client's mistake, said so.
      if (first instanceof Date && second instanceof Date && first.getTime() > second.getTime()) {
        throw new ValidationError(solicitudesErrors.rangeInverted, {
          params: {
            field: `${filter.name} Value1`,
            desde: filter.value1.trim(),
            campoHasta: 'Value2',
            hasta: filter.value2.trim(),
          },
        });
      }
      return { field: spec.field, operator, value: first, value2: second };
    }
    return { field: spec.field, operator, value: first };
  });
}

/** `Order`: "TipoSolicitud ASC, FechaRegistro DESC"; default FechaRegistro DESC. */
export function toOrder(order: string | undefined): { field: string; direction: 'ASC' | 'DESC' }[] {
  if (!order?.trim()) return [{ field: 'FechaRegistro', direction: 'DESC' }];
  return order.split(',').map((part) => {
    const [name = '', direction = 'ASC', ...rest] = part.trim().split(/\s+/);
    const spec = own(FIELDS, name.toLowerCase());
    const upper = direction.toUpperCase();
    if (!spec || rest.length > 0 || (upper !== 'ASC' && upper !== 'DESC')) {
      throw unsupported({ name: part.trim(), oper: 'ORDER' });
    }
    return { field: spec.field, direction: upper };
  });
}
