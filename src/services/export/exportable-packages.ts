import type { DataSource } from 'typeorm';
import type { ContextoColumn, TipoDocumentoColumn, TipoSolicitudColumn } from '../../db';

/** A stored package and what the export needs to name, fetch and verify it. */
export interface ExportablePackage {
  readonly paqueteId: string;
  readonly idPaquete: string;
  readonly rfc: string;
  readonly contexto: ContextoColumn;
  readonly tipoSolicitud: TipoSolicitudColumn;
  readonly tipoDocumento: TipoDocumentoColumn;
  /** Start of the solicitud's period; null for a request by Uuid. */
  readonly fechaInicial: Date | null;
  /** FechaRegistro of the solicitud. */
  readonly registeredAt: Date;
  readonly storedAt: Date | null;
  readonly objectKey: string;
  readonly size: number;
  /** Lower-case hex, recorded while the package streamed into storage. */
  readonly sha256: string;
}

export interface ExportSelection {
  readonly tenantId: string;
  /** Only packages of this RFC (upper case). */
  readonly rfc?: string | undefined;
  /** Only packages stored (FechaAlmacenado) at or after this instant. */
  readonly since?: Date | undefined;
}

interface Row {
  paquete_id: string;
  id_paquete: string;
  rfc: string;
  contexto: ContextoColumn;
  tipo_solicitud: TipoSolicitudColumn;
  tipo_documento: TipoDocumentoColumn;
  fecha_inicial: Date | null;
  registered_at: Date;
  stored_at: Date | null;
  object_key: string;
  tamano: string;
  sha256: string;
}

/**
 * The tenant's packages whose bytes are in storage (Almacenado or Indexado), oldest stored first so
 * a later `--since` run picks up exactly where the stored dates go on. Both tables are filtered by
 * tenant: another tenant's package never appears, whatever the RFC.
 */
export async function findExportablePackages(
  dataSource: DataSource,
  selection: ExportSelection,
): Promise<ExportablePackage[]> {
  const parameters: unknown[] = [selection.tenantId];
  let filters = '';
  if (selection.rfc !== undefined) {
    parameters.push(selection.rfc);
    filters += ` AND s.rfc = $${parameters.length}`;
  }
  if (selection.since !== undefined) {
    parameters.push(selection.since);
    filters += ` AND p.stored_at >= $${parameters.length}`;
  }
  const rows = await dataSource.query<Row[]>(
    `SELECT p.id AS paquete_id, p.id_paquete, s.rfc, s.contexto, s.tipo_solicitud, s.tipo_documento,
            s.fecha_inicial, s.created_at AS registered_at, p.stored_at, p.object_key, p.tamano, p.sha256
       FROM paquetes p
       JOIN solicitudes s ON s.id = p.solicitud_id AND s.tenant_id = p.tenant_id
      WHERE p.tenant_id = $1 AND p.estado IN ('Almacenado', 'Indexado')
        AND p.object_key IS NOT NULL AND p.sha256 IS NOT NULL AND p.tamano IS NOT NULL${filters}
      ORDER BY p.stored_at NULLS FIRST, p.id_paquete`,
    parameters,
  );
  return rows.map((row) => ({
    paqueteId: row.paquete_id,
    idPaquete: row.id_paquete,
    rfc: row.rfc,
    contexto: row.contexto,
    tipoSolicitud: row.tipo_solicitud,
    tipoDocumento: row.tipo_documento,
    fechaInicial: row.fecha_inicial,
    registeredAt: row.registered_at,
    storedAt: row.stored_at,
    objectKey: row.object_key,
    size: Number(row.tamano),
    sha256: row.sha256,
  }));
}
