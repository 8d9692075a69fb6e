import { isUuid, type FilterCondition } from '../../db';
import { ValidationError, invalidField, solicitudesErrors } from '../../errors';
import { RFC_PATTERN } from '../../sat';
import { fromMexicoWallClockField } from '../periods/mexico-time';

/** ConsultarCfdi's Filtro and paging (and the web explorer's), as strings from the client. */
export interface CfdiSearchCriteria {
  readonly uuid?: string;
  readonly rfcEmisor?: string;
  readonly rfcReceptor?: string;
  /** Part of the issuer's or the receiver's name, any case. */
  readonly nombre?: string;
  readonly fechaDesde?: string;
  readonly fechaHasta?: string;
  readonly efecto?: string;
  readonly estatus?: string;
  /** The XML's TipoDeComprobante (I, E, T, N, P): only documents whose XML is held match. */
  readonly tipoComprobante?: string;
  /** A complement the XML carries, by its element name (Pagos, Nomina…), any case. */
  readonly complemento?: string;
  /** The XML's Moneda, a c_Moneda code (MXN, USD…). */
  readonly moneda?: string;
  /** The XML's Serie and Folio, exactly. */
  readonly serie?: string;
  readonly folio?: string;
  /** The third party of SAT's metadata (RfcACuentaTerceros). */
  readonly rfcACuentaTerceros?: string;
  readonly orden?: { readonly campo: string; readonly direccion?: 'ASC' | 'DESC' };
  readonly pagina?: number;
  readonly tamanoPagina?: number;
}

export const EFECTOS = ['I', 'E', 'T', 'N', 'P'] as const;
export const ESTATUS = ['Vigente', 'Cancelado'] as const;
const MAX_NAME_LENGTH = 200;
/** An XML element name, optionally with the prefix the document used (`pago20:Pagos`). */
const COMPLEMENTO = /^(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]{0,63})$/;
/** c_Moneda: ISO 4217 codes (XXX when there is no currency). */
const MONEDA = /^[A-Z]{3}$/;
/** CFDI's Serie (up to 25) and Folio (up to 40): any character but `|`; never control characters. */
// eslint-disable-next-line no-control-regex
const SERIE = /^[^|\x00-\x1f]{1,25}$/;
// eslint-disable-next-line no-control-regex
const FOLIO = /^[^|\x00-\x1f]{1,40}$/;

/** `like` pattern for "contains": the user's `%`, `_` and `\` match themselves. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * The criteria as index filters, validated: every value goes to SQL as a parameter of a whitelisted
 * field (see CFDI_FIELDS), never as text.
 */
export function cfdiFilters(criteria: CfdiSearchCriteria): FilterCondition[] {
  const filters: FilterCondition[] = [];
  const uuid = criteria.uuid?.trim();
  if (uuid) {
    if (!isUuid(uuid)) throw invalidField('Uuid', 'must be a UUID');
    filters.push({ field: 'Uuid', operator: '=', value: uuid.toLowerCase() });
  }
  for (const [field, value] of [
    ['RfcEmisor', criteria.rfcEmisor],
    ['RfcReceptor', criteria.rfcReceptor],
  ] as const) {
    if (value?.trim()) filters.push({ field, operator: '=', value: value.trim().toUpperCase() });
  }
  const nombre = criteria.nombre?.trim();
  if (nombre) {
    if (nombre.length > MAX_NAME_LENGTH)
      throw invalidField('Nombre', `at most ${MAX_NAME_LENGTH} characters`);
    filters.push({ field: 'Nombre', operator: 'like', value: containing(nombre) });
  }
  if (criteria.fechaDesde)
    filters.push({
      field: 'FechaEmision',
      operator: '>=',
      value: fromMexicoWallClockField('FechaDesde', criteria.fechaDesde),
    });
  if (criteria.fechaHasta) {
    // FechaHasta is inclusive to the second, like SAT's FechaFinal.
    const hasta = fromMexicoWallClockField('FechaHasta', criteria.fechaHasta);
    // An inverted range is the client's mistake, not a search that found nothing.
    if (
      criteria.fechaDesde &&
      fromMexicoWallClockField('FechaDesde', criteria.fechaDesde).getTime() > hasta.getTime()
    ) {
      throw new ValidationError(solicitudesErrors.rangeInverted, {
        params: {
          field: 'FechaDesde',
          desde: criteria.fechaDesde,
          campoHasta: 'FechaHasta',
          hasta: criteria.fechaHasta,
        },
      });
    }
    filters.push({ field: 'FechaEmision', operator: '<', value: new Date(hasta.getTime() + 1000) });
  }
  const efecto = criteria.efecto?.trim();
  if (efecto) {
    if (!(EFECTOS as readonly string[]).includes(efecto))
      throw invalidField('Efecto', `one of ${EFECTOS.join(', ')}`);
    filters.push({ field: 'Efecto', operator: '=', value: efecto });
  }
  const estatus = criteria.estatus?.trim();
  if (estatus) {
    if (!(ESTATUS as readonly string[]).includes(estatus))
      throw invalidField('Estatus', `one of ${ESTATUS.join(', ')}`);
    filters.push({ field: 'Estatus', operator: '=', value: estatus });
  }
  filters.push(...headerFilters(criteria));
  return filters;
}

/** The filters on the XML's header and the metadata's third party. */
function headerFilters(criteria: CfdiSearchCriteria): FilterCondition[] {
  const filters: FilterCondition[] = [];
  const tipo = criteria.tipoComprobante?.trim().toUpperCase();
  if (tipo) {
    if (!(EFECTOS as readonly string[]).includes(tipo))
      throw invalidField('TipoComprobante', `one of ${EFECTOS.join(', ')}`);
    filters.push({ field: 'TipoComprobante', operator: '=', value: tipo });
  }
  const complemento = criteria.complemento?.trim();
  if (complemento) {
    const name = COMPLEMENTO.exec(complemento)?.[1];
    if (!name) throw invalidField('Complemento', 'an element name such as Pagos or Nomina');
    filters.push({ field: 'Complementos', operator: 'like', value: containing(`,${name},`) });
  }
  const moneda = criteria.moneda?.trim().toUpperCase();
  if (moneda) {
    if (!MONEDA.test(moneda)) throw invalidField('Moneda', 'a c_Moneda code such as MXN or USD');
    filters.push({ field: 'Moneda', operator: '=', value: moneda });
  }
  const serie = criteria.serie?.trim();
  if (serie) {
    if (!SERIE.test(serie)) throw invalidField('Serie', 'up to 25 characters, without |');
    filters.push({ field: 'Serie', operator: '=', value: serie });
  }
  const folio = criteria.folio?.trim();
  if (folio) {
    if (!FOLIO.test(folio)) throw invalidField('Folio', 'up to 40 characters, without |');
    filters.push({ field: 'Folio', operator: '=', value: folio });
  }
  const tercero = criteria.rfcACuentaTerceros?.trim().toUpperCase();
  if (tercero) {
    if (!RFC_PATTERN.test(tercero))
      throw new ValidationError(solicitudesErrors.rfcInvalid, {
        params: { field: 'RfcACuentaTerceros', value: tercero },
      });
    filters.push({ field: 'RfcACuentaTerceros', operator: '=', value: tercero });
  }
  return filters;
}
