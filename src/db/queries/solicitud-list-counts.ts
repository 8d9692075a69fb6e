import type { DataSource } from 'typeorm';
import { poolOf } from '../pool';

const GROUP = 'tenant_id, rfc, estado, contexto, tipo_solicitud, tipo_documento';

/**
 * Folds the deltas of every group of `solicitud_list_counts` with more than one row into one row, and
 * drops groups that sum to zero; returns how many rows it removed. One statement: a reader sees the
 * deltas or their sum, never both. A folding running at the same time only waits for this one and
 * then skips the rows it already removed, so each delta is summed exactly once.
 */
export async function foldSolicitudListCounts(dataSource: DataSource): Promise<number> {
  const { rows } = await poolOf(dataSource).query<{ removed: number }>(
    `WITH folded AS (
       DELETE FROM solicitud_list_counts
        WHERE (${GROUP}) IN (
          SELECT ${GROUP} FROM solicitud_list_counts GROUP BY ${GROUP} HAVING count(*) > 1 OR sum(delta) = 0)
       RETURNING ${GROUP}, delta),
     kept AS (
       INSERT INTO solicitud_list_counts (${GROUP}, delta)
       SELECT ${GROUP}, sum(delta) FROM folded GROUP BY ${GROUP} HAVING sum(delta) <> 0)
     SELECT count(*)::int AS removed FROM folded`,
  );
  return rows[0]?.removed ?? 0;
}
