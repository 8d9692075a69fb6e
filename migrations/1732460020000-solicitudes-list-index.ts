import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The list ERPs poll most ("this RFC's solicitudes in this state and contexto, newest first") answered
 * from one index: its count is an index-only scan of exactly the matching entries instead of reading
 * every row of the RFC from the heap, and its page comes in index order without a sort, fetching from
 * the heap only the rows it returns (a filter on an INCLUDE column is checked on the heap row, so
 * contexto is a key column). Measured in docs/decisions.md ("SOAP read path").
 */
export class SolicitudesListIndex1732460020000 implements MigrationInterface {
  name = 'SolicitudesListIndex1732460020000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX solicitudes_tenant_rfc_estado_created_idx ON solicitudes
         (tenant_id, rfc, estado, contexto, created_at DESC, id) INCLUDE (tipo_solicitud, tipo_documento)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX solicitudes_tenant_rfc_estado_created_idx`);
  }
}
