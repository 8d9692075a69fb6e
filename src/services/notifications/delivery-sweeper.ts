import type { DataSource } from 'typeorm';

/**
 * Pending deliveries whose attempt is overdue by more than `graceSeconds`: what an enqueue lost after
 * its commit, or a worker that died mid-attempt, would otherwise leave unsent. The caller enqueues each
 * only when no job exists for it, so a delivery waiting for its next attempt is never disturbed.
 */
export async function findOverdueDeliveries(
  dataSource: DataSource,
  graceSeconds: number,
  limit = 500,
): Promise<string[]> {
  const rows = await dataSource.query<{ id: string }[]>(
    `SELECT id FROM webhook_deliveries
      WHERE estado = 'Pendiente' AND next_attempt_at < now() - make_interval(secs => $1)
      ORDER BY next_attempt_at
      LIMIT $2`,
    [graceSeconds, limit],
  );
  return rows.map((row) => row.id);
}
