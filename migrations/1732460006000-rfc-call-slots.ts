import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leases that cap the SAT calls running at once for one RFC, across every worker process: a row per
 * busy slot, taken with an upsert that only succeeds on a free or expired slot, so a crashed worker's
 * slot frees itself when its lease runs out.
 */
export class RfcCallSlots1732460006000 implements MigrationInterface {
  name = 'RfcCallSlots1732460006000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sat_rfc_slots (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        rfc text NOT NULL,
        slot integer NOT NULL CHECK (slot >= 0),
        holder text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, rfc, slot)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sat_rfc_slots`);
  }
}
