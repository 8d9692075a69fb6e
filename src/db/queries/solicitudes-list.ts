import type { DataSource } from 'typeorm';
import { Solicitud } from '../entities/solicitud.entity';
import { jsonPartReader, poolOf } from '../pool';
import { PreparedNames } from '../prepared-names';
import {
  type FieldCatalogue,
  type ListQuery,
  type Page,
  type SortKey,
  compileFilters,
  compileListQuery,
  toPage,
} from './list-query';

/**
 * What clients may filter and sort solicitudes by, with our SOAP names. `Periodo` takes `overlaps`
 * (two instants, half-open) and uses the GiST index on the period. `notNull` columns sort without
 * NULLS LAST, so the (tenant, [rfc | estado,] created_at DESC) indexes serve the default order.
 */
export const SOLICITUD_FIELDS: FieldCatalogue = {
  IdSolicitud: { sql: 's.id', type: 'uuid' },
  Rfc: { sql: 's.rfc', type: 'text', sortable: true, notNull: true },
  Estado: { sql: 's.estado', type: 'text', sortable: true, notNull: true },
  Contexto: { sql: 's.contexto', type: 'text', sortable: true, notNull: true },
  TipoSolicitud: { sql: 's.tipo_solicitud', type: 'text', sortable: true, notNull: true },
  TipoDocumento: { sql: 's.tipo_documento', type: 'text', sortable: true, notNull: true },
  ReferenciaCliente: { sql: 's.referencia_cliente', type: 'text', sortable: true },
  FechaRegistro: { sql: 's.created_at', type: 'timestamptz', sortable: true, notNull: true },
  FechaInicial: { sql: 's.fecha_inicial', type: 'timestamptz', sortable: true },
  FechaFinal: { sql: 's.fecha_final', type: 'timestamptz', sortable: true },
  FechaActualizacion: { sql: 's.updated_at', type: 'timestamptz', sortable: true, notNull: true },
  NumeroCFDIs: { sql: 's.numero_cfdis', type: 'integer', sortable: true },
  Periodo: { sql: 'tstzrange(s.fecha_inicial, s.fecha_final)', type: 'period' },
};

export type SolicitudListQuery = ListQuery;

/**
 * What a list shows of each solicitud (property: column): the SOAP summary and the web table. A page
 * carries these columns only; the whole row was twice the JSON to write, parse and read.
 */
