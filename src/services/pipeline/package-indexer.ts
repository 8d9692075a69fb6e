import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DataSource } from 'typeorm';
import { Paquete, Solicitud, type Queryable } from '../../db';
import {
  ConflictError,
  NotFoundError,
  SatError,
  generalErrors,
  satErrors,
  storageErrors,
} from '../../errors';
import {
  readCfdiPackage,
  readMetadataPackage,
  type CfdiHeader,
  type EncodingFallback,
  type MetadataEvent,
  type PackageEntry,
} from '../../sat';
import { pagoRows, replacePagos } from '../pagos';
import type { PackageStore } from '../ports/package-store';
import type { SolicitudEventSink } from '../ports/solicitud-events';
import { MetadataLoader, metadataRecord, satDate, type MetadataRecord } from './metadata-loader';
import { recordProgress } from './progress-recorder';

/** An amount as written, when it is one a numeric column takes; otherwise nothing rather than a failure. */
function decimalOrNull(text: string): string | null {
  return /^-?\d{1,18}(\.\d+)?$/.test(text) ? text : null;
}

/** Problems (and recoded entries) listed by name in the package's message; the count covers them all. */
const LISTED = 5;

/** Separates the package message's parts (custody note, unreadable entries, records, encoding). */
const PART_SEPARATOR = ' | ';

function listed(items: readonly string[], count: number, separator: string): string {
  const more = count > items.length ? ` (y ${count - items.length} más)` : '';
  return `${items.join(separator)}${more}`;
}

/** What could not be indexed, kept on the package so nobody has to dig through logs to learn it. */
class ProblemLog {
  private readonly listed: string[] = [];
  count = 0;

  add(where: string, reason: string): void {
    this.count += 1;
    if (this.listed.length < LISTED) this.listed.push(`${where}: ${reason}`);
  }

  summary(): string | null {
    if (this.count === 0) return null;
    return `${this.count} registro(s) no indexado(s): ${listed(this.listed, this.count, '; ')}`;
  }
}

/**
 * Everything a package's indexing has to say, reduced to its `codigo` and `mensaje`: whole entries
 * that could not be read (DM-520x, the first one's code wins), records that could not be (the existing
 * count), and entries read as Windows-1252 (DM-5205, the code only when nothing worse happened).
 */
class PackageReport {
  readonly records = new ProblemLog();
  /** Metadata rows and XML documents read into the index. */
  documents = 0;
  private code: string | null = null;
  private readonly entries: string[] = [];
  private entryCount = 0;
  private readonly recoded = { metadata: [] as string[], XML: [] as string[] };
  private readonly recodedCount = { metadata: 0, XML: 0 };

  /** Forgets what was found: the package is being read again from its start. */
  restart(): void {
    Object.assign(this, new PackageReport());
  }

  unreadable(error: SatError): void {
    this.code ??= error.code;
    this.entryCount += 1;
    if (this.entries.length < LISTED) this.entries.push(error.messageEs);
  }

  windows1252(contenido: 'metadata' | 'XML', entry: string, fallback: Readonly<EncodingFallback>): void {
    this.recodedCount[contenido] += 1;
    if (this.recoded[contenido].length >= LISTED) return;
    // Only an entry that mixes both needs saying where; otherwise all of it reads as Windows-1252.
    const where = fallback.utf8Before
      ? ` (desde la línea ${fallback.line ?? `del byte ${fallback.byte}`}; antes UTF-8)`
      : '';
    this.recoded[contenido].push(`${entry}${where}`);
  }

  codigo(): string | null {
    if (this.code) return this.code;
    return this.recodedCount.metadata + this.recodedCount.XML > 0 ? satErrors.textNotUtf8.code : null;
  }

  /** `previous` is what the package already said (a damaged ZIP kept on SAT's last download). */
  mensaje(previous: string | null): string | null {
    const parts = [previous, this.entryCount > 0 ? listed(this.entries, this.entryCount, '; ') : null];
    parts.push(this.records.summary());
    for (const contenido of ['metadata', 'XML'] as const) {
      if (this.recodedCount[contenido] === 0) continue;
      const entries = listed(this.recoded[contenido], this.recodedCount[contenido], ', ');
      parts.push(new SatError(satErrors.textNotUtf8, { params: { contenido, entries } }).messageEs);
    }
    const text = parts.filter((part): part is string => !!part).join(PART_SEPARATOR);
    return text || null;
  }
}

