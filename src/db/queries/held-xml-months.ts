import type { Queryable } from './ledger';

/** One RFC's month (Mexico City calendar) with XML held, and which sides it holds. */
export interface HeldXmlMonth {
  readonly tenantId: string;
  readonly rfc: string;
  readonly tipoDocumento: 'CFDI' | 'Retenciones';
  /** `yyyy-MM`. */
  readonly month: string;
  readonly emitidos: boolean;
  readonly recibidos: boolean;
}

/**
 * Every tenant's RFC-months with XML held in stored packages, issued in [from, to): what a re-check
 * of statuses must ask SAT's metadata about. A system-wide scan, meant for a job that runs rarely.
 */
export async function findHeldXmlMonths(db: Queryable, from: Date, to: Date): Promise<HeldXmlMonth[]> {
  return db.query<HeldXmlMonth[]>(
    `SELECT d.tenant_id AS "tenantId", d.rfc, d.tipo_documento AS "tipoDocumento",
            to_char(d.fecha AT TIME ZONE 'America/Mexico_City', 'YYYY-MM') AS month,
            bool_or(d.rfc_emisor = d.rfc) AS emitidos,
            bool_or(d.rfc_emisor IS DISTINCT FROM d.rfc) AS recibidos
       FROM cfdi_documents d JOIN paquetes p ON p.id = d.paquete_id AND p.object_key IS NOT NULL
      WHERE d.fecha >= $1 AND d.fecha < $2
      GROUP BY 1, 2, 3, 4
      ORDER BY 1, 2, 3, 4`,
    [from.toISOString(), to.toISOString()],
  );
}
