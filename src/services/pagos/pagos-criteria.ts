import { isUuid } from '../../db';
import { ValidationError, invalidField, solicitudesErrors } from '../../errors';
import { fromMexicoWallClockField } from '../periods/mexico-time';

/** ConsultarPagos' filters and paging (and the web's), as strings from the client. */
export interface PagosSearchCriteria {
  /** The invoice settled (a DoctoRelacionado's IdDocumento). */
  readonly uuidDocumento?: string;
  /** The payment CFDI. */
  readonly uuidPago?: string;
  /** Issuer and receiver of the payment CFDI. */
  readonly rfcEmisor?: string;
  readonly rfcReceptor?: string;
  /** FechaPago range, Mexico City wall clock, both inclusive to the second. */
  readonly fechaPagoDesde?: string;
  readonly fechaPagoHasta?: string;
  readonly pagina?: number;
  readonly tamanoPagina?: number;
}

/** The criteria validated, ready to be parameters. */
export interface PagosFilter {
  readonly uuidDocumento?: string;
  readonly uuidPago?: string;
  readonly rfcEmisor?: string;
  readonly rfcReceptor?: string;
  readonly desde?: Date;
  /** Exclusive: one second past FechaPagoHasta. */
  readonly hasta?: Date;
}

/** Pagos 1.0 also accepts a pre-2014 CFD's folio as IdDocumento. */
const CFD_FOLIO = /^\d{3}-\d{2}-\d{9}$/;

/** A UUID as the index keeps it (lower case), or a validation error naming the field. */
export function validUuid(field: string, value: string, options: { cfdFolio?: boolean } = {}): string {
  const wanted = value.trim().toLowerCase();
  if (isUuid(wanted) || (options.cfdFolio && CFD_FOLIO.test(wanted))) return wanted;
  throw invalidField(field, 'must be a UUID');
}

/** Validates the filters (not the paging, which the page query checks) with the codes ConsultarCfdi uses. */
export function pagosFilter(criteria: PagosSearchCriteria): PagosFilter {
  const uuidDocumento = criteria.uuidDocumento?.trim();
  const uuidPago = criteria.uuidPago?.trim();
  const rfcEmisor = criteria.rfcEmisor?.trim().toUpperCase();
  const rfcReceptor = criteria.rfcReceptor?.trim().toUpperCase();
  const desde = criteria.fechaPagoDesde
    ? fromMexicoWallClockField('FechaPagoDesde', criteria.fechaPagoDesde.trim())
    : undefined;
  const hasta = criteria.fechaPagoHasta
    ? fromMexicoWallClockField('FechaPagoHasta', criteria.fechaPagoHasta.trim())
    : undefined;
  // An inverted range is the client's mistake, not a search that found nothing.
  if (desde && hasta && desde.getTime() > hasta.getTime())
    throw new ValidationError(solicitudesErrors.rangeInverted, {
      params: {
        field: 'FechaPagoDesde',
        desde: criteria.fechaPagoDesde,
        campoHasta: 'FechaPagoHasta',
        hasta: criteria.fechaPagoHasta,
      },
    });
  return {
    ...(uuidDocumento
      ? { uuidDocumento: validUuid('UuidDocumento', uuidDocumento, { cfdFolio: true }) }
      : {}),
    ...(uuidPago ? { uuidPago: validUuid('UuidPago', uuidPago) } : {}),
    ...(rfcEmisor ? { rfcEmisor } : {}),
    ...(rfcReceptor ? { rfcReceptor } : {}),
    ...(desde ? { desde } : {}),
    ...(hasta ? { hasta: new Date(hasta.getTime() + 1000) } : {}),
  };
}
