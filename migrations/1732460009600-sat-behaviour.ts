import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SAT as it really behaves (issue 17): criteria SAT itself declared spent (5002, or an identical
 * request active that we cannot follow), how many times a part was asked again as a new request, and
 * when a package waiting on SAT's daily limit may be tried again.
 */
export class SatBehaviour1732460009600 implements MigrationInterface {
  name = 'SatBehaviour1732460009600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sat_criteria_usage ADD COLUMN agotado_sat_at timestamptz`);
    await queryRunner.query(`
      ALTER TABLE sat_requests
        ADD COLUMN reemisiones integer NOT NULL DEFAULT 0,
        ADD CONSTRAINT sat_requests_reemisiones_check CHECK (reemisiones >= 0)`);
    await queryRunner.query(`ALTER TABLE paquetes ADD COLUMN next_attempt_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE paquetes DROP COLUMN next_attempt_at`);
    await queryRunner.query(`
      ALTER TABLE sat_requests
        DROP CONSTRAINT sat_requests_reemisiones_check,
        DROP COLUMN reemisiones`);
    await queryRunner.query(`ALTER TABLE sat_criteria_usage DROP COLUMN agotado_sat_at`);
  }
}
