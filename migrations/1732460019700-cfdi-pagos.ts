import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The payment complement (Pagos 1.0 and 2.0) of every type-P CFDI indexed: one row per `Pago`, one
 * per `DoctoRelacionado`, so "which payments settle invoice X, and what is still owed" is a query.
 * Keyed by the payment CFDI's cfdi_documents row (tenant, rfc, uuid) plus positions: indexing the
 * CFDI again deletes its rows (cascading to the documents) and writes them anew.
 */
export class CfdiPagos1732460019700 implements MigrationInterface {
  name = 'CfdiPagos1732460019700';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Amounts are unconstrained numeric: EquivalenciaDR has up to ten decimals and a fixed scale
    // would pad or round what the complement wrote. FechaPago is an instant (Mexico City wall clock
    // converted on indexing, like every other date of the index).
    await queryRunner.query(`
      CREATE TABLE cfdi_pagos (
        tenant_id uuid NOT NULL,
        rfc text NOT NULL,
        uuid uuid NOT NULL,
        indice integer NOT NULL,
        version_pagos text NOT NULL,
        fecha_pago timestamptz,
        forma_de_pago_p text,
        moneda_p text,
        tipo_cambio_p numeric,
        monto numeric,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, rfc, uuid, indice),
        CONSTRAINT cfdi_pagos_documento_fkey FOREIGN KEY (tenant_id, rfc, uuid)
          REFERENCES cfdi_documents (tenant_id, rfc, uuid) ON DELETE CASCADE,
        CONSTRAINT cfdi_pagos_version_check CHECK (version_pagos IN ('1.0', '2.0')),
        CONSTRAINT cfdi_pagos_indice_check CHECK (indice >= 1)
      )`);
    await queryRunner.query(`CREATE INDEX cfdi_pagos_uuid_idx ON cfdi_pagos (tenant_id, uuid)`);
    await queryRunner.query(`CREATE INDEX cfdi_pagos_fecha_idx ON cfdi_pagos (tenant_id, fecha_pago)`);

    // IdDocumento is text, lower-cased: Pagos 1.0 also accepts a pre-2014 CFD's folio (999-99-999999999).
    await queryRunner.query(`
      CREATE TABLE cfdi_pago_documentos (
        tenant_id uuid NOT NULL,
        rfc text NOT NULL,
        uuid uuid NOT NULL,
        indice_pago integer NOT NULL,
        indice integer NOT NULL,
        id_documento text NOT NULL,
        serie text,
        folio text,
        moneda_dr text,
        equivalencia_dr numeric,
        tipo_cambio_dr numeric,
        num_parcialidad integer,
        imp_saldo_ant numeric,
        imp_pagado numeric,
        imp_saldo_insoluto numeric,
        PRIMARY KEY (tenant_id, rfc, uuid, indice_pago, indice),
        CONSTRAINT cfdi_pago_documentos_pago_fkey FOREIGN KEY (tenant_id, rfc, uuid, indice_pago)
          REFERENCES cfdi_pagos (tenant_id, rfc, uuid, indice) ON DELETE CASCADE,
        CONSTRAINT cfdi_pago_documentos_indice_check CHECK (indice >= 1),
        CONSTRAINT cfdi_pago_documentos_id_documento_check CHECK (id_documento = lower(id_documento))
      )`);
    await queryRunner.query(
      `CREATE INDEX cfdi_pago_documentos_id_documento_idx ON cfdi_pago_documentos (tenant_id, id_documento)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE cfdi_pago_documentos`);
    await queryRunner.query(`DROP TABLE cfdi_pagos`);
  }
}
