import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The quota-aware planner: what each SAT request was estimated to hold, whether its period was sized
 * before sending, and which lifetime count (`sat_criteria_usage`) an attempt holds while SAT may still
 * be working on it, so an identical request is never sent while one is active (5005).
 */
export class QuotaPlanning1732460009300 implements MigrationInterface {
  name = 'QuotaPlanning1732460009300';

  async up(queryRunner: QueryRunner): Promise<void> {
    // `dimensionada` defaults to true: rows written before the planner (and the halves of a reactive
    // split) are sent as they are; registration marks the XML periods it could not size yet.
    await queryRunner.query(`
      ALTER TABLE sat_requests
        ADD COLUMN criteria_key text,
        ADD COLUMN documentos_estimados integer,
        ADD COLUMN dimensionada boolean NOT NULL DEFAULT true,
        ADD CONSTRAINT sat_requests_documentos_estimados_check CHECK (documentos_estimados >= 0)`);
    // "Is an identical request still open?" is asked before every send.
    await queryRunner.query(
      `CREATE INDEX sat_requests_criteria_open_idx ON sat_requests (criteria_key) WHERE criteria_key IS NOT NULL AND finished_at IS NULL`,
    );
    // What was counted, readable by an operator (the key itself is a hash).
    await queryRunner.query(`ALTER TABLE sat_criteria_usage ADD COLUMN criterios jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sat_criteria_usage DROP COLUMN criterios`);
    await queryRunner.query(`DROP INDEX sat_requests_criteria_open_idx`);
    await queryRunner.query(`
      ALTER TABLE sat_requests
        DROP CONSTRAINT sat_requests_documentos_estimados_check,
        DROP COLUMN dimensionada,
        DROP COLUMN documentos_estimados,
        DROP COLUMN criteria_key`);
  }
}
