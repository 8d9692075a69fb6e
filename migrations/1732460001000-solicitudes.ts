import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The download pipeline: registrations (idempotency by client reference), solicitudes with their state
 * history, the SAT requests behind each one (several when a period is split), packages, the ledger of
 * requested periods, SAT's lifetime count per identical request, and the shared SAT token cache.
 */
export class Solicitudes1732460001000 implements MigrationInterface {
  name = 'Solicitudes1732460001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per call that registered something; `resultados` lets a repeated ReferenciaCliente answer
    // exactly what the first call answered, including Duplicada and Rechazada records.
    await queryRunner.query(`
      CREATE TABLE registros (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        referencia_cliente text,
        canal text NOT NULL,
        api_user_id uuid REFERENCES api_users (id) ON DELETE SET NULL,
        web_user_id uuid REFERENCES web_users (id) ON DELETE SET NULL,
        resultados jsonb NOT NULL DEFAULT '[]'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT registros_canal_check CHECK (canal IN ('soap', 'mysuite', 'web', 'cli', 'system'))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX registros_tenant_referencia_key ON registros (tenant_id, referencia_cliente) WHERE referencia_cliente IS NOT NULL`,
    );

    // fecha_inicial/fecha_final are half-open [inicial, final): SAT's inclusive FechaFinal + 1 second.
    // Both are NULL for a request by Uuid.
    await queryRunner.query(`
      CREATE TABLE solicitudes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        contribuyente_id uuid NOT NULL REFERENCES contribuyentes (id) ON DELETE RESTRICT,
        registro_id uuid REFERENCES registros (id) ON DELETE SET NULL,
        rfc text NOT NULL,
        contexto text NOT NULL,
        tipo_solicitud text NOT NULL,
        tipo_documento text NOT NULL,
        fecha_inicial timestamptz,
        fecha_final timestamptz,
        filtros jsonb NOT NULL DEFAULT '{}'::jsonb,
        filtros_key text NOT NULL,
        referencia_cliente text,
        forzar boolean NOT NULL DEFAULT false,
        estado text NOT NULL DEFAULT 'Registrada',
        estado_sat text,
        codigo text,
        mensaje text,
        sat_cod_estatus text,
        sat_mensaje text,
        numero_cfdis integer,
        paquetes_total integer NOT NULL DEFAULT 0,
        paquetes_almacenados integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT solicitudes_contexto_check CHECK (contexto IN ('Emitidos', 'Recibidos')),
        CONSTRAINT solicitudes_tipo_solicitud_check CHECK (tipo_solicitud IN ('CFDI', 'Metadata')),
        CONSTRAINT solicitudes_tipo_documento_check CHECK (tipo_documento IN ('CFDI', 'Retenciones')),
        CONSTRAINT solicitudes_estado_check CHECK (estado IN
          ('Registrada', 'EnProceso', 'Descargando', 'Completada', 'SinDatos', 'Rechazada', 'Error', 'Vencida')),
        CONSTRAINT solicitudes_periodo_check CHECK (
          (fecha_inicial IS NULL AND fecha_final IS NULL) OR (fecha_inicial < fecha_final)),
        CONSTRAINT solicitudes_filtros_key_format CHECK (filtros_key ~ '^[0-9a-f]{64}$')
      )`);
    // The list screens and SOAP list: always per tenant, filtered by RFC/estado and sorted by
    // registration date; period-overlap filters use the GiST index.
    await queryRunner.query(
      `CREATE INDEX solicitudes_tenant_created_idx ON solicitudes (tenant_id, created_at DESC, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX solicitudes_tenant_rfc_created_idx ON solicitudes (tenant_id, rfc, created_at DESC, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX solicitudes_tenant_estado_created_idx ON solicitudes (tenant_id, estado, created_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX solicitudes_tenant_periodo_idx ON solicitudes USING gist (tenant_id, tstzrange(fecha_inicial, fecha_final)) WHERE fecha_inicial IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX solicitudes_contribuyente_idx ON solicitudes (contribuyente_id)`);
    await queryRunner.query(`CREATE INDEX solicitudes_registro_idx ON solicitudes (registro_id)`);
    await queryRunner.query(
      `CREATE INDEX solicitudes_activas_idx ON solicitudes (estado) WHERE estado IN ('Registrada', 'EnProceso', 'Descargando')`,
    );

    await queryRunner.query(`
      CREATE TABLE solicitud_estados (
        id bigserial PRIMARY KEY,
        solicitud_id uuid NOT NULL REFERENCES solicitudes (id) ON DELETE CASCADE,
        estado text NOT NULL,
        estado_sat text,
        codigo text,
        mensaje text,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX solicitud_estados_solicitud_idx ON solicitud_estados (solicitud_id, at, id)`,
    );

