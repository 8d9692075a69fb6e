import { isUuid, type Queryable } from '../../db';
import type { PagosFilter } from './pagos-criteria';

/** One `DoctoRelacionado` as answered: the invoice settled and the balances the payment states. */
export interface DocumentoPagado {
  readonly indice: number;
  readonly idDocumento: string;
  readonly serie: string | null;
  readonly folio: string | null;
  readonly monedaDR: string | null;
  readonly equivalenciaDR: string | null;
  readonly tipoCambioDR: string | null;
  readonly numParcialidad: number | null;
  readonly impSaldoAnt: string | null;
  readonly impPagado: string | null;
  readonly impSaldoInsoluto: string | null;
}

/** The `Pago` row a DoctoRelacionado belongs to, with what the index knows of its CFDI. */
export interface PagoHeader {
  /** UUID of the payment CFDI. */
  readonly uuid: string;
  /** Position of the `Pago` within the complement, from 1. */
  readonly indice: number;
  readonly version: '1.0' | '2.0';
  readonly rfcEmisor: string | null;
  readonly nombreEmisor: string | null;
  readonly rfcReceptor: string | null;
  readonly nombreReceptor: string | null;
  /** From the metadata, when downloaded: a payment CFDI SAT lists as cancelled settles nothing. */
  readonly estatus: 'Vigente' | 'Cancelado' | null;
  readonly fechaPago: Date | null;
  readonly formaDePagoP: string | null;
  readonly monedaP: string | null;
  readonly tipoCambioP: string | null;
  readonly monto: string | null;
}

/** An invoice's balance: the last partiality's ImpSaldoInsoluto and the sum of ImpPagado. */
export interface SaldoDocumento {
  readonly idDocumento: string;
  readonly monedaDR: string | null;
  /** ImpSaldoInsoluto of the highest NumParcialidad (then the latest FechaPago). */
  readonly saldoInsoluto: string | null;
  /** Sum of ImpPagado, in MonedaDR. */
  readonly totalPagado: string | null;
  readonly parcialidades: number;
  readonly ultimaParcialidad: number | null;
}

/** The payment CFDI's `Pago` columns and its metadata status, aliased `prefix` + name; `$1` is the tenant. */
function pagoColumns(prefix = ''): string {
  const as = (name: string): string => `AS "${prefix}${name}"`;
  return `p.uuid::text ${as('uuid')}, p.indice ${as('indice')}, p.version_pagos ${as('version')},
  d.rfc_emisor ${as('rfcEmisor')}, d.nombre_emisor ${as('nombreEmisor')}, d.rfc_receptor ${as('rfcReceptor')},
  d.nombre_receptor ${as('nombreReceptor')},
  (SELECT CASE WHEN bool_or(m.estatus = 'Cancelado') THEN 'Cancelado' ELSE max(m.estatus) END
     FROM cfdi_metadata m WHERE m.tenant_id = $1 AND m.uuid = p.uuid) ${as('estatus')},
  p.fecha_pago ${as('fechaPago')}, p.forma_de_pago_p ${as('formaDePagoP')}, p.moneda_p ${as('monedaP')},
  p.tipo_cambio_p::text ${as('tipoCambioP')}, p.monto::text ${as('monto')}`;
}

const DOCUMENTO_COLUMNS = `x.indice, x.id_documento AS "idDocumento", x.serie, x.folio, x.moneda_dr AS "monedaDR",
  x.equivalencia_dr::text AS "equivalenciaDR", x.tipo_cambio_dr::text AS "tipoCambioDR",
  x.num_parcialidad AS "numParcialidad", x.imp_saldo_ant::text AS "impSaldoAnt", x.imp_pagado::text AS "impPagado",
  x.imp_saldo_insoluto::text AS "impSaldoInsoluto"`;

/**
 * The tenant's `Pago` rows matching the filter, once each: a payment CFDI downloaded for two of the
 * tenant's RFCs (its issuer and its receiver) is indexed under both, identically. `$1` is the tenant.
 */
