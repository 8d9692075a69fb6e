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

/**
 * `jsonRowReader` for a row that carries only some of the entity's columns as a JSON array of their
 * values in `columns` order (`json_build_array`): no key repeated in every row for Postgres to write
 * and JSON.parse to read. The object has those columns' properties only.
 */
export function jsonPartReader<Part extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<ObjectLiteral>,
  columns: readonly string[],
): (values: readonly unknown[]) => Part {
  let reader: RowReader | undefined;
  return (values) => (reader ??= readerFor(dataSource, target, true, columns))(values) as Part;
}

type RowReader = (row: Record<string, unknown> | readonly unknown[]) => Record<string, unknown>;

const readerCache = new WeakMap<DataSource, Map<unknown, Map<string, RowReader>>>();

/** A compiled reader per data source, entity, row kind and columns, built once (services are built before it connects). */
function readerFor(
  dataSource: DataSource,
  target: EntityTarget<ObjectLiteral>,
  fromJson: boolean,
  columns: readonly string[] | undefined,
): RowReader {
  let byTarget = readerCache.get(dataSource);
  if (!byTarget) readerCache.set(dataSource, (byTarget = new Map()));
  let readers = byTarget.get(target);
  if (!readers) byTarget.set(target, (readers = new Map()));
  const key = `${fromJson ? 'json' : 'pg'}:${columns?.join(',') ?? '*'}`;
  let reader = readers.get(key);
  if (!reader) {
    const all = readersOf(dataSource.getMetadata(target));
    const chosen = columns ? all.filter((column) => columns.includes(column.column)) : all;
    if (columns && chosen.length !== columns.length) {
      throw new Error(`not every column of ${columns.join(', ')} is a column of the entity`);
    }
    readers.set(key, (reader = compileReader(chosen, fromJson, columns)));
  }
  return reader;
}

const toDate = (value: unknown): unknown => (value === null ? null : new Date(value as string));
const toText = (value: unknown): unknown => (value === null ? null : String(value as number));

/**
 * The reader as one object literal over the entity's columns. A loop reading `row[column]` and writing
 * `entity[property]` for every column went through V8's slowest property access (one site, a different
 * key each time): about 4 µs a row, a tenth of a 50-row list page. Names come from TypeORM's metadata
 * of our own entities, never from input, and are written as JSON string literals. With `positions`,
 * the row is an array of those columns' values in that order.
 */
function compileReader(
  readers: readonly ColumnReader[],
  fromJson: boolean,
  positions?: readonly string[],
): RowReader {
  const transformers = readers.map((reader) => reader.from);
  const fields = readers.map((reader, index) => {
    const at = positions ? String(positions.indexOf(reader.column)) : JSON.stringify(reader.column);
    let value = `row[${at}] ?? null`;
    if (fromJson && reader.kind === 'date') value = `toDate(${value})`;
    if (fromJson && reader.kind === 'bigint') value = `toText(${value})`;
    if (reader.from) value = `transformers[${index}](${value})`;
    return `${JSON.stringify(reader.property)}: ${value}`;
  });
  const build = new Function(
    'transformers',
    'toDate',
    'toText',
    `return (row) => ({ ${fields.join(', ')} });`,
  ) as (...helpers: unknown[]) => RowReader;
  return build(transformers, toDate, toText);
}

function rowReader<Entity extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<ObjectLiteral>,
  fromJson: boolean,
): (row: Record<string, unknown>) => Entity {
  let reader: RowReader | undefined;
  return (row) => (reader ??= readerFor(dataSource, target, fromJson, undefined))(row) as Entity;
}
