import { type EntityManager, In } from 'typeorm';
import { Solicitud } from '../entities/solicitud.entity';
import {
  type FieldCatalogue,
  type FilterCondition,
  type Page,
  type PageRequest,
  type SortKey,
  compileFilters,
  compileOrder,
  pageWindow,
  toPage,
} from './list-query';

/**
 * What clients may filter and sort solicitudes by, with our SOAP names. `Periodo` takes `overlaps`
 * (two instants, half-open) and uses the GiST index on the period. `notNull` columns sort without
 * NULLS LAST, so the (tenant, [rfc | estado,] created_at DESC) indexes serve the default order.
 */
export const SOLICITUD_FIELDS: FieldCatalogue = {
  IdSolicitud: { sql: 's.id', type: 'uuid' },
  Rfc: { sql: 's.rfc', type: 'text', sortable: true, notNull: true },
  Estado: { sql: 's.estado', type: 'text', sortable: true, notNull: true },
  Contexto: { sql: 's.contexto', type: 'text', sortable: true, notNull: true },
  TipoSolicitud: { sql: 's.tipo_solicitud', type: 'text', sortable: true, notNull: true },
  TipoDocumento: { sql: 's.tipo_documento', type: 'text', sortable: true, notNull: true },
  ReferenciaCliente: { sql: 's.referencia_cliente', type: 'text', sortable: true },
  FechaRegistro: { sql: 's.created_at', type: 'timestamptz', sortable: true, notNull: true },
  FechaInicial: { sql: 's.fecha_inicial', type: 'timestamptz', sortable: true },
  FechaFinal: { sql: 's.fecha_final', type: 'timestamptz', sortable: true },
  FechaActualizacion: { sql: 's.updated_at', type: 'timestamptz', sortable: true, notNull: true },
  NumeroCFDIs: { sql: 's.numero_cfdis', type: 'integer', sortable: true },
  Periodo: { sql: 'tstzrange(s.fecha_inicial, s.fecha_final)', type: 'period' },
};

export interface SolicitudListQuery {
  readonly filters?: readonly FilterCondition[];
  readonly order?: readonly SortKey[];
  readonly page: PageRequest;
}

const DEFAULT_ORDER: readonly SortKey[] = [{ field: 'FechaRegistro', direction: 'DESC' }];

/**
 * One page of a tenant's solicitudes (newest first unless told otherwise) and the total. Client
 * mistakes (unknown field, operator, value) are ValidationErrors naming the field, never SQL errors.
 * Pass `dataSource.manager` or a transaction's manager.
 */
export async function listSolicitudes(
  manager: EntityManager,
  tenantId: string,
  query: SolicitudListQuery,
): Promise<Page<Solicitud>> {
  const { limit, offset } = pageWindow(query.page);
  const filter = compileFilters(SOLICITUD_FIELDS, query.filters ?? [], [tenantId]);
  const order = compileOrder(SOLICITUD_FIELDS, query.order ?? [], DEFAULT_ORDER, 's.id');
  const where = `s.tenant_id = $1 AND ${filter.where}`;
  const [counted] = await manager.query<{ total: number }[]>(
    `SELECT count(*)::int AS total FROM solicitudes s WHERE ${where}`,
    filter.parameters,
  );
  const page = await manager.query<{ id: string }[]>(
    `SELECT s.id FROM solicitudes s WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
    filter.parameters,
  );
  const ids = page.map((row) => row.id);
  const found = ids.length > 0 ? await manager.getRepository(Solicitud).findBy({ id: In(ids) }) : [];
  const byId = new Map(found.map((row) => [row.id, row]));
  const rows = ids.map((id) => byId.get(id)).filter((row): row is Solicitud => row !== undefined);
  return toPage(rows, counted?.total ?? 0, query.page);
}