function matchingPagos(filter: PagosFilter, parameters: unknown[]): string {
  const where = ['p.tenant_id = $1'];
  const add = (condition: (placeholder: string) => string, value: unknown): void => {
    parameters.push(value);
    where.push(condition(`$${parameters.length}`));
  };
  if (filter.uuidPago) add((at) => `p.uuid = ${at}::uuid`, filter.uuidPago);
  if (filter.rfcEmisor) add((at) => `d.rfc_emisor = ${at}`, filter.rfcEmisor);
  if (filter.rfcReceptor) add((at) => `d.rfc_receptor = ${at}`, filter.rfcReceptor);
  if (filter.desde) add((at) => `p.fecha_pago >= ${at}`, filter.desde);
  if (filter.hasta) add((at) => `p.fecha_pago < ${at}`, filter.hasta);
  if (filter.uuidDocumento)
    add(
      (at) => `EXISTS (SELECT 1 FROM cfdi_pago_documentos x WHERE x.tenant_id = p.tenant_id AND x.rfc = p.rfc
        AND x.uuid = p.uuid AND x.indice_pago = p.indice AND x.id_documento = ${at})`,
      filter.uuidDocumento,
    );
  return `SELECT DISTINCT ON (p.uuid, p.indice) p.rfc, p.uuid, p.indice
      FROM cfdi_pagos p JOIN cfdi_documents d ON d.tenant_id = p.tenant_id AND d.rfc = p.rfc AND d.uuid = p.uuid
     WHERE ${where.join(' AND ')}
     ORDER BY p.uuid, p.indice, p.rfc`;
}

export interface PagoKey {
  readonly rfc: string;
  readonly uuid: string;
  readonly indice: number;
}

/** How many `Pago` rows match, and one page of them by FechaPago (then UUID and position). */
export async function readPagosPage(
  db: Queryable,
  tenantId: string,
  filter: PagosFilter,
  window: { readonly limit: number; readonly offset: number },
): Promise<{ total: number; rows: (PagoHeader & PagoKey)[] }> {
  const parameters: unknown[] = [tenantId];
  const matching = matchingPagos(filter, parameters);
  const [counted] = await db.query<{ total: number }[]>(
    `SELECT count(*)::int AS total FROM (${matching}) k`,
    parameters,
  );
  const total = counted?.total ?? 0;
  if (total === 0 || window.offset >= total) return { total, rows: [] };
  const rows = await db.query<(PagoHeader & PagoKey)[]>(
    `SELECT p.rfc, ${pagoColumns()}
       FROM (${matching}) k
       JOIN cfdi_pagos p ON p.tenant_id = $1 AND p.rfc = k.rfc AND p.uuid = k.uuid AND p.indice = k.indice
       JOIN cfdi_documents d ON d.tenant_id = $1 AND d.rfc = p.rfc AND d.uuid = p.uuid
      ORDER BY p.fecha_pago ASC NULLS LAST, p.uuid, p.indice
      LIMIT ${window.limit} OFFSET ${window.offset}`,
    parameters,
  );
  return { total, rows };
}

/** The DoctoRelacionados of the given `Pago` rows, by row key (`uuid|indice`), in document order. */
export async function readDocumentos(
  db: Queryable,
  tenantId: string,
  keys: readonly PagoKey[],
): Promise<Map<string, DocumentoPagado[]>> {
  const found = new Map<string, DocumentoPagado[]>();
  if (keys.length === 0) return found;
  const rows = await db.query<(DocumentoPagado & { uuid: string; indicePago: number })[]>(
    `SELECT x.uuid::text AS "uuid", x.indice_pago AS "indicePago", ${DOCUMENTO_COLUMNS}
       FROM cfdi_pago_documentos x
      WHERE x.tenant_id = $1
        AND (x.rfc, x.uuid, x.indice_pago) IN (SELECT * FROM unnest($2::text[], $3::uuid[], $4::integer[]))
      ORDER BY x.uuid, x.indice_pago, x.indice`,
    [tenantId, keys.map((key) => key.rfc), keys.map((key) => key.uuid), keys.map((key) => key.indice)],
  );
  for (const { uuid, indicePago, ...documento } of rows) {
    const key = `${uuid}|${indicePago}`;
    const list = found.get(key);
    if (list) list.push(documento);
    else found.set(key, [documento]);
  }
  return found;
}

/**
 * The balance of each invoice, over every payment of the tenant that settles it (once each, however
 * many of the tenant's RFCs hold the payment), leaving out payment CFDIs the metadata says cancelled.
 */
