import { Readable } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import type { DataSource } from 'typeorm';
import { searchCfdi, type CfdiSearchRow, type FilterCondition, type Page } from '../../db';
import {
  ConflictError,
  InternalError,
  NotFoundError,
  ValidationError,
  generalErrors,
  solicitudesErrors,
} from '../../errors';
import type { ObjectStore } from '../../storage';
import { fromMexicoWallClock } from '../periods/mexico-time';

/** ConsultarCfdi's Filtro and paging, as strings from the client. */
export interface CfdiSearchCriteria {
  readonly uuid?: string;
  readonly rfcEmisor?: string;
  readonly rfcReceptor?: string;
  readonly fechaDesde?: string;
  readonly fechaHasta?: string;
  readonly efecto?: string;
  readonly estatus?: string;
  readonly orden?: { readonly campo: string; readonly direccion?: 'ASC' | 'DESC' };
  readonly pagina?: number;
  readonly tamanoPagina?: number;
}

export interface RetrievedCfdi {
  readonly uuid: string;
  readonly fileName: string;
  /** The XML itself (Formato Base64). */
  readonly xml?: Buffer;
  /** A time-limited link to it (Formato Link). */
  readonly url?: string;
  readonly expiresAt?: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EFECTOS = ['I', 'E', 'T', 'N', 'P'];
const ESTATUS = ['Vigente', 'Cancelado'];
/** No CFDI comes near this; the same bound the indexer uses. */
const MAX_XML_BYTES = 50 * 1024 * 1024;
const LOCAL_HEADER = 0x04034b50;

function invalid(field: string, reason: string): ValidationError {
  return new ValidationError(generalErrors.fieldInvalid, { params: { field, reason } });
}

function wallClock(field: string, value: string): Date {
  try {
    return fromMexicoWallClock(value);
  } catch {
    throw new ValidationError(solicitudesErrors.dateInvalid, { params: { field, value } });
  }
}

async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      stream.destroy();
      throw new Error(`more than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function filtersOf(criteria: CfdiSearchCriteria): FilterCondition[] {
  const filters: FilterCondition[] = [];
  const uuid = criteria.uuid?.trim();
  if (uuid) {
    if (!UUID.test(uuid)) throw invalid('Uuid', 'must be a UUID');
    filters.push({ field: 'Uuid', operator: '=', value: uuid.toLowerCase() });
  }
  for (const [field, value] of [
    ['RfcEmisor', criteria.rfcEmisor],
    ['RfcReceptor', criteria.rfcReceptor],
  ] as const) {
    if (value?.trim()) filters.push({ field, operator: '=', value: value.trim().toUpperCase() });
  }
  if (criteria.fechaDesde)
    filters.push({
      field: 'FechaEmision',
      operator: '>=',
      value: wallClock('FechaDesde', criteria.fechaDesde),
    });
  if (criteria.fechaHasta) {
    // FechaHasta is inclusive to the second, like SAT's FechaFinal.
    const until = new Date(wallClock('FechaHasta', criteria.fechaHasta).getTime() + 1000);
    filters.push({ field: 'FechaEmision', operator: '<', value: until });
  }
  if (criteria.efecto?.trim()) {
    if (!EFECTOS.includes(criteria.efecto.trim())) throw invalid('Efecto', `one of ${EFECTOS.join(', ')}`);
    filters.push({ field: 'Efecto', operator: '=', value: criteria.efecto.trim() });
  }
  if (criteria.estatus?.trim()) {
    if (!ESTATUS.includes(criteria.estatus.trim())) throw invalid('Estatus', `one of ${ESTATUS.join(', ')}`);
    filters.push({ field: 'Estatus', operator: '=', value: criteria.estatus.trim() });
  }
  return filters;
}

/**
 * The CFDI a tenant has downloaded: searched in the index (metadata and XML headers together), and one
 * document's XML read out of its stored package with two ranged reads (its local ZIP header, then its
 * compressed bytes), never the whole package.
 */
export class CfdiService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: ObjectStore,
    private readonly defaultLinkTtlSeconds: number,
  ) {}

  async search(tenantId: string, criteria: CfdiSearchCriteria): Promise<Page<CfdiSearchRow>> {
    return searchCfdi(this.dataSource, tenantId, {
      filters: filtersOf(criteria),
      ...(criteria.orden
        ? { order: [{ field: criteria.orden.campo, direction: criteria.orden.direccion ?? 'ASC' }] }
        : {}),
      page: { page: criteria.pagina ?? 1, pageSize: criteria.tamanoPagina ?? 50 },
    });
  }

  async retrieve(
    tenantId: string,
    uuid: string,
    formato: 'Base64' | 'Link' = 'Base64',
  ): Promise<RetrievedCfdi> {
    const wanted = uuid.trim().toLowerCase();
    if (!UUID.test(wanted)) throw invalid('Uuid', 'must be a UUID');
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
    const xml = await this.readEntry(wanted, held.objectKey, {
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

  private async readEntry(
    uuid: string,
    objectKey: string,
    entry: { offset: number; compressedSize: number; size: number; method: number; crc32: number },
  ): Promise<Buffer> {
    const unreadable = (detail: string, cause?: unknown): InternalError =>
      new InternalError(solicitudesErrors.cfdiEntryUnreadable, { params: { uuid, detail }, cause });
    if (entry.size > MAX_XML_BYTES) throw unreadable(`${entry.size} bytes`);
    if (entry.method !== 0 && entry.method !== 8) throw unreadable(`compression method ${entry.method}`);
    const header = await readAll(
      await this.store.get(objectKey, { start: entry.offset, end: entry.offset + 29 }),
      30,
    );
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_HEADER)
      throw unreadable('no ZIP entry at its offset');
    const dataStart = entry.offset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    let xml: Buffer;
    try {
      const compressed =
        entry.compressedSize === 0
          ? Readable.from([])
          : await this.store.get(objectKey, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
      xml = await readAll(
        entry.method === 8 ? compressed.pipe(createInflateRaw()) : compressed,
        MAX_XML_BYTES,
      );
    } catch (error) {
      throw unreadable(error instanceof Error ? error.message : String(error), error);
    }
    if (xml.length !== entry.size || crc32(xml) >>> 0 !== entry.crc32 >>> 0)
      throw unreadable('size or CRC-32 does not match the index');
    return xml;
  }
}
