import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DataSource } from 'typeorm';
import { Paquete, Solicitud } from '../../db';
import {
  ConflictError,
  NotFoundError,
  SatError,
  generalErrors,
  satErrors,
  storageErrors,
} from '../../errors';
import { readCfdiPackage, readMetadataPackageBatches, type CfdiHeader, type PackageEntry } from '../../sat';
import { pagoRows, replacePagos } from '../pagos';
import type { PackageStore } from '../ports/package-store';
import type { SolicitudEventSink } from '../ports/solicitud-events';
import { upsertCfdiDocument } from './cfdi-document-upsert';
import { MetadataLoader } from './metadata-loader';
import { metadataRecord, type MetadataRecord } from './metadata-record';
import { PackageReport, entryProblem } from './package-report';
import { recordProgress } from './progress-recorder';

/** What indexing a package again found (`reindex`). */
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

  async index(paqueteId: string): Promise<void> {
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
   * replaced through the same path as `index` (upserts; a payment CFDI's payment rows rewritten), while
   * the package (estado, dates, codigo, mensaje) and its solicitud stay as they are and nobody is
   * notified: the package's own story did not change, and its message would otherwise repeat on every
   * run. What the readers found is returned instead. Unlike `index`, an object missing from storage or
   * a ZIP that cannot be opened throws, so the caller reports the package as not re-indexed.
   */
  async reindex(paqueteId: string): Promise<ReindexedPackage> {
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
    // Nothing else has written to this report yet (index and reindex make one per reading).
    async function* records(): AsyncGenerator<MetadataRecord[]> {
      report.restart();
      for await (const events of readMetadataPackageBatches(file, paquete.idPaquete)) {
        const batch: MetadataRecord[] = [];
        for (const event of events) {
          if (event.kind === 'row') {
            const record = metadataRecord(event.row);
            if ('problem' in record) report.records.add(`${event.entry} línea ${event.line}`, record.problem);
            else {
              report.documents += 1;
              batch.push(record);
            }
          } else if (event.kind === 'problem')
            report.records.add(`${event.entry} línea ${event.line}`, event.reason);
          else if (event.kind === 'encoding') report.windows1252('metadata', event.entry, event.fallback);
          else {
            const problem = entryProblem(event);
            if (problem) report.unreadable(problem);
          }
        }
        if (batch.length > 0) yield batch;
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
      return upsertCfdiDocument(this.dataSource, document, entry, solicitud, paquete);
    const rows = pagoRows(document.pagos ?? []);
    for (const problem of rows.problems) report.records.add(entry.name, problem);
    await this.dataSource.transaction(async (manager) => {
      await upsertCfdiDocument(manager, document, entry, solicitud, paquete);
      const key = { tenantId: solicitud.tenantId, rfc: solicitud.rfc, uuid: document.uuid };
      await replacePagos(manager, key, rows);
    });
  }
}
