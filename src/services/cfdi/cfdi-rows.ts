import {
  readCfdiBatch,
  type CfdiBatchRow,
  type CfdiCursor,
  type FilterCondition,
  type Queryable,
  type SortKey,
} from '../../db';

export interface RowWalk {
  readonly filters: readonly FilterCondition[];
  readonly order: SortKey;
  readonly batchSize: number;
  /** Stop after this many rows. */
  readonly maxRows: number;
  readonly withLocation?: boolean;
}

/**
 * Every row of a search, fetched a batch at a time (keyset paging) only when the consumer asks for
 * more: an export reads the index as fast as its download is taken, no faster.
 */
export async function* walkCfdi(
  db: Queryable,
  tenantId: string,
  walk: RowWalk,
): AsyncGenerator<CfdiBatchRow> {
  let after: CfdiCursor | undefined;
  let produced = 0;
  while (produced < walk.maxRows) {
    const limit = Math.min(walk.batchSize, walk.maxRows - produced);
    const batch = await readCfdiBatch(db, tenantId, {
      filters: walk.filters,
      order: walk.order,
      limit,
      withLocation: walk.withLocation ?? false,
      ...(after ? { after } : {}),
    });
    yield* batch;
    produced += batch.length;
    const last = batch[batch.length - 1];
    if (batch.length < limit || !last) return;
    after = last.cursor;
  }
}
