import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SAT health and package custody (issue 8): the per-minute SAT figures gain a latency histogram and a
 * count of calls that got no answer at all, so several processes can add up percentiles and tell a
 * broken network from SAT's own errors; packages remember when their near-expiry alert went out, so
 * it goes out once however many workers watch.
 */
export class SatHealthCustody1732460009000 implements MigrationInterface {
  name = 'SatHealthCustody1732460009000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Counts per latency bucket; the bucket bounds live in the code (services/sat-health) and never change
    // meaning within a row's short life (rows older than two days are purged).
    await queryRunner.query(`
      ALTER TABLE sat_call_stats
        ADD COLUMN transport_failures integer NOT NULL DEFAULT 0,
        ADD COLUMN latency_buckets integer[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE paquetes ADD COLUMN expiry_alerted_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE paquetes DROP COLUMN expiry_alerted_at`);
    await queryRunner.query(
      `ALTER TABLE sat_call_stats DROP COLUMN latency_buckets, DROP COLUMN transport_failures`,
    );
  }
}