/** The problem an unreadable metadata entry (or a package without any) is reported with. */
function entryProblem(event: MetadataEvent): SatError | undefined {
  switch (event.kind) {
    case 'unreadableEntry': {
      const definition = {
        withoutHeader: satErrors.metadataWithoutHeader,
        unknownHeader: satErrors.metadataUnknownHeader,
        recordTooLong: satErrors.metadataRecordTooLong,
      }[event.problem];
      return new SatError(definition, {
        params: { entry: event.entry, line: event.line, found: event.found },
      });
    }
    case 'noMetadata': {
      const described = event.entries.map(({ entry, found }) => (found ? `${entry}: "${found}"` : entry));
      const entries = event.total === 0 ? 'el ZIP no tiene archivos' : listed(described, event.total, '; ');
      return new SatError(satErrors.metadataMissing, { params: { entries } });
    }
    default:
      return undefined;
  }
}

/** What indexing a package again found (`reindexar`). */
export interface ReindexedPackage {
  /** Metadata rows or XML documents indexed. */
  readonly documentos: number;
  /** Entries and records that could not be indexed (and entries read as Windows-1252); null if none. */
  readonly problemas: string | null;
}

/**
 * Reads a stored package back with the SAT client's package readers and indexes it: metadata rows
 * into cfdi_metadata, the header of every CFDI/Retenciones XML into cfdi_documents (with the entry it
 * lives in). Upserts, so a package indexed twice changes nothing. The package is copied to a temporary
 * file first because ZIP entries are located from the end of the file; memory stays bounded by one
 * entry. Nothing is dropped silently: records that cannot be read are counted and described on the
 * package, a metadata file whose header is missing or unknown (or a package that cannot be opened)
 * gives the package a DM-520x / DM-5006 `codigo` and a `mensaje` naming the file and line, and a file
 * read as Windows-1252 because it was not UTF-8 is named too (DM-5205). The package still ends
 * Indexado: its bytes stay stored and downloadable as SAT sent them (SAT would send the same again),
 * and the solicitud completes, with the problem on the package instead of rows missing in silence.
 */
