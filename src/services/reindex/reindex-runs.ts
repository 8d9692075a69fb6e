import type { DataSource } from 'typeorm';
import type { ReindexScope } from './reindex-scope';

/** A run being worked on. */
export interface OpenRun {
  readonly id: string;
  readonly startedAt: Date;
  /** An earlier invocation started it and stopped before the end. */
  readonly resumed: boolean;
}

/** What a run has done so far, over all its invocations. */
export interface RunTally {
  readonly done: number;
  readonly failed: number;
  readonly documentos: number;
}

export interface RunFailure {
  readonly idPaquete: string;
  readonly reason: string;
}

const SAME_SCOPE = `coalesce(tenant_id::text, '') = coalesce($1::text, '') AND coalesce(rfc, '') = coalesce($2, '')
  AND finished_at IS NULL`;

/**
 * The reindex progress kept in Postgres (reindex_runs, reindex_run_paquetes): a package is recorded as
 * soon as it is done, so a run killed at any point loses at most the package it was on, which the
 * next invocation does again (indexing a package again replaces its rows).
 */
export class ReindexRuns {
  constructor(private readonly dataSource: DataSource) {}

  /** The scope's unfinished run, or a new one. Call it holding the scope's lock. */
  async open(scope: ReindexScope): Promise<OpenRun> {
    const scopeValues = [scope.tenantId ?? null, scope.rfc ?? null];
    const [existing] = await this.dataSource.query<{ id: string; started_at: Date }[]>(
      `SELECT id, started_at FROM reindex_runs WHERE ${SAME_SCOPE}`,
      scopeValues,
    );
    if (existing) return { id: existing.id, startedAt: existing.started_at, resumed: true };
    const [created] = await this.dataSource.query<{ id: string; started_at: Date }[]>(
      `INSERT INTO reindex_runs (tenant_id, rfc) VALUES ($1, $2) RETURNING id, started_at`,
      scopeValues,
    );
    if (!created) throw new Error('INSERT … RETURNING gave no row');
    return { id: created.id, startedAt: created.started_at, resumed: false };
  }

  /** Records a package as done (`error` undefined) or failed; recording it twice keeps the last word. */
  async record(runId: string, paqueteId: string, documentos: number, error?: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO reindex_run_paquetes (run_id, paquete_id, documentos, error) VALUES ($1, $2, $3, $4)
       ON CONFLICT (run_id, paquete_id) DO UPDATE SET documentos = EXCLUDED.documentos, error = EXCLUDED.error,
         finished_at = now()`,
      [runId, paqueteId, documentos, error ?? null],
    );
  }

  async tally(runId: string): Promise<RunTally> {
    const [row] = await this.dataSource.query<{ done: string; failed: string; documentos: string }[]>(
      `SELECT count(*) AS done, count(error) AS failed, coalesce(sum(documentos), 0) AS documentos
         FROM reindex_run_paquetes WHERE run_id = $1`,
      [runId],
    );
    return {
      done: Number(row?.done ?? 0),
      failed: Number(row?.failed ?? 0),
      documentos: Number(row?.documentos ?? 0),
    };
  }

  /** The run's failed packages, oldest first, at most `limit` of them (the tally has the count). */
  async failures(runId: string, limit: number): Promise<RunFailure[]> {
    const rows = await this.dataSource.query<{ id_paquete: string; error: string }[]>(
      `SELECT p.id_paquete, d.error FROM reindex_run_paquetes d JOIN paquetes p ON p.id = d.paquete_id
        WHERE d.run_id = $1 AND d.error IS NOT NULL ORDER BY d.finished_at, p.id_paquete LIMIT $2`,
      [runId, limit],
    );
    return rows.map((row) => ({ idPaquete: row.id_paquete, reason: row.error }));
  }

  async finish(runId: string): Promise<void> {
    await this.dataSource.query(`UPDATE reindex_runs SET finished_at = now() WHERE id = $1`, [runId]);
  }
}
