import {
  type FieldCatalogue,
  type ListQuery,
  type Page,
  type SortKey,
  compileListQuery,
  toPage,
} from './list-query';
import type { Queryable } from './ledger';

/**
 * Searchable fields of the CFDI index. A document may be known by its metadata, by its XML, or both;
 * each field reads whichever side has it.
 */
export const CFDI_FIELDS: FieldCatalogue = {
  Uuid: { sql: 'coalesce(m.uuid, d.uuid)', type: 'uuid', sortable: true },
  Rfc: { sql: 'coalesce(m.rfc, d.rfc)', type: 'text', sortable: true },
  RfcEmisor: { sql: 'coalesce(m.rfc_emisor, d.rfc_emisor)', type: 'text', sortable: true },
  NombreEmisor: { sql: 'coalesce(m.nombre_emisor, d.nombre_emisor)', type: 'text', sortable: true },
  RfcReceptor: { sql: 'coalesce(m.rfc_receptor, d.rfc_receptor)', type: 'text', sortable: true },
  NombreReceptor: { sql: 'coalesce(m.nombre_receptor, d.nombre_receptor)', type: 'text', sortable: true },
  FechaEmision: { sql: 'coalesce(m.fecha_emision, d.fecha)', type: 'timestamptz', sortable: true },
  FechaCertificacion: {
    sql: 'coalesce(m.fecha_certificacion, d.fecha_timbrado)',
    type: 'timestamptz',
    sortable: true,
  },
  FechaCancelacion: { sql: 'm.fecha_cancelacion', type: 'timestamptz', sortable: true },
  Efecto: { sql: 'coalesce(m.efecto, d.tipo_comprobante)', type: 'text', sortable: true },
  Estatus: { sql: 'm.estatus', type: 'text', sortable: true },
  Monto: { sql: 'coalesce(m.monto, d.total)', type: 'numeric', sortable: true },
  TipoDocumento: { sql: 'coalesce(m.tipo_documento, d.tipo_documento)', type: 'text', sortable: true },
  RfcPac: { sql: 'm.rfc_pac', type: 'text' },
  RfcACuentaTerceros: { sql: 'm.rfc_a_cuenta_terceros', type: 'text' },
  NombreACuentaTerceros: { sql: 'm.nombre_a_cuenta_terceros', type: 'text' },
  // The XML's own header: null for a document known only by its metadata.
  Version: { sql: 'd.version', type: 'text' },
  TipoComprobante: { sql: 'd.tipo_comprobante', type: 'text' },
  Serie: { sql: 'd.serie', type: 'text' },
  Folio: { sql: 'd.folio', type: 'text' },
  Fecha: { sql: 'd.fecha', type: 'timestamptz' },
  FechaTimbrado: { sql: 'd.fecha_timbrado', type: 'timestamptz' },
  SubTotal: { sql: 'd.subtotal', type: 'numeric' },
  Descuento: { sql: 'd.descuento', type: 'numeric' },
  Total: { sql: 'd.total', type: 'numeric', sortable: true },
  Moneda: { sql: 'd.moneda', type: 'text' },
  TipoCambio: { sql: 'd.tipo_cambio', type: 'numeric' },
  MetodoPago: { sql: 'd.metodo_pago', type: 'text' },
  FormaPago: { sql: 'd.forma_pago', type: 'text' },
  UsoCfdi: { sql: 'd.uso_cfdi', type: 'text' },
  LugarExpedicion: { sql: 'd.lugar_expedicion', type: 'text' },
  /**
   * The complements' local names as one text framed by commas (`,TimbreFiscalDigital,Pagos,`), so a
   * `like` on `%,Pagos,%` matches one whole name: an XML name never holds a comma.
   */
  Complementos: { sql: `(',' || array_to_string(d.complementos, ',') || ',')`, type: 'text' },
  TieneXml: { sql: '(d.uuid IS NOT NULL)', type: 'boolean', sortable: true },
  TieneMetadata: { sql: '(m.uuid IS NOT NULL)', type: 'boolean' },
  /**
   * Issuer and receiver names together, for one `like` that matches either: joined by a line break,
   * which no name from SAT contains, so a pattern without one cannot match across the two.
   */
  Nombre: {
    sql: `(coalesce(m.nombre_emisor, d.nombre_emisor, '') || chr(10) || coalesce(m.nombre_receptor, d.nombre_receptor, ''))`,
    type: 'text',
  },
};