export class PackageIndexer {
  private readonly metadata: MetadataLoader;
  private readonly events: SolicitudEventSink | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: PackageStore,
    /** `events` hears of the solicitud's estado changing once its last package is indexed. */
    options: { readonly events?: SolicitudEventSink } = {},
  ) {
    this.metadata = new MetadataLoader(dataSource);
    this.events = options.events;
  }

  async indexar(paqueteId: string): Promise<void> {
    const paquete = await this.dataSource.getRepository(Paquete).findOneBy({ id: paqueteId });
    if (paquete?.estado === 'Indexado') {
      // A worker that died between marking the package and recording the solicitud's progress left the
      // job to run again: the progress is recorded now (it is recomputed, so recording twice is harmless),
      // or the solicitud would wait for an index that is already there.
      await recordProgress(this.dataSource, paquete.solicitudId, this.events);
      return;
    }
    if (!paquete || paquete.estado !== 'Almacenado' || !paquete.objectKey) return;
    const solicitud = await this.solicitudOf(paquete);
    const report = new PackageReport();
    try {
      await this.read(paquete.objectKey, solicitud, paquete, report);
    } catch (error) {
      // The stored bytes were verified, so a ZIP that cannot be opened now never will be (a damaged
      // package kept on SAT's last download): retrying would loop; it is said on the package instead.
      if (!(error instanceof SatError) || error.code !== satErrors.packageUnreadable.code) throw error;
      report.unreadable(error);
    }
    await this.dataSource.getRepository(Paquete).update(
      { id: paquete.id },
      {
        estado: 'Indexado',
        indexedAt: new Date(),
        codigo: report.codigo() ?? paquete.codigo,
        mensaje: report.mensaje(paquete.mensaje),
      },
    );
    await recordProgress(this.dataSource, solicitud.id, this.events);
  }

  /**
   * Indexes an Indexado package again with today's readers (`descarga-masiva reindex`): its rows are
   * replaced through the same path as `indexar` (upserts; a payment CFDI's payment rows rewritten), while
   * the package (estado, dates, codigo, mensaje) and its solicitud stay as they are and nobody is
   * notified: the package's own story did not change, and its message would otherwise repeat on every
   * run. What the readers found is returned instead. Unlike `indexar`, an object missing from storage or
   * a ZIP that cannot be opened throws, so the caller reports the package as not re-indexed.
   */
  async reindexar(paqueteId: string): Promise<ReindexedPackage> {
    const paquete = await this.dataSource.getRepository(Paquete).findOneBy({ id: paqueteId });
    if (!paquete)
      throw new NotFoundError(generalErrors.notFound, { params: { entity: 'paquete', id: paqueteId } });
    if (paquete.estado !== 'Indexado' || !paquete.objectKey)
      throw new ConflictError(storageErrors.reindexPackageNotIndexed, {
        params: { idPaquete: paquete.idPaquete, estado: paquete.estado },
      });
    const report = new PackageReport();
    await this.read(paquete.objectKey, await this.solicitudOf(paquete), paquete, report);
    return { documentos: report.documents, problemas: report.mensaje(null) };
  }

  private async solicitudOf(paquete: Paquete): Promise<Solicitud> {
    return this.dataSource.getRepository(Solicitud).findOneByOrFail({ id: paquete.solicitudId });
  }

  /** Copies the stored ZIP to a temporary file (entries are located from its end) and indexes it. */
  private async read(
    objectKey: string,
    solicitud: Solicitud,
    paquete: Paquete,
    report: PackageReport,
  ): Promise<void> {
    const directory = await mkdtemp(path.join(tmpdir(), 'dm-index-'));
    try {
      const file = path.join(directory, 'paquete.zip');
      await pipeline(await this.store.get(objectKey), createWriteStream(file));
      if (solicitud.tipoSolicitud === 'Metadata') await this.indexMetadata(file, solicitud, paquete, report);
      else await this.indexDocuments(file, solicitud, paquete, report);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }

  private async indexMetadata(
    file: string,
    solicitud: Solicitud,
    paquete: Paquete,
    report: PackageReport,
  ): Promise<void> {
    // The loader may read the package twice (a direct COPY that met a stored UUID is retried through
    // the staging table): each pass starts the report afresh, so it says what the loaded pass found.
    // Nothing else has written to this report yet (indexar and reindexar make one per reading).
    async function* records(): AsyncGenerator<MetadataRecord> {
      report.restart();
      for await (const event of readMetadataPackage(file, paquete.idPaquete)) {
        if (event.kind === 'row') {
          const record = metadataRecord(event.row);
          if ('problem' in record) report.records.add(`${event.entry} línea ${event.line}`, record.problem);
          else {
            report.documents += 1;
            yield record;
          }
        } else if (event.kind === 'problem')
          report.records.add(`${event.entry} línea ${event.line}`, event.reason);
        else if (event.kind === 'encoding') report.windows1252('metadata', event.entry, event.fallback);
        else {
          const problem = entryProblem(event);
          if (problem) report.unreadable(problem);
        }
      }
    }
    await this.metadata.load(records, {
      tenantId: solicitud.tenantId,
      rfc: solicitud.rfc,
      tipoDocumento: solicitud.tipoDocumento,
      paqueteId: paquete.id,
      contexto: solicitud.contexto,
      from: solicitud.fechaInicial,
      to: solicitud.fechaFinal,
    });
  }

  private async indexDocuments(
    file: string,
    solicitud: Solicitud,
    paquete: Paquete,
    report: PackageReport,
  ): Promise<void> {
    for await (const event of readCfdiPackage(file, paquete.idPaquete)) {
      if (event.kind === 'problem') report.records.add(event.entry.name, event.reason);
      else {
        if (event.fallback) report.windows1252('XML', event.entry.name, event.fallback);
        await this.indexDocument(event.document, event.entry, solicitud, paquete, report);
        report.documents += 1;
      }
    }
  }

  /**
   * The document's header; for a payment CFDI also its payment rows, replacing those of an earlier
   * indexing, in the header's transaction so the two never disagree.
   */
  private async indexDocument(
    document: CfdiHeader,
    entry: PackageEntry,
    solicitud: Solicitud,
    paquete: Paquete,
    report: PackageReport,
  ): Promise<void> {
    if (!document.pagos && document.tipoComprobante !== 'P')
      return this.upsertDocument(this.dataSource, document, entry, solicitud, paquete);
    const rows = pagoRows(document.pagos ?? []);
    for (const problem of rows.problems) report.records.add(entry.name, problem);
    await this.dataSource.transaction(async (manager) => {
      await this.upsertDocument(manager, document, entry, solicitud, paquete);
      const key = { tenantId: solicitud.tenantId, rfc: solicitud.rfc, uuid: document.uuid };
      await replacePagos(manager, key, rows);
    });
  }

  private async upsertDocument(
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
}
