import type { Queryable } from './ledger';
import { type Page, type PageRequest, pageWindow, toPage } from './list-query';

/**
 * How one UUID of an RFC's period stands when its metadata (what SAT says exists, and its status) is
 * set against the XML held in stored packages:
 * - `ConXml`: vigente and its XML is held;
 * - `SinXml`: known by metadata, XML not held, and SAT would still deliver it (vigente, or issued by the
 *   RFC: SAT serves the issuer's cancelled XML too);
 * - `XmlDeCancelado`: the XML is held but the metadata says cancelled (cancelled after the download);
 * - `RecibidoCanceladoSinXml`: received and cancelled, no XML: SAT never delivers it (expected);
 * - `XmlSinMetadata`: XML held, no metadata row for it.
 */
export const RECONCILIATION_CLASSES = [
  'ConXml',
  'SinXml',
  'XmlDeCancelado',
  'RecibidoCanceladoSinXml',
  'XmlSinMetadata',
] as const;
export type ReconciliationClass = (typeof RECONCILIATION_CLASSES)[number];

export type ReconciliationContexto = 'Emitidos' | 'Recibidos' | 'Ambos';

/** One RFC of a tenant, one side (or both), over a half-open period of issue dates. */
export interface ReconciliationScope {
  readonly tenantId: string;
  /** Upper case. */
  readonly rfc: string;
  readonly contexto: ReconciliationContexto;
  readonly start: Date;
  /** Exclusive. */
  readonly end: Date;
}

export interface ReconciliationRow {
  readonly clase: ReconciliationClass;
  readonly uuid: string;
  /** The RFC's side of this document: it issued it (Emitidos) or received it (Recibidos). */
  readonly contexto: 'Emitidos' | 'Recibidos';
  readonly tipoDocumento: string;
  readonly rfcEmisor: string | null;
  readonly nombreEmisor: string | null;
  readonly rfcReceptor: string | null;
  readonly nombreReceptor: string | null;
  readonly fechaEmision: Date;
  readonly efecto: string | null;
  readonly monto: string | null;
  /** From the metadata; null for `XmlSinMetadata`. */
  readonly estatus: 'Vigente' | 'Cancelado' | null;
  readonly fechaCancelacion: Date | null;
  /** SAT's id of the stored package holding the XML, when held. */
  readonly idPaquete: string | null;
}

export const MAX_RECONCILIATION_BATCH = 10_000;

/** Position in the report's order (issue date, then UUID), for keyset batches. */
export interface ReconciliationCursor {
  readonly fechaEmision: Date;
  readonly uuid: string;
}

/** The side's condition on a row's issuer/receiver columns (`alias.rfc_emisor`…); our text, never input. */
function sideCondition(alias: string, contexto: ReconciliationContexto): string {
  if (contexto === 'Emitidos') return `${alias}.rfc_emisor = $2`;
  if (contexto === 'Recibidos') return `${alias}.rfc_receptor = $2`;
  return 'TRUE';
}

/** Extra conditions on one side's date and UUID columns (the keyset of a batch), or none. */
type Keyset = (date: string, uuid: string) => string;
const NO_KEYSET: Keyset = () => '';

/**
 * How each row finds its counterpart in the other table. `join` lets the planner hash whole sides
 * together: the cheapest way to classify a whole period (the counts). `lookup` looks each row up by
 * primary key as it is read, so a page or batch read in date order from the (tenant, rfc, date)
 * index touches about as many rows as it returns instead of hashing the whole period every time.
 */
type Pairing = 'join' | 'lookup';

/** A held XML's package id; an XML counts as held only while its package is in storage. */
const HELD_PACKAGE = `SELECT p.id_paquete FROM cfdi_documents d JOIN paquetes p ON p.id = d.paquete_id
                       WHERE d.tenant_id = m.tenant_id AND d.rfc = m.rfc AND d.uuid = m.uuid
                         AND p.object_key IS NOT NULL`;

/**
 * Metadata rows of the period with the XML (if any) held for them. An XML counts as held only while
 * its package is in storage: a document row whose package lost its object is a missing XML.
 */