/** One row of a CFDI search: metadata fields when known, XML location when held. */
export interface CfdiSearchRow {
  readonly rfc: string;
  readonly uuid: string;
  readonly tipoDocumento: string;
  readonly rfcEmisor: string | null;
  readonly nombreEmisor: string | null;
  readonly rfcReceptor: string | null;
  readonly nombreReceptor: string | null;
  readonly rfcPac: string | null;
  readonly fechaEmision: Date | null;
  readonly fechaCertificacion: Date | null;
  readonly monto: string | null;
  readonly efecto: string | null;
  readonly estatus: string | null;
  readonly fechaCancelacion: Date | null;
  readonly version: string | null;
  readonly serie: string | null;
  readonly folio: string | null;
  readonly moneda: string | null;
  /** SAT's metadata: the third party the issuer invoiced on behalf of, when there is one. */
  readonly rfcACuentaTerceros: string | null;
  readonly nombreACuentaTerceros: string | null;
  /**
   * The XML's header, null without the XML. Amounts are numeric text as the column prints it
   * (`100.500000`); clients get them through `decimalText()`.
   */
  readonly tipoComprobante: string | null;
  /** The XML's Fecha and the stamp's FechaTimbrado (fechaEmision/fechaCertificacion prefer metadata). */
  readonly fecha: Date | null;
  readonly fechaTimbrado: Date | null;
  readonly subTotal: string | null;
  readonly descuento: string | null;
  /** The XML's Total (`monto` is metadata's Monto, else this). */
  readonly total: string | null;
  readonly tipoCambio: string | null;
  readonly metodoPago: string | null;
  readonly formaPago: string | null;
  readonly usoCfdi: string | null;
  readonly lugarExpedicion: string | null;
  /** Local names of the complements the XML carries (TimbreFiscalDigital, Pagos, Nomina…). */
  readonly complementos: readonly string[] | null;
  /** Package and entry holding the XML, when held. */
  readonly paqueteId: string | null;
  readonly entryName: string | null;
}

export type CfdiSearchQuery = ListQuery;

const DEFAULT_ORDER: readonly SortKey[] = [{ field: 'FechaEmision', direction: 'DESC' }];

/** The tenant's metadata and XML headers side by side; `$1` is the tenant id. */
export const CFDI_SOURCE = `(SELECT * FROM cfdi_metadata WHERE tenant_id = $1) m
  FULL JOIN (SELECT * FROM cfdi_documents WHERE tenant_id = $1) d ON d.rfc = m.rfc AND d.uuid = m.uuid`;

/** The columns of a CfdiSearchRow, read from whichever side (metadata or XML) has each. */
export const CFDI_COLUMNS = `coalesce(m.rfc, d.rfc) AS "rfc", coalesce(m.uuid, d.uuid)::text AS "uuid",
  coalesce(m.tipo_documento, d.tipo_documento) AS "tipoDocumento",
  coalesce(m.rfc_emisor, d.rfc_emisor) AS "rfcEmisor", coalesce(m.nombre_emisor, d.nombre_emisor) AS "nombreEmisor",
  coalesce(m.rfc_receptor, d.rfc_receptor) AS "rfcReceptor",
  coalesce(m.nombre_receptor, d.nombre_receptor) AS "nombreReceptor", m.rfc_pac AS "rfcPac",
  coalesce(m.fecha_emision, d.fecha) AS "fechaEmision",
  coalesce(m.fecha_certificacion, d.fecha_timbrado) AS "fechaCertificacion",
  coalesce(m.monto, d.total)::text AS "monto", coalesce(m.efecto, d.tipo_comprobante) AS "efecto",
  m.estatus AS "estatus", m.fecha_cancelacion AS "fechaCancelacion", d.version AS "version",
  d.serie AS "serie", d.folio AS "folio", d.moneda AS "moneda",
  m.rfc_a_cuenta_terceros AS "rfcACuentaTerceros", m.nombre_a_cuenta_terceros AS "nombreACuentaTerceros",
  d.tipo_comprobante AS "tipoComprobante", d.fecha AS "fecha", d.fecha_timbrado AS "fechaTimbrado",
  d.subtotal::text AS "subTotal", d.descuento::text AS "descuento", d.total::text AS "total",
  d.tipo_cambio::text AS "tipoCambio", d.metodo_pago AS "metodoPago", d.forma_pago AS "formaPago",
  d.uso_cfdi AS "usoCfdi", d.lugar_expedicion AS "lugarExpedicion", d.complementos AS "complementos",
  d.paquete_id AS "paqueteId", d.entry_name AS "entryName"`;

/** One page of a tenant's indexed CFDI (metadata and/or XML) and the total. */
export async function searchCfdi(
  db: Queryable,
  tenantId: string,
  query: CfdiSearchQuery,
): Promise<Page<CfdiSearchRow>> {
  const { where, parameters, order, limit, offset } = compileListQuery(
    CFDI_FIELDS,
    query,
    { defaultOrder: DEFAULT_ORDER, tieBreaker: 'coalesce(m.rfc, d.rfc), coalesce(m.uuid, d.uuid)' },
    [tenantId],
  );
  const [counted] = await db.query<{ total: number }[]>(
    `SELECT count(*)::int AS total FROM ${CFDI_SOURCE} WHERE ${where}`,
    parameters,
  );
  const rows = await db.query<CfdiSearchRow[]>(
    `SELECT ${CFDI_COLUMNS} FROM ${CFDI_SOURCE} WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
    parameters,
  );
  return toPage(rows, counted?.total ?? 0, query.page);
}
