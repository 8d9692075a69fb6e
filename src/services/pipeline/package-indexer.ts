import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DataSource } from 'typeorm';
import { Paquete, Solicitud } from '../../db';
import { readCfdiPackage, readMetadataPackage, type CfdiHeader, type PackageEntry } from '../../sat';
import type { PackageStore } from '../ports/package-store';
import type { SolicitudEventSink } from '../ports/solicitud-events';
import { MetadataLoader, metadataRecord, satDate, type MetadataRecord } from './metadata-loader';
import { recordProgress } from './progress-recorder';

/** Problems listed by line in the package's message; the count covers them all. */
const PROBLEMS_LISTED = 5;

/** What could not be indexed, kept on the package so nobody has to dig through logs to learn it. */
class ProblemLog {
  private readonly listed: string[] = [];
  count = 0;

  add(where: string, reason: string): void {
    this.count += 1;
    if (this.listed.length < PROBLEMS_LISTED) this.listed.push(`${where}: ${reason}`);
  }

  summary(): string | null {
    if (this.count === 0) return null;
    const more = this.count > this.listed.length ? ` (y ${this.count - this.listed.length} más)` : '';
    return `${this.count} registro(s) no indexado(s): ${this.listed.join('; ')}${more}`;
  }
}

/**
 * Reads a stored package back with the SAT client's package readers and indexes it: metadata rows
 * into cfdi_metadata, the header of every CFDI/Retenciones XML into cfdi_documents (with the entry it
 * lives in). Upserts, so a package indexed twice changes nothing. The package is copied to a temporary
 * file first because ZIP entries are located from the end of the file; memory stays bounded by one
 * entry. Records that cannot be read are counted and described on the package, never dropped silently.
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
    if (!paquete || paquete.estado !== 'Almacenado' || !paquete.objectKey) return;
    const solicitud = await this.dataSource
      .getRepository(Solicitud)
      .findOneByOrFail({ id: paquete.solicitudId });
    const problems = new ProblemLog();
    const directory = await mkdtemp(path.join(tmpdir(), 'dm-index-'));
    try {
      const file = path.join(directory, 'paquete.zip');
      await pipeline(await this.store.get(paquete.objectKey), createWriteStream(file));
      if (solicitud.tipoSolicitud === 'Metadata')
        await this.indexMetadata(file, solicitud, paquete, problems);
      else await this.indexDocuments(file, solicitud, paquete, problems);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
    await this.dataSource
      .getRepository(Paquete)
      .update({ id: paquete.id }, { estado: 'Indexado', indexedAt: new Date(), mensaje: problems.summary() });
    await recordProgress(this.dataSource, solicitud.id, this.events);
  }

  private async indexMetadata(
    file: string,
    solicitud: Solicitud,
    paquete: Paquete,
    problems: ProblemLog,
  ): Promise<void> {
    async function* records(): AsyncGenerator<MetadataRecord> {
      for await (const event of readMetadataPackage(file, paquete.idPaquete)) {
        const record = event.kind === 'row' ? metadataRecord(event.row) : { problem: event.reason };
        if ('problem' in record) problems.add(`${event.entry} línea ${event.line}`, record.problem);
        else yield record;
      }
    }
    await this.metadata.load(records(), {
      tenantId: solicitud.tenantId,
      rfc: solicitud.rfc,
      tipoDocumento: solicitud.tipoDocumento,
      paqueteId: paquete.id,
    });
  }

  private async indexDocuments(
    file: string,
    solicitud: Solicitud,
    paquete: Paquete,
    problems: ProblemLog,
  ): Promise<void> {
    for await (const event of readCfdiPackage(file, paquete.idPaquete)) {
      if (event.kind === 'problem') problems.add(event.entry.name, event.reason);
      else await this.upsertDocument(event.document, event.entry, solicitud, paquete);
    }
  }

  private async upsertDocument(
    document: CfdiHeader,
    entry: PackageEntry,
    solicitud: Solicitud,
    paquete: Paquete,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO cfdi_documents (tenant_id, rfc, uuid, tipo_documento, version, tipo_comprobante, serie, folio, fecha,
         fecha_timbrado, rfc_emisor, nombre_emisor, rfc_receptor, nombre_receptor, total, moneda, paquete_id, entry_name,
         entry_offset, entry_compressed_size, entry_size, entry_compression_method, entry_crc32)
       VALUES ($1, $2, $3::uuid, $4, $5, $6, $7, $8, $9::timestamptz, $10::timestamptz, $11, $12, $13, $14, $15::numeric,
         $16, $17, $18, $19, $20, $21, $22, $23)
       ON CONFLICT (tenant_id, rfc, uuid) DO UPDATE SET paquete_id = EXCLUDED.paquete_id, entry_name = EXCLUDED.entry_name,
         entry_offset = EXCLUDED.entry_offset, updated_at = now()`,
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
        /^-?\d+(\.\d+)?$/.test(document.total) ? document.total : null,
        document.moneda || null,
        paquete.id,
        entry.name,
        entry.offset,
        entry.compressedSize,
        entry.size,
        entry.compressionMethod,
        entry.crc32,
      ],
    );
  }
}