function fromMetadata(scope: ReconciliationScope, keyset: Keyset, pairing: Pairing): string {
  const held =
    pairing === 'lookup'
      ? `LEFT JOIN LATERAL (${HELD_PACKAGE} LIMIT 1) x ON TRUE`
      : `LEFT JOIN (SELECT d.tenant_id, d.rfc, d.uuid, p.id_paquete
                      FROM cfdi_documents d JOIN paquetes p ON p.id = d.paquete_id
                     WHERE p.object_key IS NOT NULL) x
                ON x.tenant_id = m.tenant_id AND x.rfc = m.rfc AND x.uuid = m.uuid`;
  return `SELECT CASE
                   WHEN x.id_paquete IS NOT NULL AND m.estatus = 'Vigente' THEN 'ConXml'
                   WHEN x.id_paquete IS NOT NULL THEN 'XmlDeCancelado'
                   WHEN m.estatus = 'Cancelado' AND m.rfc_emisor <> m.rfc THEN 'RecibidoCanceladoSinXml'
                   ELSE 'SinXml'
                 END AS clase,
                 m.uuid, CASE WHEN m.rfc_emisor = m.rfc THEN 'Emitidos' ELSE 'Recibidos' END AS contexto,
                 m.tipo_documento, m.rfc_emisor, m.nombre_emisor, m.rfc_receptor, m.nombre_receptor,
                 m.fecha_emision, m.efecto, m.monto, m.estatus, m.fecha_cancelacion, x.id_paquete
            FROM cfdi_metadata m ${held}
           WHERE m.tenant_id = $1 AND m.rfc = $2 AND m.fecha_emision >= $3 AND m.fecha_emision < $4
             AND ${sideCondition('m', scope.contexto)} ${keyset('m.fecha_emision', 'm.uuid')}`;
}

/** Held XML of the period that no metadata row describes (dated by the XML's own Fecha). */
function fromDocuments(scope: ReconciliationScope, keyset: Keyset, pairing: Pairing): string {
  const described = `SELECT 1 FROM cfdi_metadata m
                      WHERE m.tenant_id = d.tenant_id AND m.rfc = d.rfc AND m.uuid = d.uuid`;
  // A scalar subquery with LIMIT is never turned into a (hash) anti-join: it stays a lookup per row.
  const undescribed = pairing === 'lookup' ? `(${described} LIMIT 1) IS NULL` : `NOT EXISTS (${described})`;
  return `SELECT 'XmlSinMetadata' AS clase, d.uuid,
                 CASE WHEN d.rfc_emisor = d.rfc THEN 'Emitidos' ELSE 'Recibidos' END AS contexto,
                 d.tipo_documento, d.rfc_emisor, d.nombre_emisor, d.rfc_receptor, d.nombre_receptor,
                 d.fecha AS fecha_emision, d.tipo_comprobante AS efecto, d.total AS monto,
                 NULL::text AS estatus, NULL::timestamptz AS fecha_cancelacion, p.id_paquete
            FROM cfdi_documents d JOIN paquetes p ON p.id = d.paquete_id AND p.object_key IS NOT NULL
           WHERE d.tenant_id = $1 AND d.rfc = $2 AND d.fecha >= $3 AND d.fecha < $4
             AND ${sideCondition('d', scope.contexto)} AND ${undescribed}
             ${keyset('d.fecha', 'd.uuid')}`;
}

const ROW_COLUMNS = `r.clase, r.uuid::text AS "uuid", r.contexto, r.tipo_documento AS "tipoDocumento",
  r.rfc_emisor AS "rfcEmisor", r.nombre_emisor AS "nombreEmisor", r.rfc_receptor AS "rfcReceptor",
  r.nombre_receptor AS "nombreReceptor", r.fecha_emision AS "fechaEmision", r.efecto, r.monto::text AS monto,
  r.estatus, r.fecha_cancelacion AS "fechaCancelacion", r.id_paquete AS "idPaquete"`;

function baseParameters(scope: ReconciliationScope): unknown[] {
  return [scope.tenantId, scope.rfc, scope.start.toISOString(), scope.end.toISOString()];
}

/** Which table a read walks: metadata rows (every class but XmlSinMetadata), or unmatched XML. */
export type ReconciliationSide = 'metadata' | 'documents';

/**
 * One side's rows of the wanted classes in the report's order (issue date, then UUID), after the
 * keyset cursor when given, at most `limit`. Metadata rows are read in date order from the index and
 * each looks up its XML. The unmatched XML is read with `documentsPairing`: `lookup` for keyset
 * batches (scanning on from the cursor), `join` for pages (one anti-join over the period).
 */