    // One SAT request per part of a solicitud's period; a part split after "too many results" keeps its
    // row (estado 'Dividida') and its halves point to it through parent_id.
    await queryRunner.query(`
      CREATE TABLE sat_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        solicitud_id uuid NOT NULL REFERENCES solicitudes (id) ON DELETE CASCADE,
        parent_id uuid REFERENCES sat_requests (id) ON DELETE CASCADE,
        parte integer NOT NULL DEFAULT 1,
        periodo_inicio timestamptz,
        periodo_fin timestamptz,
        id_solicitud_sat text,
        estado text NOT NULL DEFAULT 'Pendiente',
        cod_estatus text,
        mensaje text,
        estado_solicitud integer,
        codigo_estado_solicitud text,
        numero_cfdis integer,
        attempts integer NOT NULL DEFAULT 0,
        verify_attempts integer NOT NULL DEFAULT 0,
        next_check_at timestamptz,
        requested_at timestamptz,
        last_checked_at timestamptz,
        finished_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sat_requests_periodo_check CHECK (
          (periodo_inicio IS NULL AND periodo_fin IS NULL) OR (periodo_inicio < periodo_fin))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX sat_requests_id_solicitud_sat_key ON sat_requests (id_solicitud_sat) WHERE id_solicitud_sat IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX sat_requests_solicitud_idx ON sat_requests (solicitud_id, parte)`);
    await queryRunner.query(
      `CREATE INDEX sat_requests_next_check_idx ON sat_requests (next_check_at) WHERE finished_at IS NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE paquetes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        solicitud_id uuid NOT NULL REFERENCES solicitudes (id) ON DELETE CASCADE,
        sat_request_id uuid NOT NULL REFERENCES sat_requests (id) ON DELETE CASCADE,
        id_paquete text NOT NULL,
        estado text NOT NULL DEFAULT 'Pendiente',
        object_key text,
        tamano bigint,
        sha256 text,
        sat_download_count integer NOT NULL DEFAULT 0,
        link_count integer NOT NULL DEFAULT 0,
        codigo text,
        mensaje text,
        sat_expires_at timestamptz,
        stored_at timestamptz,
        indexed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT paquetes_sha256_format CHECK (sha256 IS NULL OR sha256 ~ '^[0-9a-f]{64}$'),
        CONSTRAINT paquetes_tamano_check CHECK (tamano IS NULL OR tamano >= 0),
        CONSTRAINT paquetes_stored_complete CHECK (
          stored_at IS NULL OR (object_key IS NOT NULL AND tamano IS NOT NULL AND sha256 IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX paquetes_id_paquete_key ON paquetes (id_paquete)`);
    await queryRunner.query(`CREATE INDEX paquetes_solicitud_idx ON paquetes (solicitud_id, id_paquete)`);
    await queryRunner.query(`CREATE INDEX paquetes_sat_request_idx ON paquetes (sat_request_id)`);
    await queryRunner.query(`CREATE INDEX paquetes_sha256_idx ON paquetes (sha256) WHERE sha256 IS NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX paquetes_pending_expiry_idx ON paquetes (sat_expires_at) WHERE stored_at IS NULL`,
    );

    // The ledger. An exclusion constraint rather than a plain GiST index: two registrations racing in
    // different processes cannot both claim overlapping periods for the same key; the loser gets
    // SQLSTATE 23P01 and recomputes its gaps. Released rows (failed solicitudes) leave the constraint.
    await queryRunner.query(`
      CREATE TABLE ledger_periodos (
        id bigserial PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        rfc text NOT NULL,
        contexto text NOT NULL,
        tipo_solicitud text NOT NULL,
        tipo_documento text NOT NULL,
        filtros_key text NOT NULL,
        periodo tstzrange NOT NULL,
        solicitud_id uuid NOT NULL REFERENCES solicitudes (id) ON DELETE CASCADE,
        released_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_periodos_not_empty CHECK (NOT isempty(periodo)),
        CONSTRAINT ledger_periodos_no_overlap EXCLUDE USING gist (
          tenant_id WITH =, rfc WITH =, contexto WITH =, tipo_solicitud WITH =, tipo_documento WITH =,
          filtros_key WITH =, periodo WITH &&
        ) WHERE (released_at IS NULL)
      )`);
    await queryRunner.query(`CREATE INDEX ledger_periodos_solicitud_idx ON ledger_periodos (solicitud_id)`);

    // SAT accepts an identical request only twice in a lifetime (then 5002): counted per exact criteria.
    await queryRunner.query(`
      CREATE TABLE sat_criteria_usage (
        criteria_key text PRIMARY KEY,
        rfc text NOT NULL,
        veces integer NOT NULL DEFAULT 0,
        first_requested_at timestamptz NOT NULL DEFAULT now(),
        last_requested_at timestamptz NOT NULL DEFAULT now()
      )`);

    // The SAT token is per RFC and service host; shared so workers in every process reuse it.
    await queryRunner.query(`
      CREATE TABLE sat_tokens (
        rfc text NOT NULL,
        servicio text NOT NULL,
        token_ciphertext bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (rfc, servicio),
        CONSTRAINT sat_tokens_servicio_check CHECK (servicio IN ('CFDI', 'Retenciones'))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sat_tokens`);
    await queryRunner.query(`DROP TABLE sat_criteria_usage`);
    await queryRunner.query(`DROP TABLE ledger_periodos`);
    await queryRunner.query(`DROP TABLE paquetes`);
    await queryRunner.query(`DROP TABLE sat_requests`);
    await queryRunner.query(`DROP TABLE solicitud_estados`);
    await queryRunner.query(`DROP TABLE solicitudes`);
    await queryRunner.query(`DROP TABLE registros`);
  }
}
