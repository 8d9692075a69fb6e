import type { Pool, QueryResultRow } from 'pg';
import type { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * The pg pool under TypeORM. Hot read paths (every SOAP call's authentication, RecuperarSolicitud, a list
 * page, the audit batch) run one named statement on it: no query runner, no entity hydration, and the
 * server plans each statement once per connection. A profile of RecuperarSolicitud showed TypeORM's query
 * building and hydration as the largest single cost of the call (docs/decisions.md, "SOAP read path").
 */
export function poolOf(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as PostgresDriver).master as Pool | undefined;
  if (!pool) throw new Error('the data source is not initialised');
  return pool;
}

/** A named (prepared once per connection) statement on the pool; `name` must be unique per `text`. */
export async function runStatement<Row extends QueryResultRow>(
  pool: Pool,
  name: string,
  text: string,
  values: readonly unknown[],
): Promise<Row[]> {
  const result = await pool.query<Row>({ name, text, values: [...values] });
  return result.rows;
}

interface ColumnReader {
  readonly property: string;
  readonly column: string;
  readonly kind: 'date' | 'bigint' | 'plain';
  readonly from?: (value: unknown) => unknown;
}

const DATE_TYPES = new Set<unknown>(['timestamptz', 'timestamp', 'timestamp with time zone', 'date']);

function readersOf(metadata: EntityMetadata): ColumnReader[] {
  return metadata.columns.map((column) => {
    const transformer = Array.isArray(column.transformer) ? undefined : column.transformer;
    return {
      property: column.propertyName,
      column: column.databaseName,
      kind: DATE_TYPES.has(column.type) ? 'date' : column.type === 'bigint' ? 'bigint' : 'plain',
      ...(transformer ? { from: (value: unknown) => transformer.from(value) as unknown } : {}),
    };
  });
}

/** Turns a row as pg parsed it (keys are column names) into the entity's shape, as TypeORM would have. */
export function pgRowReader<Entity extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<Entity>,
): (row: Record<string, unknown>) => Entity {
  return rowReader(dataSource, target, false);
}

/**
 * Turns a row Postgres wrote as JSON (`row_to_json`, `json_agg`: keys are column names, timestamps ISO
 * text, int8 a JSON number) into the entity's shape, as TypeORM would have hydrated it: dates as Date,
 * int8 as the string pg gives unless the column's transformer says otherwise.
 */
export function jsonRowReader<Entity extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<Entity>,
): (row: Record<string, unknown>) => Entity {
  return rowReader(dataSource, target, true);
}

const readerCache = new WeakMap<DataSource, Map<unknown, ColumnReader[]>>();

/** Column readers per data source and entity, read once (services are built before it connects). */
function readersFor(dataSource: DataSource, target: EntityTarget<ObjectLiteral>): ColumnReader[] {
  let byTarget = readerCache.get(dataSource);
  if (!byTarget) readerCache.set(dataSource, (byTarget = new Map()));
  let readers = byTarget.get(target);
  if (!readers) byTarget.set(target, (readers = readersOf(dataSource.getMetadata(target))));
  return readers;
}

function rowReader<Entity extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<Entity>,
  fromJson: boolean,
): (row: Record<string, unknown>) => Entity {
  return (row) => {
    const entity: Record<string, unknown> = {};
    for (const reader of readersFor(dataSource, target)) {
      let value = row[reader.column] ?? null;
      if (fromJson && value !== null && reader.kind === 'date') value = new Date(value as string);
      if (fromJson && value !== null && reader.kind === 'bigint') value = String(value as number);
      entity[reader.property] = reader.from ? reader.from(value) : value;
    }
    return entity as Entity;
  };
}
