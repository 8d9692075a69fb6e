import type { EntityManager } from 'typeorm';

/**
 * The part number the next child of a solicitud takes: children are numbered after every part it has,
 * so a part split or re-issued twice never reuses a number.
 */
export async function nextSatRequestParte(manager: EntityManager, solicitudId: string): Promise<number> {
  const [{ maxParte }] = await manager.query<{ maxParte: number }[]>(
    `SELECT max(parte)::int AS "maxParte" FROM sat_requests WHERE solicitud_id = $1`,
    [solicitudId],
  );
  return maxParte + 1;
}
