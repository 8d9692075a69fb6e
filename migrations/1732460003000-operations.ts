import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Operations: audit log, webhooks and their deliveries, SAT health figures and the raw SAT trail. */
export class Operations1732460003000 implements MigrationInterface {
  name = 'Operations1732460003000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Who did what and when. No foreign keys: audit rows outlive the users and tenants they name.
    await queryRunner.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        tenant_id uuid,
        actor_type text NOT NULL,
        actor_id text,
        actor_name text,
        operacion text NOT NULL,
        recurso text,
        recurso_id text,
        resultado text NOT NULL,
        codigo text,
        detalle jsonb,
        ip text,
        request_id text,
        at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT audit_log_actor_type_check CHECK (actor_type IN ('api_user', 'web_user', 'cli', 'system')),
        CONSTRAINT audit_log_resultado_check CHECK (resultado IN ('ok', 'error'))
      )`);
    await queryRunner.query(`CREATE INDEX audit_log_tenant_at_idx ON audit_log (tenant_id, at DESC)`);
    await queryRunner.query(`CREATE INDEX audit_log_at_idx ON audit_log (at)`);

    // The HMAC signing secret must be readable to sign, so it is vault ciphertext, not a hash.
    await queryRunner.query(`
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        url text NOT NULL,
        secret_ciphertext bytea NOT NULL,
        eventos text[] NOT NULL DEFAULT '{}',
        activo boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX webhooks_tenant_idx ON webhooks (tenant_id)`);

    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        evento text NOT NULL,
        payload jsonb NOT NULL,
        estado text NOT NULL DEFAULT 'Pendiente',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        CONSTRAINT webhook_deliveries_estado_check CHECK (estado IN ('Pendiente', 'Entregado', 'Fallido'))
      )`);
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE estado = 'Pendiente'`,
    );

    // One row per SAT endpoint per minute: a rolling success rate and latency without a row per call.
    await queryRunner.query(`
      CREATE TABLE sat_call_stats (
        endpoint text NOT NULL,
        bucket timestamptz NOT NULL,
        calls integer NOT NULL DEFAULT 0,
        failures integer NOT NULL DEFAULT 0,
        total_ms bigint NOT NULL DEFAULT 0,
        max_ms integer NOT NULL DEFAULT 0,
        codes jsonb NOT NULL DEFAULT '{}'::jsonb,
        PRIMARY KEY (endpoint, bucket)
      )`);
    await queryRunner.query(`CREATE INDEX sat_call_stats_bucket_idx ON sat_call_stats (bucket)`);

    // Opt-in per tenant (tenants.sat_audit_enabled): envelopes with secrets and package bodies elided.
    await queryRunner.query(`
      CREATE TABLE sat_exchanges (
        id bigserial PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        solicitud_id uuid REFERENCES solicitudes (id) ON DELETE CASCADE,
        sat_request_id uuid REFERENCES sat_requests (id) ON DELETE SET NULL,
        operacion text NOT NULL,
        http_status integer,
        request_envelope text,
        response_envelope text,
        duration_ms integer,
        at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX sat_exchanges_solicitud_idx ON sat_exchanges (solicitud_id, at)`);
    await queryRunner.query(`CREATE INDEX sat_exchanges_expires_idx ON sat_exchanges (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sat_exchanges`);
    await queryRunner.query(`DROP TABLE sat_call_stats`);
    await queryRunner.query(`DROP TABLE webhook_deliveries`);
    await queryRunner.query(`DROP TABLE webhooks`);
    await queryRunner.query(`DROP TABLE audit_log`);
  }
}
