import type { DataSource } from 'typeorm';
import { SOLICITAR_JOB } from '../solicitudes/registration-service';
import { DESCARGAR_JOB, INDEXAR_JOB, VERIFICAR_JOB } from './solicitud-pipeline';

export interface SweepSchedule {
  readonly name: string;
  readonly key: string;
  readonly runAt: Date;
}

/**
 * Finds work whose next step is overdue: what a crash between "persist" and "schedule" (or a lost job)
 * would otherwise leave stuck. The caller enqueues each one only if no job exists for it already, so a
 * sweep never disturbs a run in progress.
 */
export async function findOverdueWork(
  dataSource: DataSource,
  graceSeconds: number,
  limit = 500,
): Promise<SweepSchedule[]> {
  const rows = await dataSource.query<{ name: string; key: string; run_at: Date }[]>(
    `SELECT CASE WHEN estado IN ('Pendiente', 'Incierta') THEN $1 ELSE $2 END AS name, id::text AS key,
            next_check_at AS run_at
       FROM sat_requests
      WHERE estado IN ('Pendiente', 'Incierta', 'Solicitada', 'EnProceso')
        AND next_check_at < now() - make_interval(secs => $4)
     UNION ALL
     SELECT $3, id::text, updated_at
       FROM paquetes
      WHERE estado IN ('Pendiente', 'Descargando')
        AND coalesce(next_attempt_at, updated_at) < now() - make_interval(secs => $4)
     UNION ALL
     SELECT $6, id::text, updated_at
       FROM paquetes
      WHERE estado = 'Almacenado' AND updated_at < now() - make_interval(secs => $4)
      LIMIT $5`,
    [SOLICITAR_JOB, VERIFICAR_JOB, DESCARGAR_JOB, graceSeconds, limit, INDEXAR_JOB],
  );
  return rows.map((row) => ({ name: row.name, key: row.key, runAt: new Date() }));
}
