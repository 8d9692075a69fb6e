import { createHash } from 'node:crypto';
import type { Contexto, FiltrosSolicitud, TipoDocumento, TipoSolicitud } from './domain';

export interface LedgerScope {
  readonly rfc: string;
  readonly contexto: Contexto;
  readonly tipoSolicitud: TipoSolicitud;
  readonly tipoDocumento: TipoDocumento;
  readonly filtros: FiltrosSolicitud;
}

/**
 * Filters in one canonical form: RFCs upper-cased, counterparts sorted and de-duplicated, "Todos" the
 * same as no status filter. Two requests with equal canonical filters ask SAT for the same documents.
 */
export function canonicalFilters(filtros: FiltrosSolicitud): Record<string, string | string[]> {
  const canonical: Record<string, string | string[]> = {};
  const counterparts = [...new Set(filtros.rfcContrapartes.map((rfc) => rfc.trim().toUpperCase()))].sort();
  if (counterparts.length > 0) canonical.rfcContrapartes = counterparts;
  if (filtros.tipoComprobante) canonical.tipoComprobante = filtros.tipoComprobante;
  if (filtros.estadoComprobante && filtros.estadoComprobante !== 'Todos') {
    canonical.estadoComprobante = filtros.estadoComprobante;
  }
  if (filtros.rfcACuentaTerceros)
    canonical.rfcACuentaTerceros = filtros.rfcACuentaTerceros.trim().toUpperCase();
  if (filtros.complemento) canonical.complemento = filtros.complemento.trim();
  if (filtros.uuid) canonical.uuid = filtros.uuid.trim().toLowerCase();
  return canonical;
}

/** SHA-256 (hex) of the canonical filters: the ledger's filter key; equal filters, equal keys. */
export function filtersKey(filtros: FiltrosSolicitud): string {
  const canonical = canonicalFilters(filtros);
  const ordered = Object.keys(canonical)
    .sort()
    .map((key) => [key, canonical[key]]);
  return createHash('sha256').update(JSON.stringify(ordered)).digest('hex');
}