function sideRows(
  scope: ReconciliationScope,
  side: ReconciliationSide,
  classes: readonly ReconciliationClass[],
  parameters: unknown[],
  limit: number,
  after: ReconciliationCursor | undefined,
  documentsPairing: Pairing,
): string {
  let keyset = NO_KEYSET;
  if (after) {
    parameters.push(after.fechaEmision.toISOString(), after.uuid);
    const [at, uuid] = [`$${parameters.length - 1}::timestamptz`, `$${parameters.length}::uuid`];
    // The first condition lets the date index start at the cursor; the second breaks ties by UUID.
    keyset = (date, id) => `AND ${date} >= ${at} AND (${date}, ${id}) > (${at}, ${uuid})`;
  }
  if (side === 'documents')
    return `${fromDocuments(scope, keyset, documentsPairing)} ORDER BY d.fecha, d.uuid LIMIT ${limit}`;
  parameters.push(classes.filter((clase) => clase !== 'XmlSinMetadata'));
  return `SELECT * FROM (${fromMetadata(scope, keyset, 'lookup')}) a
           WHERE a.clase = ANY($${parameters.length}::text[])
           ORDER BY a.fecha_emision, a.uuid LIMIT ${limit}`;
}

function sidesOf(classes: readonly ReconciliationClass[]): ReconciliationSide[] {
  const sides: ReconciliationSide[] = [];
  if (classes.some((clase) => clase !== 'XmlSinMetadata')) sides.push('metadata');
  if (classes.includes('XmlSinMetadata')) sides.push('documents');
  return sides;
}

/** How many UUIDs of the scope fall in each class (every class present, zero when none). */
export async function countReconciliation(
  db: Queryable,
  scope: ReconciliationScope,
): Promise<Record<ReconciliationClass, number>> {
  const rows = await db.query<{ clase: ReconciliationClass; total: number }[]>(
    `SELECT clase, count(*)::int AS total
       FROM (SELECT clase FROM (${fromMetadata(scope, NO_KEYSET, 'join')}) a
             UNION ALL SELECT clase FROM (${fromDocuments(scope, NO_KEYSET, 'join')}) b) r
      GROUP BY clase`,
    baseParameters(scope),
  );
  const totals = Object.fromEntries(RECONCILIATION_CLASSES.map((clase) => [clase, 0])) as Record<
    ReconciliationClass,
    number
  >;
  for (const row of rows) totals[row.clase] = row.total;
  return totals;
}

/** One page of the scope's rows of `classes`, by issue date then UUID; `total` counts those classes. */
export async function readReconciliationPage(
  db: Queryable,
  scope: ReconciliationScope,
  classes: readonly ReconciliationClass[],
  page: PageRequest,
  totals: Record<ReconciliationClass, number>,
): Promise<Page<ReconciliationRow>> {
  const { limit, offset } = pageWindow(page);
  const total = classes.reduce((sum, clase) => sum + totals[clase], 0);
  if (classes.length === 0 || offset >= total) return toPage([], total, page);
  const parameters = baseParameters(scope);
  // Each side gives the first offset + limit of its rows; the merge keeps the page's share.
  const parts = sidesOf(classes).map(
    (side) => `(${sideRows(scope, side, classes, parameters, offset + limit, undefined, 'join')})`,
  );
  const rows = await db.query<ReconciliationRow[]>(
    `SELECT ${ROW_COLUMNS} FROM (${parts.join(' UNION ALL ')}) r
      ORDER BY r.fecha_emision, r.uuid LIMIT ${limit} OFFSET ${offset}`,
    parameters,
  );
  return toPage(rows, total, page);
}

/**
 * The next `limit` rows of one side strictly after `after` (keyset), for exports, which merge the
 * two sides themselves: reading them apart lets a side that has run out (unmatched XML is usually
 * rare) be left alone, where a merged read would scan it to the end for every batch.
 */
export async function readReconciliationSide(
  db: Queryable,
  scope: ReconciliationScope,
  side: ReconciliationSide,
  classes: readonly ReconciliationClass[],
  limit: number,
  after?: ReconciliationCursor,
): Promise<ReconciliationRow[]> {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_RECONCILIATION_BATCH)
    throw new RangeError(`batch size must be 1..${MAX_RECONCILIATION_BATCH}`);
  if (!sidesOf(classes).includes(side)) return [];
  const parameters = baseParameters(scope);
  return db.query<ReconciliationRow[]>(
    `SELECT ${ROW_COLUMNS} FROM (${sideRows(scope, side, classes, parameters, limit, after, 'lookup')}) r
      ORDER BY r.fecha_emision, r.uuid`,
    parameters,
  );
}
