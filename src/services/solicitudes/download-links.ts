import type { DataSource } from 'typeorm';
import { findPaquete, findSolicitud } from '../../db';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  generalErrors,
  solicitudesErrors,
} from '../../errors';
import type { ObjectStore } from '../../storage';

export interface DownloadLink {
  readonly url: string;
  readonly expiresAt: Date;
  readonly size: number;
  readonly sha256: string;
  readonly fileName: string;
}

export const MIN_TTL = 60;
export const MAX_TTL = 7 * 24 * 3600;

/** Time-limited links to stored packages, for the caller's own tenant only. */
export class DownloadLinkService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: ObjectStore,
    private readonly defaultTtlSeconds: number,
  ) {}

  async linkFor(
    tenantId: string,
    idSolicitud: string,
    idPaquete: string,
    ttlSeconds?: number,
    /** How the caller's contract names the lifetime, for the error that refuses it. */
    ttlField = 'VigenciaSegundos',
  ): Promise<DownloadLink> {
    const ttl = ttlSeconds ?? this.defaultTtlSeconds;
    if (!Number.isInteger(ttl) || ttl < MIN_TTL || ttl > MAX_TTL) {
      throw new ValidationError(generalErrors.fieldInvalid, {
        params: { field: ttlField, reason: `between ${MIN_TTL} and ${MAX_TTL}` },
      });
    }
    const solicitud = await findSolicitud(this.dataSource.manager, tenantId, idSolicitud.trim());
    if (!solicitud) throw new NotFoundError(solicitudesErrors.solicitudNotFound, { params: { idSolicitud } });
    // SAT writes package ids in either case (lower in its samples, upper in production).
    const wanted = idPaquete.trim();
    const paquete =
      (await findPaquete(this.dataSource.manager, tenantId, solicitud.id, wanted)) ??
      (await findPaquete(this.dataSource.manager, tenantId, solicitud.id, wanted.toUpperCase())) ??
      (await findPaquete(this.dataSource.manager, tenantId, solicitud.id, wanted.toLowerCase()));
    if (!paquete)
      throw new NotFoundError(solicitudesErrors.paqueteNotFound, { params: { idSolicitud, idPaquete } });
    if ((paquete.estado !== 'Almacenado' && paquete.estado !== 'Indexado') || !paquete.objectKey) {
      throw new ConflictError(solicitudesErrors.paqueteNotStored, {
        params: { idPaquete, estado: paquete.estado },
      });
    }
    const fileName = `${paquete.idPaquete}.zip`;
    const link = await this.store.link(paquete.objectKey, { ttlSeconds: ttl, fileName });
    await this.dataSource.query('UPDATE paquetes SET link_count = link_count + 1 WHERE id = $1', [
      paquete.id,
    ]);
    return {
      url: link.url,
      expiresAt: link.expiresAt,
      size: Number(paquete.tamano),
      sha256: paquete.sha256 ?? '',
      fileName,
    };
  }
}
