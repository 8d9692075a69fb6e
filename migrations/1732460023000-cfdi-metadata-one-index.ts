import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * cfdi_metadata keeps one secondary index instead of three. Every query that reads it by RFC names the
 * contribuyente (`rfc`) and a date window, and at most one side of it (`rfc_emisor` or `rfc_receptor`
 * equal to that RFC): the load's probe, quota planning, reconciliation. One index on (tenant, RFC,
 * date) with both sides as trailing key columns answers all of them in date order, checking the side
 * inside the index, without a heap fetch per row of the other side. The CFDI search reads through
 * coalesce() and used none of the three. Each index costs PostgreSQL a quarter of a million-row load;
 * measured in docs/decisions.md ("Session 14").
 */
export class CfdiMetadataOneIndex1732460023000 implements MigrationInterface {
  name = 'CfdiMetadataOneIndex1732460023000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX cfdi_metadata_rfc_fecha_sides_idx ON cfdi_metadata
         (tenant_id, rfc, fecha_emision DESC, rfc_emisor, rfc_receptor)`,
    );
    await queryRunner.query(`DROP INDEX cfdi_metadata_rfc_fecha_idx`);
    await queryRunner.query(`DROP INDEX cfdi_metadata_emisor_idx`);
    await queryRunner.query(`DROP INDEX cfdi_metadata_receptor_idx`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX cfdi_metadata_rfc_fecha_idx ON cfdi_metadata (tenant_id, rfc, fecha_emision DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX cfdi_metadata_emisor_idx ON cfdi_metadata (tenant_id, rfc_emisor, fecha_emision DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX cfdi_metadata_receptor_idx ON cfdi_metadata (tenant_id, rfc_receptor, fecha_emision DESC)`,
    );
    await queryRunner.query(`DROP INDEX cfdi_metadata_rfc_fecha_sides_idx`);
  }
}
