import { invalidField } from '../../errors';
import { CFDI_COLUMNS, CFDI_FIELDS, CFDI_SOURCE, type CfdiSearchRow } from './cfdi-search';
import type { Queryable } from './ledger';
import { type FieldSpec, type FilterCondition, type SortKey, compileFilters } from './list-query';

/** Where a held XML sits inside its stored package, for ranged reads. */
export interface CfdiEntryLocation {
  readonly objectKey: string;
  readonly offset: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly method: number;
  readonly crc32: number;
}

/** A search row, the position it holds in the order (for the next batch), and its XML's location. */
export interface CfdiBatchRow extends CfdiSearchRow {
  readonly cursor: CfdiCursor;
  /** Only when asked for, and only when the XML is held in a stored package. */
  readonly location?: CfdiEntryLocation;
}

/** The last row of a batch: its sort value (as Postgres writes it) and the tie-breaker (RFC, UUID). */
export interface CfdiCursor {
  readonly sortKey: string | null;
  readonly rfc: string;
  readonly uuid: string;
}

export interface CfdiBatchQuery {
  readonly filters?: readonly FilterCondition[];
  /** One sortable field of CFDI_FIELDS; FechaEmision DESC by default. */
  readonly order?: SortKey;
  /** Rows strictly after this one in the order. */
  readonly after?: CfdiCursor;
  readonly limit: number;
  readonly withLocation?: boolean;
}

export const MAX_CFDI_BATCH_SIZE = 10_000;
const DEFAULT_ORDER: SortKey = { field: 'FechaEmision', direction: 'DESC' };
const RFC = 'coalesce(m.rfc, d.rfc)';
const UUID = 'coalesce(m.uuid, d.uuid)';

function sortField(name: string): FieldSpec {
  const lower = name.trim().toLowerCase();
  const found = Object.entries(CFDI_FIELDS).find(
    ([key, spec]) => key.toLowerCase() === lower && spec.sortable,
  );
  if (!found) throw invalidField(name, 'cannot sort by it');
  return found[1];
}

interface RawBatchRow extends CfdiSearchRow {
  sortKey: string | null;
  location?: CfdiEntryLocation | null;
}

/**
 * The number of a tenant's indexed CFDI matching the filters (what `searchCfdi` counts as `total`).
 */
export async function countCfdi(
  db: Queryable,
  tenantId: string,
  filters: readonly FilterCondition[] = [],
): Promise<number> {
  const filter = compileFilters(CFDI_FIELDS, filters, [tenantId]);
  const [counted] = await db.query<{ total: number }[]>(
    `SELECT count(*)::int AS total FROM ${CFDI_SOURCE} WHERE ${filter.where}`,
    filter.parameters,
  );
  return counted?.total ?? 0;
}

/**
 * One batch of a search in a stable order, continuing after `after` (keyset paging): exports walk the
 * whole result this way, one short query per batch, with no transaction or cursor held open between
 * batches and no rows skipped or repeated when OFFSET would shift. The sort value travels back as a
 * parameter cast to its field's type, never as SQL text.
 */
export async function readCfdiBatch(
  db: Queryable,
  tenantId: string,
  query: CfdiBatchQuery,
): Promise<CfdiBatchRow[]> {
  if (!Number.isSafeInteger(query.limit) || query.limit < 1 || query.limit > MAX_CFDI_BATCH_SIZE)
    throw invalidField('Limite', `must be between 1 and ${MAX_CFDI_BATCH_SIZE}`);
  const order = query.order ?? DEFAULT_ORDER;
  const key = sortField(order.field);
  const descending = order.direction === 'DESC';
  const filter = compileFilters(CFDI_FIELDS, query.filters ?? [], [tenantId]);
  const parameters = filter.parameters;
  const clauses = [filter.where];
  if (query.after) {
    parameters.push(query.after.rfc, query.after.uuid);
    const tie = `(${RFC}, ${UUID}) > ($${parameters.length - 1}::text, $${parameters.length}::uuid)`;
    if (query.after.sortKey === null) {
      // Nulls come last: after a null only nulls with a greater tie-breaker remain.
      clauses.push(`(${key.sql} IS NULL AND ${tie})`);
    } else {
      parameters.push(query.after.sortKey);
      const value = `$${parameters.length}::${key.type}`;
      clauses.push(
        `(${key.sql} ${descending ? '<' : '>'} ${value} OR (${key.sql} = ${value} AND ${tie}) OR ${key.sql} IS NULL)`,
      );
    }
  }
  // Sizes and offsets are bigint columns; JSON carries them as numbers (files far below 2^53 bytes).
  const location = query.withLocation
    ? `, CASE WHEN p.object_key IS NOT NULL AND d.entry_offset IS NOT NULL THEN json_build_object(
         'objectKey', p.object_key, 'offset', d.entry_offset, 'compressedSize', d.entry_compressed_size,
         'size', d.entry_size, 'method', d.entry_compression_method, 'crc32', d.entry_crc32) END AS "location"`
    : '';
  const join = query.withLocation ? ' LEFT JOIN paquetes p ON p.id = d.paquete_id AND p.tenant_id = $1' : '';
  const rows = await db.query<RawBatchRow[]>(
    `SELECT ${CFDI_COLUMNS}, (${key.sql})::text AS "sortKey"${location}
       FROM ${CFDI_SOURCE}${join}
      WHERE ${clauses.join(' AND ')}
      ORDER BY ${key.sql} ${descending ? 'DESC' : 'ASC'} NULLS LAST, ${RFC}, ${UUID}
      LIMIT ${query.limit}`,
    parameters,
  );
  return rows.map(({ sortKey, location: found, ...row }) => ({
    ...row,
    cursor: { sortKey, rfc: row.rfc, uuid: row.uuid },
    ...(found ? { location: found } : {}),
  }));
}
