import { In, type DataSource } from 'typeorm';
import {
  type SatRequest,
  SolicitudDetailReader,
  type SolicitudEstado,
  listSolicitudes,
  MAX_PAGE_SIZE,
  type FilterCondition,
  type Page,
  type SortKey,
  type Paquete,
  Solicitud,
  type SolicitudListRow,
} from '../../db';
import { NotFoundError, ValidationError, solicitudesErrors } from '../../errors';
import { fromMexicoWallClockField } from '../periods/mexico-time';

/** Everything about one solicitud, for RecuperarSolicitud and the web detail page. */
export interface SolicitudDetail {
  readonly solicitud: Solicitud;
  readonly satRequests: readonly SatRequest[];
  readonly paquetes: readonly Paquete[];
  readonly historial: readonly SolicitudEstado[];
}

export type SolicitudState = Pick<
  Solicitud,
  'id' | 'estado' | 'numeroCfdis' | 'paquetesAlmacenados' | 'paquetesTotal'
>;

/** The list filters clients send (SOAP Filtro, web query string), as strings. */
export interface SolicitudListCriteria {
  readonly rfc?: string;
  readonly estados?: readonly string[];
  readonly contexto?: string;
  readonly tipoSolicitud?: string;
  readonly tipoDocumento?: string;
  readonly referenciaCliente?: string;
  readonly registradaDesde?: string;
  readonly registradaHasta?: string;
  readonly periodoDesde?: string;
  readonly periodoHasta?: string;
  readonly orden?: { readonly campo: string; readonly direccion?: 'ASC' | 'DESC' };
  readonly pagina?: number;
  readonly tamanoPagina?: number;
}

export const DEFAULT_PAGE_SIZE = 50;
/** Later than any period SAT can hold, and a timestamp Postgres reads. */
const OPEN_END = new Date(Date.UTC(9999, 11, 31, 23, 59, 59));
export { MAX_PAGE_SIZE };

/**
 * A range whose start is later than its end is a client's mistake, never an empty answer: a period
 * overlap built from it even failed in Postgres (tstzrange refuses inverted bounds) as an internal error.
 */
function assertOrdered(desde: [string, string | undefined], hasta: [string, string | undefined]): void {
  const [campoDesde, desdeText] = desde;
  const [campoHasta, hastaText] = hasta;
  if (!desdeText || !hastaText) return;
  if (
    fromMexicoWallClockField(campoDesde, desdeText).getTime() >
    fromMexicoWallClockField(campoHasta, hastaText).getTime()
  ) {
    throw new ValidationError(solicitudesErrors.rangeInverted, {
      params: { field: campoDesde, desde: desdeText, campoHasta, hasta: hastaText },
    });
  }
}

/** The conditions of a list request (pure: the database only runs them). */
export function listFilters(criteria: SolicitudListCriteria): FilterCondition[] {
  const filters: FilterCondition[] = [];
  const equal = (field: string, value: string | undefined): void => {
    if (value?.trim()) filters.push({ field, operator: '=', value: value.trim() });
  };
  equal('Rfc', criteria.rfc?.toUpperCase());
  equal('Contexto', criteria.contexto);
  equal('TipoSolicitud', criteria.tipoSolicitud);
  equal('TipoDocumento', criteria.tipoDocumento);
  equal('ReferenciaCliente', criteria.referenciaCliente);
  const estados = (criteria.estados ?? []).map((estado) => estado.trim()).filter(Boolean);
  if (estados.length > 0) filters.push({ field: 'Estado', operator: 'in', value: estados });
  assertOrdered(['RegistradaDesde', criteria.registradaDesde], ['RegistradaHasta', criteria.registradaHasta]);
  assertOrdered(['PeriodoDesde', criteria.periodoDesde], ['PeriodoHasta', criteria.periodoHasta]);
  if (criteria.registradaDesde) {
    filters.push({
      field: 'FechaRegistro',
      operator: '>=',
      value: fromMexicoWallClockField('RegistradaDesde', criteria.registradaDesde),
    });
  }
  if (criteria.registradaHasta) {
    filters.push({
      field: 'FechaRegistro',
      operator: '<=',
      value: fromMexicoWallClockField('RegistradaHasta', criteria.registradaHasta),
    });
  }
  if (criteria.periodoDesde || criteria.periodoHasta) {
    // Solicitudes whose period overlaps the asked one; an open side means "unbounded".
    const from = criteria.periodoDesde
      ? fromMexicoWallClockField('PeriodoDesde', criteria.periodoDesde)
      : new Date(0);
    // JavaScript's last instant (+275760-09-13) is no timestamp Postgres reads: the open end failed as DM-1000.
    const to = criteria.periodoHasta
      ? new Date(fromMexicoWallClockField('PeriodoHasta', criteria.periodoHasta).getTime() + 1000)
      : OPEN_END;
    filters.push({ field: 'Periodo', operator: 'overlaps', value: from, value2: to });
  }
  return filters;
}

/** Read side of solicitudes: always scoped to the caller's tenant (another tenant's id is "not found"). */
export class SolicitudQueryService {
  private readonly details: SolicitudDetailReader;

  constructor(private readonly dataSource: DataSource) {
    this.details = new SolicitudDetailReader(dataSource);
  }

  /** Where each of these solicitudes stands (live progress); ids of other tenants are simply absent. */
  async states(tenantId: string, ids: readonly string[]): Promise<SolicitudState[]> {
    if (ids.length === 0) return [];
    return this.dataSource.getRepository(Solicitud).find({
      where: { tenantId, id: In([...ids]) },
      select: { id: true, estado: true, numeroCfdis: true, paquetesAlmacenados: true, paquetesTotal: true },
    });
  }

  async get(tenantId: string, idSolicitud: string): Promise<SolicitudDetail> {
    const detail = await this.details.find(tenantId, idSolicitud.trim());
    if (!detail) throw new NotFoundError(solicitudesErrors.solicitudNotFound, { params: { idSolicitud } });
    return detail;
  }

  /** For bindings with their own filter language (MYSuite): conditions on the fields of SOLICITUD_FIELDS. */
  async listWhere(
    tenantId: string,
    filters: readonly FilterCondition[],
    order: readonly SortKey[],
    page: { readonly page: number; readonly pageSize: number },
  ): Promise<Page<SolicitudListRow>> {
    return listSolicitudes(this.dataSource, tenantId, { filters, order, page });
  }

  async list(tenantId: string, criteria: SolicitudListCriteria): Promise<Page<SolicitudListRow>> {
    return listSolicitudes(this.dataSource, tenantId, {
      filters: listFilters(criteria),
      ...(criteria.orden
        ? { order: [{ field: criteria.orden.campo, direction: criteria.orden.direccion ?? 'ASC' }] }
        : {}),
      page: { page: criteria.pagina ?? 1, pageSize: criteria.tamanoPagina ?? DEFAULT_PAGE_SIZE },
    });
  }
}
