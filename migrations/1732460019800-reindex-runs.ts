import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Progress of `descarga-masiva reindex`, kept in the database so a run that is killed continues where
 * it stopped: one row per run and scope (tenant and RFC, either absent for "all"), one row per package
 * it has finished (re-indexed, or failed with the reason). At most one unfinished run per scope: running
 * the command again resumes it; once finished, the next run starts afresh.
 */
export class ReindexRuns1732460019800 implements MigrationInterface {
  name = 'ReindexRuns1732460019800';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE reindex_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE,
        rfc text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CONSTRAINT reindex_runs_rfc_upper CHECK (rfc IS NULL OR rfc = upper(rfc))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX reindex_runs_open_scope_key ON reindex_runs ((coalesce(tenant_id::text, '')),
         (coalesce(rfc, ''))) WHERE finished_at IS NULL`,
    );
    // error NULL: re-indexed. A package deleted later takes its row with it (nothing left to redo).
    await queryRunner.query(`
      CREATE TABLE reindex_run_paquetes (
        run_id uuid NOT NULL REFERENCES reindex_runs (id) ON DELETE CASCADE,
        paquete_id uuid NOT NULL REFERENCES paquetes (id) ON DELETE CASCADE,
        documentos integer NOT NULL DEFAULT 0,
        error text,
        finished_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, paquete_id),
        CONSTRAINT reindex_run_paquetes_documentos_check CHECK (documentos >= 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX reindex_run_paquetes_paquete_idx ON reindex_run_paquetes (paquete_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE reindex_run_paquetes`);
    await queryRunner.query(`DROP TABLE reindex_runs`);
  }
}