const LIST_ROW_COLUMNS = {
  id: 'id',
  rfc: 'rfc',
  contexto: 'contexto',
  tipoSolicitud: 'tipo_solicitud',
  tipoDocumento: 'tipo_documento',
  fechaInicial: 'fecha_inicial',
  fechaFinal: 'fecha_final',
  filtros: 'filtros',
  referenciaCliente: 'referencia_cliente',
  estado: 'estado',
  estadoSat: 'estado_sat',
  numeroCfdis: 'numero_cfdis',
  paquetesTotal: 'paquetes_total',
  paquetesAlmacenados: 'paquetes_almacenados',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const satisfies Partial<Record<keyof Solicitud, string>>;

/** One row of a list page: the columns of LIST_ROW_COLUMNS. */
export type SolicitudListRow = Pick<Solicitud, keyof typeof LIST_ROW_COLUMNS>;

const LIST_COLUMNS: readonly string[] = Object.values(LIST_ROW_COLUMNS);
/** A page row's values as a JSON array in LIST_COLUMNS order (keys would repeat in every row). */
const LIST_ROW_JSON = `json_build_array(${LIST_COLUMNS.map((column) => `s.${column}`).join(', ')})`;

/**
 * The fields that make up a group of `solicitud_list_counts` (kept by triggers, see its migration).
 * Any condition on these fields alone holds for a whole group or for none of its rows (they are NOT
 * NULL), so the sum of the matching groups' deltas is the exact number of matching solicitudes.
 */
const COUNTED_FIELDS: FieldCatalogue = {
  Rfc: { sql: 'c.rfc', type: 'text' },
  Estado: { sql: 'c.estado', type: 'text' },
  Contexto: { sql: 'c.contexto', type: 'text' },
  TipoSolicitud: { sql: 'c.tipo_solicitud', type: 'text' },
  TipoDocumento: { sql: 'c.tipo_documento', type: 'text' },
};
const COUNTED_NAMES = new Set(Object.keys(COUNTED_FIELDS).map((name) => name.toLowerCase()));

/** Whether the list's total can be read from the kept counts: every condition is on a counted field. */
export function totalFromKeptCounts(query: SolicitudListQuery): boolean {
  return (query.filters ?? []).every((condition) => COUNTED_NAMES.has(condition.field.trim().toLowerCase()));
}

/** The SQL of one list page; `page` carries the exact total on every row, `count` is for an empty page. */
export interface SolicitudListStatements {
  readonly page: string;
  readonly count: string;
  readonly parameters: readonly unknown[];
}

const DEFAULT_ORDER: readonly SortKey[] = [{ field: 'FechaRegistro', direction: 'DESC' }];

/**
 * Builds the statements of a list page (pure; client mistakes are ValidationErrors naming the field).
 * The total travels as an uncorrelated sub-select, which Postgres runs once per statement: a page is one
 * round trip, and its total counts the rows of the same snapshot as its page. Client text never
 * reaches the SQL (see `compileFilters`).
 */
export function solicitudListStatements(
  tenantId: string,
  query: SolicitudListQuery,
): SolicitudListStatements {
  const filter = compileListQuery(
    SOLICITUD_FIELDS,
    query,
    { defaultOrder: DEFAULT_ORDER, tieBreaker: 's.id' },
    [tenantId],
  );
  const { order, limit, offset } = filter;
  const where = `s.tenant_id = $1 AND ${filter.where}`;
  const count = totalFromKeptCounts(query)
    ? keptCount(tenantId, query, filter.parameters)
    : `SELECT count(*)::int AS list_total FROM solicitudes s WHERE ${where}`;
  // The window is chosen on ids alone (an index-only scan when an index covers filter and order), and
  // only the page's rows are read and turned into JSON: projecting in the same scan built the JSON of
  // every row OFFSET skips (page 10 took 10 ms instead of 1).
  const window = `SELECT s.id FROM solicitudes s WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`;
  return {
    page:
      `SELECT (${count}) AS list_total, ${LIST_ROW_JSON} AS solicitud FROM (${window}) w ` +
      `JOIN solicitudes s ON s.id = w.id ORDER BY ${order}`,
    count,
    parameters: filter.parameters,
  };
}

/**
 * The total as the sum of the kept counts of the matching groups. The conditions compile to the same
 * parameters, in the same order, as the page's (same values, same types), so both share them.
 */
function keptCount(tenantId: string, query: SolicitudListQuery, parameters: readonly unknown[]): string {
  const counted = compileFilters(COUNTED_FIELDS, query.filters ?? [], [tenantId]);
  if (counted.parameters.length !== parameters.length) {
    throw new Error('the kept count and the page disagree on their parameters');
  }
  return (
    'SELECT coalesce(sum(c.delta), 0)::int AS list_total FROM solicitud_list_counts c ' +
    `WHERE c.tenant_id = $1 AND ${counted.where}`
  );
}

/**
 * Page statements prepared per connection: the filters, order and page an ERP polls make a few texts,
 * each planned once by a connection instead of on every call. A generic plan is used only where
 * PostgreSQL finds it no costlier than planning with the values (`plan_cache_mode` auto).
 */
const LIST_PAGE_NAMES = new PreparedNames('solicitud_list_page', 200);

/**
 * One page of a tenant's solicitudes (newest first unless told otherwise) and the exact total: one
 * statement, a second only when the page is empty (past the end, or nothing matches).
 */
export async function listSolicitudes(
  dataSource: DataSource,
  tenantId: string,
  query: SolicitudListQuery,
): Promise<Page<SolicitudListRow>> {
  const statements = solicitudListStatements(tenantId, query);
  const pool = poolOf(dataSource);
  type Row = { list_total: number; solicitud: unknown[] };
  const { rows } = await pool.query<Row>({
    name: LIST_PAGE_NAMES.nameOf(statements.page),
    text: statements.page,
    values: [...statements.parameters],
  });
  const total =
    rows[0]?.list_total ??
    (await pool.query<Row>(statements.count, [...statements.parameters])).rows[0]?.list_total ??
    0;
  // JSON rows: one native JSON.parse per row instead of pg's parser per column (its date parsing alone
  // was 4 % of a list call's CPU).
  const read = jsonPartReader<SolicitudListRow>(dataSource, Solicitud, LIST_COLUMNS);
  return toPage(
    rows.map((row) => read(row.solicitud)),
    total,
    query.page,
  );
}
