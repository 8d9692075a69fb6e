import type { DataSource } from 'typeorm';

/** Every row of the tables derived from the packages, timestamps of the writing left out. */
export interface DerivedRows {
  readonly documents: unknown[];
  readonly pagos: unknown[];
  readonly pagoDocumentos: unknown[];
  readonly metadata: unknown[];
}

async function rows(
  dataSource: DataSource,
  table: string,
  order: string,
  tenantIds: readonly string[] | undefined,
): Promise<unknown[]> {
  const filter = tenantIds ? 'WHERE t.tenant_id = ANY($1::uuid[])' : '';
  const found = await dataSource.query<{ row: unknown }[]>(
    `SELECT to_jsonb(t) - 'created_at' - 'updated_at' AS row FROM ${table} t ${filter} ORDER BY ${order}`,
    tenantIds ? [tenantIds] : [],
  );
  return found.map(({ row }) => row);
}

/** The derived tables' contents (of some tenants only, when given), in a stable order. */
export async function derivedRows(
  dataSource: DataSource,
  tenantIds?: readonly string[],
): Promise<DerivedRows> {
  return {
    documents: await rows(dataSource, 'cfdi_documents', 't.tenant_id, t.rfc, t.uuid', tenantIds),
    pagos: await rows(dataSource, 'cfdi_pagos', 't.tenant_id, t.rfc, t.uuid, t.indice', tenantIds),
    pagoDocumentos: await rows(
      dataSource,
      'cfdi_pago_documentos',
      't.tenant_id, t.rfc, t.uuid, t.indice_pago, t.indice',
      tenantIds,
    ),
    metadata: await rows(dataSource, 'cfdi_metadata', 't.tenant_id, t.rfc, t.uuid', tenantIds),
  };
}

/**
 * The index as a release before issue 19 left it: the header columns it did not fill are empty, no
 * payment rows, no third-party data or PAC in the metadata.
 */
export async function forgetNewFields(dataSource: DataSource): Promise<void> {
  await dataSource.query(
    `UPDATE cfdi_documents SET subtotal = NULL, descuento = NULL, tipo_cambio = NULL, metodo_pago = NULL,
       forma_pago = NULL, uso_cfdi = NULL, lugar_expedicion = NULL, complementos = NULL`,
  );
  await dataSource.query(`DELETE FROM cfdi_pagos`);
  await dataSource.query(
    `UPDATE cfdi_metadata SET rfc_a_cuenta_terceros = NULL, nombre_a_cuenta_terceros = NULL, rfc_pac = NULL`,
  );
}
