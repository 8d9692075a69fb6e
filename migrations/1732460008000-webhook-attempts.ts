import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks, second part: every delivery attempt kept (the delivery row only holds the latest), and a
 * per-webhook de-duplication key so a periodic notice (an e.firma about to expire) is sent at most once
 * per key even when two workers run the check at the same time.
 */
export class WebhookAttempts1732460008000 implements MigrationInterface {
  name = 'WebhookAttempts1732460008000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE webhook_deliveries
        ADD COLUMN dedup_key text,
        ADD COLUMN last_attempt_at timestamptz,
        ADD COLUMN last_duration_ms integer`);
    // NULLs are distinct in a unique constraint: only keyed deliveries are de-duplicated.
    await queryRunner.query(`
      ALTER TABLE webhook_deliveries
        ADD CONSTRAINT webhook_deliveries_dedup_key UNIQUE (webhook_id, dedup_key)`);
    await queryRunner.query(`
      CREATE TABLE webhook_delivery_attempts (
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        attempt integer NOT NULL CHECK (attempt > 0),
        started_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        status_code integer,
        error text,
        resultado text NOT NULL,
        next_attempt_at timestamptz,
        PRIMARY KEY (delivery_id, attempt),
        CONSTRAINT webhook_delivery_attempts_resultado_check
          CHECK (resultado IN ('Entregado', 'Reintento', 'Fallido'))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE webhook_delivery_attempts`);
    await queryRunner.query(`ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_dedup_key`);
    await queryRunner.query(`
      ALTER TABLE webhook_deliveries
        DROP COLUMN dedup_key,
        DROP COLUMN last_attempt_at,
        DROP COLUMN last_duration_ms`);
  }
}
