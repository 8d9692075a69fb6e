import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the packages hold, indexed: one metadata row and one XML header per UUID per tenant and RFC.
 * Kept lean in indexes because a 1,000,000-row metadata package is upserted in one go.
 */
export class CfdiIndex1732460002000 implements MigrationInterface {
  name = 'CfdiIndex1732460002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // `rfc` is the contribuyente whose download produced the row (the issuer or the receiver), so the
    // same UUID appears once for each tenant/RFC that downloaded it. Dates are instants (SAT's Mexico
    // City wall-clock times converted on indexing).
    await queryRunner.query(`
      CREATE TABLE cfdi_metadata (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        rfc text NOT NULL,
        uuid uuid NOT NULL,
        tipo_documento text NOT NULL DEFAULT 'CFDI',
        rfc_emisor text NOT NULL,
        nombre_emisor text,
        rfc_receptor text NOT NULL,
        nombre_receptor text,
        rfc_pac text,
        fecha_emision timestamptz NOT NULL,
        fecha_certificacion timestamptz,
        monto numeric(24, 6),
        efecto text,
        estatus text NOT NULL,
        fecha_cancelacion timestamptz,
        rfc_a_cuenta_terceros text,
        nombre_a_cuenta_terceros text,
        extras jsonb,
        paquete_id uuid REFERENCES paquetes (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, rfc, uuid),
        CONSTRAINT cfdi_metadata_estatus_check CHECK (estatus IN ('Vigente', 'Cancelado')),
        CONSTRAINT cfdi_metadata_tipo_documento_check CHECK (tipo_documento IN ('CFDI', 'Retenciones'))
      )`);
    await queryRunner.query(
      `CREATE INDEX cfdi_metadata_rfc_fecha_idx ON cfdi_metadata (tenant_id, rfc, fecha_emision DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX cfdi_metadata_emisor_idx ON cfdi_metadata (tenant_id, rfc_emisor, fecha_emision DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX cfdi_metadata_receptor_idx ON cfdi_metadata (tenant_id, rfc_receptor, fecha_emision DESC)`,
    );
    await queryRunner.query(`CREATE INDEX cfdi_metadata_uuid_idx ON cfdi_metadata (tenant_id, uuid)`);

    // Entry location inside the stored ZIP lets one document be served with ranged reads.
    await queryRunner.query(`
      CREATE TABLE cfdi_documents (
        tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
        rfc text NOT NULL,
        uuid uuid NOT NULL,
        tipo_documento text NOT NULL DEFAULT 'CFDI',
        version text,
        tipo_comprobante text,
        serie text,
        folio text,
        fecha timestamptz,
        fecha_timbrado timestamptz,
        rfc_emisor text,
        nombre_emisor text,
        rfc_receptor text,
        nombre_receptor text,
        subtotal numeric(24, 6),
        descuento numeric(24, 6),
        total numeric(24, 6),
        moneda text,
        tipo_cambio numeric(24, 6),
        metodo_pago text,
        forma_pago text,
        uso_cfdi text,
        lugar_expedicion text,
        complementos text[],
        paquete_id uuid NOT NULL REFERENCES paquetes (id) ON DELETE CASCADE,
        entry_name text NOT NULL,
        entry_offset bigint,
        entry_compressed_size bigint,
        entry_size bigint,
        entry_compression_method integer,
        entry_crc32 bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, rfc, uuid),
        CONSTRAINT cfdi_documents_tipo_documento_check CHECK (tipo_documento IN ('CFDI', 'Retenciones'))
      )`);
    await queryRunner.query(
      `CREATE INDEX cfdi_documents_rfc_fecha_idx ON cfdi_documents (tenant_id, rfc, fecha DESC)`,
    );
    await queryRunner.query(`CREATE INDEX cfdi_documents_uuid_idx ON cfdi_documents (tenant_id, uuid)`);
    await queryRunner.query(`CREATE INDEX cfdi_documents_paquete_idx ON cfdi_documents (paquete_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE cfdi_documents`);
    await queryRunner.query(`DROP TABLE cfdi_metadata`);
  }
}
