import type { Queryable } from '../../db';
import type { PagoRows } from './pago-rows';

/** The payment CFDI whose rows are written: its cfdi_documents row. */
export interface PagoCfdiKey {
  readonly tenantId: string;
  readonly rfc: string;
  readonly uuid: string;
}

/**
 * Replaces the payment rows of one CFDI: its previous rows go (the documents with them, by cascade)
 * and the new ones are written, so indexing the same CFDI again leaves exactly one copy. Run it in the
 * transaction that writes the CFDI's header, after it (the rows reference the header's row). Each
 * table takes one INSERT of arrays, however many DoctoRelacionado the complement has.
 */
export async function replacePagos(db: Queryable, key: PagoCfdiKey, rows: PagoRows): Promise<void> {
  const owner = [key.tenantId, key.rfc, key.uuid];
  await db.query(`DELETE FROM cfdi_pagos WHERE tenant_id = $1 AND rfc = $2 AND uuid = $3::uuid`, owner);
  if (rows.pagos.length === 0) return;
  await db.query(
    `INSERT INTO cfdi_pagos (tenant_id, rfc, uuid, indice, version_pagos, fecha_pago, forma_de_pago_p, moneda_p,
       tipo_cambio_p, monto)
     SELECT $1, $2, $3::uuid, * FROM unnest($4::integer[], $5::text[], $6::timestamptz[], $7::text[], $8::text[],
       $9::numeric[], $10::numeric[])`,
    [
      ...owner,
      rows.pagos.map((pago) => pago.indice),
      rows.pagos.map((pago) => pago.versionPagos),
      rows.pagos.map((pago) => pago.fechaPago),
      rows.pagos.map((pago) => pago.formaDePagoP),
      rows.pagos.map((pago) => pago.monedaP),
      rows.pagos.map((pago) => pago.tipoCambioP),
      rows.pagos.map((pago) => pago.monto),
    ],
  );
  if (rows.documentos.length === 0) return;
  const documentos = rows.documentos;
  await db.query(
    `INSERT INTO cfdi_pago_documentos (tenant_id, rfc, uuid, indice_pago, indice, id_documento, serie, folio, moneda_dr,
       equivalencia_dr, tipo_cambio_dr, num_parcialidad, imp_saldo_ant, imp_pagado, imp_saldo_insoluto)
     SELECT $1, $2, $3::uuid, * FROM unnest($4::integer[], $5::integer[], $6::text[], $7::text[], $8::text[],
       $9::text[], $10::numeric[], $11::numeric[], $12::integer[], $13::numeric[], $14::numeric[], $15::numeric[])`,
    [
      ...owner,
      documentos.map((documento) => documento.indicePago),
      documentos.map((documento) => documento.indice),
      documentos.map((documento) => documento.idDocumento),
      documentos.map((documento) => documento.serie),
      documentos.map((documento) => documento.folio),
      documentos.map((documento) => documento.monedaDR),
      documentos.map((documento) => documento.equivalenciaDR),
      documentos.map((documento) => documento.tipoCambioDR),
      documentos.map((documento) => documento.numParcialidad),
      documentos.map((documento) => documento.impSaldoAnt),
      documentos.map((documento) => documento.impPagado),
      documentos.map((documento) => documento.impSaldoInsoluto),
    ],
  );
}
