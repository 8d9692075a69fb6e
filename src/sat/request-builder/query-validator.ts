import { ValidationError, generalErrors, solicitudesErrors, type ErrorDefinition } from '../../errors';
import {
  COMPLEMENTOS,
  HISTORY_YEARS,
  MAX_EMISORES_RECIBIDOS,
  MAX_RECEPTORES_EMITIDOS,
  RFC_PATTERN,
  SAT_DATE_TIME_PATTERN,
  SAT_ESTADOS_COMPROBANTE,
  SAT_TIPOS_COMPROBANTE,
  SAT_TIPOS_SOLICITUD,
  UUID_PATTERN,
} from '../shared/catalogues';
import type { SatServicio } from '../shared/endpoints';
import type { SatQueryParameters } from '../shared/query-parameters';

function invalid(definition: ErrorDefinition, params: Record<string, string | number>): ValidationError {
  return new ValidationError(definition, { params });
}

function rfc(field: string, value: string): string {
  const normalized = value.trim().toUpperCase();
  if (!RFC_PATTERN.test(normalized)) throw invalid(solicitudesErrors.rfcInvalid, { field, value });
  return normalized;
}

function oneOf(field: string, value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) {
    throw invalid(generalErrors.fieldInvalid, { field, reason: `use ${allowed.join(' | ')}` });
  }
  return value;
}

/** A real calendar date-time in SAT's format (2024-02-30T00:00:00 is not). */
function satDateTime(field: string, value: string | undefined): string {
  if (!value) throw invalid(generalErrors.fieldRequired, { field });
  const parsed = new Date(`${value}Z`);
  if (!SAT_DATE_TIME_PATTERN.test(value) || Number.isNaN(parsed.getTime())) {
    throw invalid(solicitudesErrors.dateInvalid, { field, value });
  }
  if (parsed.toISOString().slice(0, 19) !== value) {
    throw invalid(solicitudesErrors.dateInvalid, { field, value });
  }
  return value;
}

/** Today's date in Mexico City, as SAT counts its history window. */
function mexicoToday(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/Mexico_City',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

function historyLimit(now: Date): string {
  const today = mexicoToday(now);
  return `${Number(today.slice(0, 4)) - HISTORY_YEARS}${today.slice(4)}T00:00:00`;
}

function validateFolio(parameters: SatQueryParameters, folio: string): SatQueryParameters {
  if (!UUID_PATTERN.test(folio)) {
    throw invalid(generalErrors.fieldInvalid, {
      field: 'Folio',
      reason: 'use the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
    });
  }
  const others: [string, unknown][] = [
    ['FechaInicial', parameters.fechaInicial],
    ['FechaFinal', parameters.fechaFinal],
    ['RfcContraparte', parameters.rfcContrapartes.length > 0 ? 'set' : undefined],
    ['TipoComprobante', parameters.tipoComprobante],
    ['EstadoComprobante', parameters.estadoComprobante],
    ['RfcACuentaTerceros', parameters.rfcACuentaTerceros],
    ['Complemento', parameters.complemento],
  ];
  const offending = others.find(([, value]) => value !== undefined);
  if (offending) throw invalid(solicitudesErrors.uuidWithFilters, { field: offending[0] });
  return { ...parameters, folio: folio.toLowerCase() };
}

/**
 * Checks a query against SAT's v1.5 rules before anything is signed or sent, so a request SAT would
 * refuse (and count against the taxpayer's lifetime quota) never leaves. Returns it normalised:
 * upper-case RFCs, lower-case folio and complement, and `Vigente` for received XML, which SAT requires
 * explicitly (an absent EstadoComprobante is refused with 301 there).
 */
export function validateQuery(
  parameters: SatQueryParameters,
  servicio: SatServicio,
  now: Date = new Date(),
): SatQueryParameters {
  if (parameters.folio !== undefined) return validateFolio(parameters, parameters.folio);
  oneOf('Contexto', parameters.contexto, ['Emitidos', 'Recibidos']);
  oneOf('TipoSolicitud', parameters.tipoSolicitud, SAT_TIPOS_SOLICITUD);
  const fechaInicial = satDateTime('FechaInicial', parameters.fechaInicial);
  const fechaFinal = satDateTime('FechaFinal', parameters.fechaFinal);
  if (fechaFinal <= fechaInicial)
    throw invalid(solicitudesErrors.periodInverted, { fechaInicial, fechaFinal });
  const limite = historyLimit(now);
  if (fechaInicial < limite) throw invalid(solicitudesErrors.periodTooOld, { limite, fechaInicial });

  const recibidos = parameters.contexto === 'Recibidos';
  const maximo = recibidos ? MAX_EMISORES_RECIBIDOS : MAX_RECEPTORES_EMITIDOS;
  if (parameters.rfcContrapartes.length > maximo) {
    throw invalid(solicitudesErrors.tooManyCounterparts, {
      contexto: parameters.contexto,
      maximo,
      recibidos: parameters.rfcContrapartes.length,
    });
  }
  const rfcContrapartes = parameters.rfcContrapartes.map((value) =>
    rfc(recibidos ? 'RfcEmisor' : 'RfcReceptor', value),
  );

  const retenciones = servicio === 'retenciones';
  if (parameters.tipoComprobante !== undefined) {
    if (retenciones) throw invalid(solicitudesErrors.filterNotForRetenciones, { field: 'TipoComprobante' });
    oneOf('TipoComprobante', parameters.tipoComprobante, SAT_TIPOS_COMPROBANTE);
  }
  let estadoComprobante = parameters.estadoComprobante;
  if (estadoComprobante !== undefined) oneOf('EstadoComprobante', estadoComprobante, SAT_ESTADOS_COMPROBANTE);
  if (recibidos && parameters.tipoSolicitud === 'CFDI') {
    if (estadoComprobante !== undefined && estadoComprobante !== 'Vigente') {
      throw invalid(solicitudesErrors.cancelledXmlNotDownloadable, {});
    }
    estadoComprobante = 'Vigente';
  }
  const complemento = parameters.complemento?.trim().toLowerCase();
  if (complemento !== undefined && !COMPLEMENTOS[servicio].includes(complemento)) {
    throw invalid(solicitudesErrors.complementoUnknown, {
      field: 'Complemento',
      complemento,
      tipoDocumento: retenciones ? 'Retenciones' : 'CFDI',
    });
  }
  return {
    ...parameters,
    fechaInicial,
    fechaFinal,
    rfcContrapartes,
    ...(estadoComprobante !== undefined ? { estadoComprobante } : {}),
    ...(parameters.rfcACuentaTerceros !== undefined
      ? { rfcACuentaTerceros: rfc('RfcACuentaTerceros', parameters.rfcACuentaTerceros) }
      : {}),
    ...(complemento !== undefined ? { complemento } : {}),
  };
}
