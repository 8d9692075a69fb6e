import type { DataSource } from 'typeorm';
import type { TipoSolicitudColumn } from '../../db';
import type { ReindexScope } from './reindex-scope';

/** A package a reindex run still has to do. */
export interface ReindexItem {
  readonly paqueteId: string;
  readonly idPaquete: string;
  readonly tenantId: string;
  readonly rfc: string;
  readonly tipoSolicitud: TipoSolicitudColumn;
  /** Bytes stored. */
  readonly size: number;
  /** Where the run's order puts it: the next page starts after this. */
  readonly position: QueuePosition;
}

/** The sort key of the last package handed out, as Postgres printed it (full precision). */
export interface QueuePosition {
  readonly indexedAt: string;
  readonly paqueteId: string;
}

interface Row {
  paquete_id: string;
  id_paquete: string;
  tenant_id: string;
  rfc: string;
  tipo_solicitud: TipoSolicitudColumn;
  tamano: string;
  indexed_at: string;
}

/**
 * The packages in scope: Indexado with their ZIP in storage (one still Almacenado is the workers' to
 * index, with today's code already), the solicitud joined on the package's own tenant so no other
 * tenant's row can come in. `$1` is the run, then the scope's filters.
 */
function inScope(scope: ReindexScope): { where: string; parameters: unknown[] } {
  const parameters: unknown[] = [];
  let where = `p.estado = 'Indexado' AND p.object_key IS NOT NULL`;
  if (scope.tenantId !== undefined) {
    parameters.push(scope.tenantId);
    where += ` AND p.tenant_id = $${parameters.length + 1}`;
  }
  if (scope.rfc !== undefined) {
    parameters.push(scope.rfc);
    where += ` AND s.rfc = $${parameters.length + 1}`;
  }
  return { where, parameters };
}

const FROM = `FROM paquetes p JOIN solicitudes s ON s.id = p.solicitud_id AND s.tenant_id = p.tenant_id`;
const NOT_DONE = `NOT EXISTS (SELECT 1 FROM reindex_run_paquetes d WHERE d.run_id = $1 AND d.paquete_id = p.id)`;
/**
 * The order packages were first indexed in (then their id, for a total order): a later metadata
 * package describing the same document (a cancellation) is newer information and must again be the one
 * that stays, as when they were first indexed.
 */
const SORT_KEY = `coalesce(p.indexed_at, '-infinity'::timestamptz)`;

/** Packages in scope the run has not finished yet. */
export async function countRemaining(
  dataSource: DataSource,
  runId: string,
  scope: ReindexScope,
): Promise<number> {
  const { where, parameters } = inScope(scope);
  const [row] = await dataSource.query<{ count: string }[]>(
    `SELECT count(*) AS count ${FROM} WHERE ${where} AND ${NOT_DONE}`,
    [runId, ...parameters],
  );
  return Number(row?.count ?? 0);
}

/**
 * The next page of packages the run has not finished, in the run's order, after `after` (the last one
 * of the previous page). Pages keep memory bounded however many packages there are; skipping those the
 * run finished is what makes a run started again continue where it stopped.
 */
export async function nextPackages(
  dataSource: DataSource,
  runId: string,
  scope: ReindexScope,
  after: QueuePosition | undefined,
  limit: number,
): Promise<ReindexItem[]> {
  const { where, parameters } = inScope(scope);
  const values: unknown[] = [runId, ...parameters];
  let cursor = '';
  if (after) {
    values.push(after.indexedAt, after.paqueteId);
    cursor = ` AND (${SORT_KEY}, p.id) > ($${values.length - 1}::timestamptz, $${values.length}::uuid)`;
  }
  values.push(limit);
  const rows = await dataSource.query<Row[]>(
    `SELECT p.id AS paquete_id, p.id_paquete, p.tenant_id, s.rfc, s.tipo_solicitud, p.tamano,
            ${SORT_KEY}::text AS indexed_at
       ${FROM}
      WHERE ${where} AND ${NOT_DONE}${cursor}
      ORDER BY ${SORT_KEY}, p.id
      LIMIT $${values.length}`,
    values,
  );
  return rows.map((row) => ({
    paqueteId: row.paquete_id,
    idPaquete: row.id_paquete,
    tenantId: row.tenant_id,
    rfc: row.rfc,
    tipoSolicitud: row.tipo_solicitud,
    size: Number(row.tamano ?? 0),
    position: { indexedAt: row.indexed_at, paqueteId: row.paquete_id },
  }));
}
