import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts: tenants (cuentas), their API users (SOAP and MYSuite credentials), web users and sessions,
 * and the taxpayers (contribuyentes) with their FIEL kept encrypted by the vault.
 */
export class Accounts1732460000000 implements MigrationInterface {
  name = 'Accounts1732460000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // btree_gist lets a GiST exclusion constraint mix equality on scalar keys with range overlap
    // (the ledger). It is trusted since PostgreSQL 13 and bundled with PGlite's contrib.
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);

    await queryRunner.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL,
        nombre text NOT NULL,
        activo boolean NOT NULL DEFAULT true,
        sat_audit_enabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9_-]{0,62}$')
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX tenants_slug_key ON tenants (slug)`);

    // Usernames are global: a WS-Security UsernameToken or HTTP Basic header names no tenant.
    await queryRunner.query(`
      CREATE TABLE api_users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        username text NOT NULL,
        secret_hash text NOT NULL,
        secret_ciphertext bytea,
        requestor_lookup bytea,
        requestor_hint text,
        descripcion text,
        revoked_at timestamptz,
        last_used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT api_users_requestor_lookup_len CHECK (requestor_lookup IS NULL OR octet_length(requestor_lookup) = 32)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX api_users_username_key ON api_users (lower(username))`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX api_users_requestor_lookup_key ON api_users (requestor_lookup) WHERE requestor_lookup IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX api_users_tenant_idx ON api_users (tenant_id)`);

    await queryRunner.query(`
      CREATE TABLE web_users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        email text NOT NULL,
        nombre text,
        password_hash text NOT NULL,
        role text NOT NULL DEFAULT 'user',
        idioma text NOT NULL DEFAULT 'es',
        failed_login_count integer NOT NULL DEFAULT 0,
        last_failed_login_at timestamptz,
        locked_until timestamptz,
        last_login_at timestamptz,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT web_users_role_check CHECK (role IN ('admin', 'user')),
        CONSTRAINT web_users_idioma_check CHECK (idioma IN ('es', 'en')),
        CONSTRAINT web_users_failed_login_count_check CHECK (failed_login_count >= 0)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX web_users_email_key ON web_users (lower(email))`);
    await queryRunner.query(`CREATE INDEX web_users_tenant_idx ON web_users (tenant_id)`);

    // `sid` holds a hash of the cookie value, so a leaked table cannot be replayed as cookies.
    await queryRunner.query(`
      CREATE TABLE web_sessions (
        sid text PRIMARY KEY,
        web_user_id uuid REFERENCES web_users (id) ON DELETE CASCADE,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        csrf_secret text,
        ip text,
        user_agent text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX web_sessions_expires_idx ON web_sessions (expires_at)`);
    await queryRunner.query(`CREATE INDEX web_sessions_user_idx ON web_sessions (web_user_id)`);

    // The FIEL columns are all set or all empty; the key and password only ever as vault ciphertext.
    await queryRunner.query(`
      CREATE TABLE contribuyentes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        rfc text NOT NULL,
        nombre text,
        fiel_certificate bytea,
        fiel_serial text,
        fiel_valid_from timestamptz,
        fiel_valid_to timestamptz,
        fiel_key_ciphertext bytea,
        fiel_password_ciphertext bytea,
        fiel_master_key_id text,
        fiel_updated_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT contribuyentes_rfc_format CHECK (rfc ~ '^[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}$'),
        CONSTRAINT contribuyentes_fiel_complete CHECK (
          (fiel_certificate IS NULL AND fiel_serial IS NULL AND fiel_valid_from IS NULL AND fiel_valid_to IS NULL
            AND fiel_key_ciphertext IS NULL AND fiel_password_ciphertext IS NULL AND fiel_master_key_id IS NULL)
          OR
          (fiel_certificate IS NOT NULL AND fiel_serial IS NOT NULL AND fiel_valid_from IS NOT NULL
            AND fiel_valid_to IS NOT NULL AND fiel_key_ciphertext IS NOT NULL
            AND fiel_password_ciphertext IS NOT NULL AND fiel_master_key_id IS NOT NULL)
        )
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX contribuyentes_tenant_rfc_key ON contribuyentes (tenant_id, rfc)`,
    );
    await queryRunner.query(
      `CREATE INDEX contribuyentes_fiel_valid_to_idx ON contribuyentes (fiel_valid_to) WHERE fiel_valid_to IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX contribuyentes_fiel_master_key_idx ON contribuyentes (fiel_master_key_id) WHERE fiel_master_key_id IS NOT NULL`,
    );

    // WS-Security PasswordDigest replay protection shared by every process.
    await queryRunner.query(`
      CREATE TABLE used_nonces (
        nonce text PRIMARY KEY,
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX used_nonces_expires_idx ON used_nonces (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE used_nonces`);
    await queryRunner.query(`DROP TABLE contribuyentes`);
    await queryRunner.query(`DROP TABLE web_sessions`);
    await queryRunner.query(`DROP TABLE web_users`);
    await queryRunner.query(`DROP TABLE api_users`);
    await queryRunner.query(`DROP TABLE tenants`);
  }
}
