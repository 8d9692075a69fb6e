import type { Paquete, Queryable, Solicitud } from '../../db';
import type { CfdiHeader, PackageEntry } from '../../sat';
import { satDate } from './sat-date';

/** An amount as written, when it is one a numeric column takes; otherwise nothing rather than a failure. */
function decimalOrNull(text: string): string | null {
  return /^-?\d{1,18}(\.\d+)?$/.test(text) ? text : null;
}

/** A CFDI's header as its cfdi_documents row, with the package entry it lives in. */
export async function upsertCfdiDocument(
  db: Queryable,
  document: CfdiHeader,
  entry: PackageEntry,
  solicitud: Solicitud,
  paquete: Paquete,
): Promise<void> {
  // Every column is taken from this reading on conflict: re-indexing (or a document met again in a
  // later package) leaves one consistent row, the header as the current reader sees it and the ZIP
  // location of one package, never a mix of two.
  await db.query(
    `INSERT INTO cfdi_documents (tenant_id, rfc, uuid, tipo_documento, version, tipo_comprobante, serie, folio, fecha,
       fecha_timbrado, rfc_emisor, nombre_emisor, rfc_receptor, nombre_receptor, total, moneda, paquete_id, entry_name,
       entry_offset, entry_compressed_size, entry_size, entry_compression_method, entry_crc32, subtotal, descuento,
       tipo_cambio, metodo_pago, forma_pago, uso_cfdi, lugar_expedicion, complementos)
     VALUES ($1, $2, $3::uuid, $4, $5, $6, $7, $8, $9::timestamptz, $10::timestamptz, $11, $12, $13, $14, $15::numeric,
       $16, $17, $18, $19, $20, $21, $22, $23, $24::numeric, $25::numeric, $26::numeric, $27, $28, $29, $30, $31::text[])
     ON CONFLICT (tenant_id, rfc, uuid) DO UPDATE SET
       tipo_documento = EXCLUDED.tipo_documento, version = EXCLUDED.version,
       tipo_comprobante = EXCLUDED.tipo_comprobante, serie = EXCLUDED.serie, folio = EXCLUDED.folio,
       fecha = EXCLUDED.fecha, fecha_timbrado = EXCLUDED.fecha_timbrado, rfc_emisor = EXCLUDED.rfc_emisor,
       nombre_emisor = EXCLUDED.nombre_emisor, rfc_receptor = EXCLUDED.rfc_receptor,
       nombre_receptor = EXCLUDED.nombre_receptor, total = EXCLUDED.total, moneda = EXCLUDED.moneda,
       paquete_id = EXCLUDED.paquete_id, entry_name = EXCLUDED.entry_name,
       entry_offset = EXCLUDED.entry_offset, entry_compressed_size = EXCLUDED.entry_compressed_size,
       entry_size = EXCLUDED.entry_size, entry_compression_method = EXCLUDED.entry_compression_method,
       entry_crc32 = EXCLUDED.entry_crc32, subtotal = EXCLUDED.subtotal, descuento = EXCLUDED.descuento,
       tipo_cambio = EXCLUDED.tipo_cambio, metodo_pago = EXCLUDED.metodo_pago,
       forma_pago = EXCLUDED.forma_pago, uso_cfdi = EXCLUDED.uso_cfdi,
       lugar_expedicion = EXCLUDED.lugar_expedicion, complementos = EXCLUDED.complementos,
       updated_at = now()`,
    [
      solicitud.tenantId,
      solicitud.rfc,
      document.uuid,
      document.tipoDocumento,
      document.version || null,
      document.tipoComprobante || null,
      document.serie || null,
      document.folio || null,
      satDate(document.fecha),
      satDate(document.fechaTimbrado),
      document.rfcEmisor || null,
      document.nombreEmisor || null,
      document.rfcReceptor || null,
      document.nombreReceptor || null,
      decimalOrNull(document.total),
      document.moneda || null,
      paquete.id,
      entry.name,
      entry.offset,
      entry.compressedSize,
      entry.size,
      entry.compressionMethod,
      entry.crc32,
      decimalOrNull(document.subTotal),
      decimalOrNull(document.descuento),
      decimalOrNull(document.tipoCambio),
      document.metodoPago || null,
      document.formaPago || null,
      document.usoCfdi || null,
      document.lugarExpedicion || null,
      document.complementos.length > 0 ? [...document.complementos] : null,
    ],
  );
}