export async function readSaldos(
  db: Queryable,
  tenantId: string,
  idDocumentos: readonly string[],
): Promise<SaldoDocumento[]> {
  if (idDocumentos.length === 0) return [];
  return db.query<SaldoDocumento[]>(
    `WITH partialities AS (
       SELECT DISTINCT ON (x.uuid, x.indice_pago, x.indice) x.uuid, x.id_documento, x.moneda_dr, x.num_parcialidad,
              x.imp_pagado, x.imp_saldo_insoluto, p.fecha_pago
         FROM cfdi_pago_documentos x
         JOIN cfdi_pagos p ON p.tenant_id = x.tenant_id AND p.rfc = x.rfc AND p.uuid = x.uuid AND p.indice = x.indice_pago
        WHERE x.tenant_id = $1 AND x.id_documento = ANY($2::text[])
          AND NOT EXISTS (SELECT 1 FROM cfdi_metadata m
                           WHERE m.tenant_id = $1 AND m.uuid = x.uuid AND m.estatus = 'Cancelado')
        ORDER BY x.uuid, x.indice_pago, x.indice, x.rfc
     ), latest AS (
       SELECT DISTINCT ON (id_documento) id_documento, moneda_dr, num_parcialidad, imp_saldo_insoluto
         FROM partialities
        ORDER BY id_documento, num_parcialidad DESC NULLS LAST, fecha_pago DESC NULLS LAST, uuid DESC
     )
     SELECT l.id_documento AS "idDocumento", l.moneda_dr AS "monedaDR",
            l.imp_saldo_insoluto::text AS "saldoInsoluto", sum(r.imp_pagado)::text AS "totalPagado",
            count(*)::int AS "parcialidades", l.num_parcialidad AS "ultimaParcialidad"
       FROM partialities r JOIN latest l ON l.id_documento = r.id_documento
      GROUP BY l.id_documento, l.moneda_dr, l.imp_saldo_insoluto, l.num_parcialidad
      ORDER BY l.id_documento`,
    [tenantId, idDocumentos],
  );
}

/** Every DoctoRelacionado of the tenant that settles one invoice, with its `Pago`, by partiality. */
export async function readPartialities(
  db: Queryable,
  tenantId: string,
  idDocumento: string,
): Promise<(DocumentoPagado & { pago: PagoHeader })[]> {
  const rows = await db.query<(DocumentoPagado & { [key: `p_${string}`]: unknown })[]>(
    `SELECT DISTINCT ON (x.uuid, x.indice_pago, x.indice) ${DOCUMENTO_COLUMNS}, ${pagoColumns('p_')}
       FROM cfdi_pago_documentos x
       JOIN cfdi_pagos p ON p.tenant_id = x.tenant_id AND p.rfc = x.rfc AND p.uuid = x.uuid AND p.indice = x.indice_pago
       JOIN cfdi_documents d ON d.tenant_id = p.tenant_id AND d.rfc = p.rfc AND d.uuid = p.uuid
      WHERE x.tenant_id = $1 AND x.id_documento = $2
      ORDER BY x.uuid, x.indice_pago, x.indice, x.rfc`,
    [tenantId, idDocumento],
  );
  return rows
    .map((row) => {
      const documento: Record<string, unknown> = {};
      const pago: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(row)) {
        if (name.startsWith('p_')) pago[name.slice(2)] = value;
        else documento[name] = value;
      }
      return { ...(documento as unknown as DocumentoPagado), pago: pago as unknown as PagoHeader };
    })
    .sort(
      (a, b) =>
        (a.numParcialidad ?? Number.MAX_SAFE_INTEGER) - (b.numParcialidad ?? Number.MAX_SAFE_INTEGER) ||
        (a.pago.fechaPago?.getTime() ?? 0) - (b.pago.fechaPago?.getTime() ?? 0) ||
        a.pago.uuid.localeCompare(b.pago.uuid),
    );
}

/** Which of the given invoice ids the tenant holds in the index (XML or metadata), to link to them. */
export async function heldDocuments(
  db: Queryable,
  tenantId: string,
  idDocumentos: readonly string[],
): Promise<Set<string>> {
  // Lower case only: the set answers `uuid::text`, which Postgres writes in lower case.
  const uuids = idDocumentos.filter((id) => isUuid(id) && id === id.toLowerCase());
  if (uuids.length === 0) return new Set();
  const rows = await db.query<{ uuid: string }[]>(
    `SELECT uuid::text AS uuid FROM cfdi_documents WHERE tenant_id = $1 AND uuid = ANY($2::uuid[])
     UNION SELECT uuid::text FROM cfdi_metadata WHERE tenant_id = $1 AND uuid = ANY($2::uuid[])`,
    [tenantId, uuids],
  );
  return new Set(rows.map((row) => row.uuid));
}
