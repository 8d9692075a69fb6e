import type { Queryable } from './ledger';

/** How many solicitudes each state holds, across every tenant (the `/metrics` gauge reads it). */
export async function countSolicitudesByEstado(db: Queryable): Promise<Record<string, number>> {
  const rows = await db.query<{ estado: string; total: number }[]>(
    'SELECT estado, count(*)::int AS total FROM solicitudes GROUP BY estado',
  );
  return Object.fromEntries(rows.map((row) => [row.estado, row.total]));
}
