import type { DataSource } from 'typeorm';
import { Paquete } from '../entities/paquete.entity';
import { SatRequest } from '../entities/sat-request.entity';
import { SolicitudEstado } from '../entities/solicitud-estado.entity';
import { Solicitud } from '../entities/solicitud.entity';
import { jsonRowReader, poolOf, runStatement } from '../pool';
import { isUuid } from './lookups';

/** A solicitud with its SAT requests (by parte), packages (by SAT IdPaquete) and history (oldest first). */
export interface SolicitudRecord {
  readonly solicitud: Solicitud;
  readonly satRequests: SatRequest[];
  readonly paquetes: Paquete[];
  readonly historial: SolicitudEstado[];
}

/**
 * One round trip for the whole record: the three children come back as JSON arrays of the same
 * statement (each through its own index on solicitud_id), where four statements used to queue for the
 * pool one after another under load.
 */
export const SOLICITUD_DETAIL_SQL = `
SELECT row_to_json(s) AS solicitud,
  (SELECT coalesce(json_agg(r ORDER BY r.parte, r.created_at, r.id), '[]')
     FROM sat_requests r WHERE r.solicitud_id = s.id) AS sat_requests,
  (SELECT coalesce(json_agg(p ORDER BY p.id_paquete), '[]')
     FROM paquetes p WHERE p.tenant_id = s.tenant_id AND p.solicitud_id = s.id) AS paquetes,
  (SELECT coalesce(json_agg(h ORDER BY h.at, h.id), '[]')
     FROM solicitud_estados h WHERE h.solicitud_id = s.id) AS historial
FROM solicitudes s
WHERE s.id = $1 AND s.tenant_id = $2`;

interface DetailRow {
  solicitud: Record<string, unknown>;
  sat_requests: Record<string, unknown>[];
  paquetes: Record<string, unknown>[];
  historial: Record<string, unknown>[];
}

/** Reads solicitud records of any tenant it is asked for; built once per data source. */
export class SolicitudDetailReader {
  private readonly solicitud;
  private readonly satRequest;
  private readonly paquete;
  private readonly estado;

  constructor(private readonly dataSource: DataSource) {
    this.solicitud = jsonRowReader(dataSource, Solicitud);
    this.satRequest = jsonRowReader(dataSource, SatRequest);
    this.paquete = jsonRowReader(dataSource, Paquete);
    this.estado = jsonRowReader(dataSource, SolicitudEstado);
  }

  /** Null for a missing id, a malformed one and another tenant's, alike. */
  async find(tenantId: string, id: string): Promise<SolicitudRecord | null> {
    if (!isUuid(id)) return null;
    const [row] = await runStatement<DetailRow>(
      poolOf(this.dataSource),
      'solicitud-detail',
      SOLICITUD_DETAIL_SQL,
      [id, tenantId],
    );
    if (!row) return null;
    return {
      solicitud: this.solicitud(row.solicitud),
      satRequests: row.sat_requests.map(this.satRequest),
      paquetes: row.paquetes.map(this.paquete),
      historial: row.historial.map(this.estado),
    };
  }
}
