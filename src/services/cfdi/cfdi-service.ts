import { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { Paquete, isUuid, searchCfdi, type CfdiSearchRow, type Page } from '../../db';
import { ConflictError, NotFoundError, invalidField, solicitudesErrors } from '../../errors';
import type { ObjectStore } from '../../storage';
import { PagosService, type PagoCfdi, type PagosDeDocumento } from '../pagos';
import { cfdiFilters, type CfdiSearchCriteria } from './cfdi-criteria';
import { readPackageEntry } from './package-entry';

export interface RetrievedCfdi {
  readonly uuid: string;
  readonly fileName: string;
  /** The XML itself (Formato Base64). */
  readonly xml?: Buffer;
  /** A time-limited link to it (Formato Link). */
  readonly url?: string;
  readonly expiresAt?: Date;
}

/** What the index knows of one UUID: a row per RFC of the tenant that downloaded it. */
export interface CfdiDocument {
  readonly uuid: string;
  /** The row holding the XML first, when one does. */
  readonly rows: readonly CfdiSearchRow[];
  /** The stored package the XML is read from, when held. */
  readonly paquete?: { readonly idPaquete: string; readonly solicitudId: string };
  /**
   * Its payments: for a payment CFDI (type P) the invoices its complement settles; for any other, the
   * payments that settle it, when some do or when it was issued to be paid in partialities (PPD).
   */
  readonly pagos?:
    | { readonly kind: 'pago'; readonly pago: PagoCfdi }
    | { readonly kind: 'factura'; readonly factura: PagosDeDocumento };
}

type PaymentsLookup = Pick<PagosService, 'forInvoice' | 'forPayment'>;

/**
 * The CFDI a tenant has downloaded: searched in the index (metadata and XML headers together), and one
 * document's XML read out of its stored package with two ranged reads (its local ZIP header, then its
 * compressed bytes), never the whole package.
 */
export class CfdiService {
  private readonly payments: PaymentsLookup;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: ObjectStore,
    private readonly defaultLinkTtlSeconds: number,
    payments?: PaymentsLookup,
  ) {
    this.payments = payments ?? new PagosService(dataSource);
  }

  async search(tenantId: string, criteria: CfdiSearchCriteria): Promise<Page<CfdiSearchRow>> {
    return searchCfdi(this.dataSource, tenantId, {
      filters: cfdiFilters(criteria),
      ...(criteria.orden
        ? { order: [{ field: criteria.orden.campo, direction: criteria.orden.direccion ?? 'ASC' }] }
        : {}),
      page: { page: criteria.pagina ?? 1, pageSize: criteria.tamanoPagina ?? 50 },
    });
  }

  /**
   * One UUID of this tenant as the index knows it. A malformed UUID and another tenant's answer
   * exactly like a missing one (not found).
   */
  async document(tenantId: string, uuid: string): Promise<CfdiDocument> {
    const wanted = uuid.trim().toLowerCase();
    const missing = new NotFoundError(solicitudesErrors.cfdiNotFound, { params: { uuid: wanted } });
    if (!isUuid(wanted)) throw missing;
    const { rows } = await this.search(tenantId, { uuid: wanted, tamanoPagina: 20 });
    if (rows.length === 0) throw missing;
    const ordered = [...rows].sort((a, b) => Number(b.paqueteId !== null) - Number(a.paqueteId !== null));
    const paqueteId = ordered[0]?.paqueteId;
    const paquete = paqueteId
      ? await this.dataSource.getRepository(Paquete).findOneBy({ id: paqueteId, tenantId })
      : null;
    const pagos = await this.paymentsOf(tenantId, wanted, ordered);
    return {
      uuid: wanted,
      rows: ordered,
      ...(paquete ? { paquete: { idPaquete: paquete.idPaquete, solicitudId: paquete.solicitudId } } : {}),
      ...(pagos ? { pagos } : {}),
    };
  }

  private async paymentsOf(
    tenantId: string,
    uuid: string,
    rows: readonly CfdiSearchRow[],
  ): Promise<CfdiDocument['pagos']> {
    if (rows.some((row) => (row.tipoComprobante ?? row.efecto) === 'P'))
      return { kind: 'pago', pago: await this.payments.forPayment(tenantId, uuid) };
    const factura = await this.payments.forInvoice(tenantId, uuid);
    const partialities = rows.some((row) => row.metodoPago === 'PPD');
    return factura.parcialidades.length > 0 || partialities ? { kind: 'factura', factura } : undefined;
  }

  async retrieve(
    tenantId: string,
    uuid: string,
    formato: 'Base64' | 'Link' = 'Base64',
  ): Promise<RetrievedCfdi> {
    const wanted = uuid.trim().toLowerCase();
    if (!isUuid(wanted)) throw invalidField('Uuid', 'must be a UUID');
    const [held] = await this.dataSource.query<
      {
        objectKey: string | null;
        entryName: string;
        entryOffset: string;
        compressedSize: string;
        size: string;
        method: number;
        crc32: string;
      }[]
    >(
      `SELECT p.object_key AS "objectKey", d.entry_name AS "entryName", d.entry_offset::text AS "entryOffset",
              d.entry_compressed_size::text AS "compressedSize", d.entry_size::text AS "size",
              d.entry_compression_method AS "method", d.entry_crc32::text AS "crc32"
         FROM cfdi_documents d JOIN paquetes p ON p.id = d.paquete_id
        WHERE d.tenant_id = $1 AND d.uuid = $2::uuid AND p.tenant_id = $1 AND p.object_key IS NOT NULL
        ORDER BY d.updated_at DESC LIMIT 1`,
      [tenantId, wanted],
    );
    if (!held?.objectKey) {
      const [metadata] = await this.dataSource.query<unknown[]>(
        `SELECT 1 FROM cfdi_metadata WHERE tenant_id = $1 AND uuid = $2::uuid LIMIT 1`,
        [tenantId, wanted],
      );
      if (metadata) throw new ConflictError(solicitudesErrors.cfdiXmlNotHeld, { params: { uuid: wanted } });
      throw new NotFoundError(solicitudesErrors.cfdiNotFound, { params: { uuid: wanted } });
    }
    const fileName = `${wanted}.xml`;
    const xml = await readPackageEntry(this.store, wanted, {
      objectKey: held.objectKey,
      offset: Number(held.entryOffset),
      compressedSize: Number(held.compressedSize),
      size: Number(held.size),
      method: held.method,
      crc32: Number(held.crc32),
    });
    if (formato === 'Base64') return { uuid: wanted, fileName, xml };
    // A link needs an object of its own: the XML is kept next to its package, once.
    const key = `${held.objectKey.replace(/\/[^/]+$/, '')}/cfdi/${fileName}`;
    if (!(await this.store.stat(key)))
      await this.store.put(key, Readable.from([xml]), { contentType: 'application/xml' });
    const link = await this.store.link(key, { ttlSeconds: this.defaultLinkTtlSeconds, fileName });
    return { uuid: wanted, fileName, url: link.url, expiresAt: link.expiresAt };
  }
}
