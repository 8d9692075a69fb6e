import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { ZipFile } from 'yazl';
import {
  Contribuyente,
  Paquete,
  SatRequest,
  Solicitud,
  Tenant,
  type ContextoColumn,
  type EstadoPaquete,
  type TipoDocumentoColumn,
  type TipoSolicitudColumn,
} from '../../src/db';
import { Corpus, type CorpusDocument } from '../../src/sat-simulator/corpus';
import { buildPackage } from '../../src/sat-simulator/package-builder';
import type { ObjectStore } from '../../src/storage';

export interface PackageToStore {
  readonly tenantId: string;
  readonly rfc: string;
  readonly idPaquete: string;
  readonly contexto: ContextoColumn;
  readonly tipoSolicitud: TipoSolicitudColumn;
  readonly tipoDocumento?: TipoDocumentoColumn;
  /** Start of the solicitud's period (the exported layout's year comes from it). */
  readonly fechaInicial: Date;
  readonly storedAt: Date;
  readonly estado?: EstadoPaquete;
  /** The ZIP bytes; absent for a package not stored yet (Pendiente, Error). */
  readonly zip?: Readable;
}

export interface StoredPackage {
  readonly paqueteId: string;
  readonly idPaquete: string;
  readonly objectKey: string | null;
  readonly size: number;
  readonly sha256: string;
}

/** A tenant, created with its slug as name. */
export async function createTenant(dataSource: DataSource, slug: string): Promise<Tenant> {
  return dataSource.getRepository(Tenant).save({ slug, nombre: slug });
}

async function contribuyenteOf(dataSource: DataSource, tenantId: string, rfc: string): Promise<string> {
  const repository = dataSource.getRepository(Contribuyente);
  const found = await repository.findOneBy({ tenantId, rfc });
  return (found ?? (await repository.save({ tenantId, rfc, nombre: `CONTRIBUYENTE ${rfc}` }))).id;
}

/**
 * A package as the pipeline leaves it: the ZIP streamed into the object store under the pipeline's key
 * shape, and the solicitud, SAT request and paquete rows that describe it (Almacenado by default).
 */
export async function storePackage(
  dataSource: DataSource,
  store: ObjectStore,
  item: PackageToStore,
): Promise<StoredPackage> {
  const contribuyenteId = await contribuyenteOf(dataSource, item.tenantId, item.rfc);
  const fechaFinal = new Date(item.fechaInicial.getTime() + 28 * 86_400_000);
  const solicitud = await dataSource.getRepository(Solicitud).save({
    tenantId: item.tenantId,
    contribuyenteId,
    rfc: item.rfc,
    contexto: item.contexto,
    tipoSolicitud: item.tipoSolicitud,
    tipoDocumento: item.tipoDocumento ?? 'CFDI',
    fechaInicial: item.fechaInicial,
    fechaFinal,
    filtrosKey: createHash('sha256').update(item.idPaquete).digest('hex'),
    estado: 'Completada',
  });
  const satRequest = await dataSource
    .getRepository(SatRequest)
    .save({ solicitudId: solicitud.id, periodoInicio: item.fechaInicial, periodoFin: fechaFinal });
  let stored: { key: string; size: number; sha256: string } | undefined;
  if (item.zip) {
    const key = `tenants/${item.tenantId}/${item.rfc}/${item.fechaInicial.getUTCFullYear()}/${solicitud.id}/${item.idPaquete}.zip`;
    stored = await store.put(key, item.zip, { contentType: 'application/zip' });
  }
  const paquete = await dataSource.getRepository(Paquete).save({
    tenantId: item.tenantId,
    solicitudId: solicitud.id,
    satRequestId: satRequest.id,
    idPaquete: item.idPaquete,
    estado: item.estado ?? (stored ? 'Almacenado' : 'Pendiente'),
    objectKey: stored?.key ?? null,
    tamano: stored?.size ?? null,
    sha256: stored?.sha256 ?? null,
    storedAt: stored ? item.storedAt : null,
  });
  return {
    paqueteId: paquete.id,
    idPaquete: item.idPaquete,
    objectKey: stored?.key ?? null,
    size: stored?.size ?? 0,
    sha256: stored?.sha256 ?? '',
  };
}

/** The simulator's synthetic documents of an RFC in [start, end), those it issued or received. */
export function corpusDocuments(
  rfc: string,
  contexto: ContextoColumn,
  start: Date,
  end: Date,
  options: { servicio?: 'cfdi' | 'retenciones'; documentsPerDay?: number } = {},
): CorpusDocument[] {
  const corpus = new Corpus({ documentsPerDay: options.documentsPerDay ?? 8, seed: 'cli-export' });
  return [...corpus.documents(rfc, options.servicio ?? 'cfdi', start, end)].filter((document) =>
    contexto === 'Emitidos' ? document.rfcEmisor === rfc : document.rfcReceptor === rfc,
  );
}

/** A package exactly as SAT (the simulator) builds it: one XML per document, or the metadata text. */
export function simulatorPackage(
  idPaquete: string,
  kind: 'CFDI' | 'Metadata',
  documents: readonly CorpusDocument[],
): Readable {
  return buildPackage({ idPaquete, kind, documents: () => documents, quirks: false });
}

/** A ZIP of the given entries, for packages the simulator would never build (a damaged document). */
export function zipOf(entries: readonly { name: string; content: string | Buffer }[]): Readable {
  const zip = new ZipFile();
  for (const entry of entries) zip.addBuffer(Buffer.from(entry.content), entry.name);
  zip.end();
  return zip.outputStream as Readable;
}
