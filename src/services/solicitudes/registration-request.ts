import { ValidationError, generalErrors, solicitudesErrors, type ErrorDefinition } from '../../errors';
import { fromMexicoWallClock, toMexicoWallClock } from '../periods/mexico-time';
import { decidePeriodEnd } from '../periods/period-end';
import { timeRange, type TimeRange } from '../periods/time-range';
import { satHistoryFloor } from '../planning/period-widening';
import {
  COMPLEMENTOS,
  MAX_EMISORES_RECIBIDOS,
  MAX_RECEPTORES_EMITIDOS,
  RFC_PATTERN,
  UUID_PATTERN,
} from '../../sat';
import {
  ESTADOS_COMPROBANTE,
  TIPOS_COMPROBANTE,
  TIPOS_DOCUMENTO,
  type ContextoPedido,
  type EstadoComprobante,
  type FiltrosSolicitud,
  type TipoComprobante,
  type TipoDocumento,
  type TipoSolicitudPedida,
} from './domain';

/** What a client sends (SOAP, web form, MYSuite Data1): strings as received, nothing trusted yet. */
export interface RegistrationInput {
  readonly rfc?: string;
  readonly fechaInicial?: string;
  readonly fechaFinal?: string;
  readonly contexto?: string;
  readonly tipoSolicitud?: string;
  readonly tipoDocumento?: string;
  readonly rfcContrapartes?: readonly string[];
  readonly tipoComprobante?: string;
  readonly estadoComprobante?: string;
  readonly rfcACuentaTerceros?: string;
  readonly complemento?: string;
  readonly uuid?: string;
  readonly referenciaCliente?: string;
  readonly forzar?: boolean;
  readonly simular?: boolean;
}

/** A registration that passed every check that does not need the database. */
export interface RegistrationRequest {
  readonly rfc: string;
  /** Half-open: SAT's inclusive FechaFinal plus one second. Absent for a request by Uuid. */
  readonly periodo: TimeRange | undefined;
  /**
   * The period as the client asked it, when a FechaFinal later today was cut to now (`periodo` holds
   * the cut one): a retry with the same ReferenciaCliente is the same request, whenever it comes.
   */
  readonly periodoPedido?: TimeRange;
  readonly contexto: ContextoPedido;
  readonly tipoSolicitud: TipoSolicitudPedida;
  readonly tipoDocumento: TipoDocumento;
  readonly filtros: FiltrosSolicitud;
  readonly referenciaCliente: string | undefined;
  readonly forzar: boolean;
  readonly simular: boolean;
}

const MAX_REFERENCE_LENGTH = 100;

function invalid(definition: ErrorDefinition, params: Record<string, string | number>): ValidationError {
  return new ValidationError(definition, { params });
}

function fieldInvalid(field: string, reason: string): ValidationError {
  return invalid(generalErrors.fieldInvalid, { field, reason });
}

function required(field: string, value: string | undefined): string {
  const trimmed = value?.trim();
  if (!trimmed) throw invalid(generalErrors.fieldRequired, { field });
  return trimmed;
}

function optional(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export function parseRfc(field: string, value: string): string {
  const rfc = value.trim().toUpperCase();
  if (!RFC_PATTERN.test(rfc)) throw invalid(solicitudesErrors.rfcInvalid, { field, value });
  return rfc;
}

function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  const match = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (!match) throw fieldInvalid(field, `use ${allowed.join(' | ')}`);
  return match;
}

function parseDate(field: string, value: string): Date {
  try {
    return fromMexicoWallClock(value);
  } catch {
    throw invalid(solicitudesErrors.dateInvalid, { field, value });
  }
}

function parsePeriod(input: RegistrationInput, now: Date): { periodo: TimeRange; pedido?: TimeRange } {
  const inicialText = required('FechaInicial', input.fechaInicial);
  const finalText = required('FechaFinal', input.fechaFinal);
  const inicial = parseDate('FechaInicial', inicialText);
  const final = parseDate('FechaFinal', finalText);
  if (final.getTime() <= inicial.getTime()) {
    throw invalid(solicitudesErrors.periodInverted, { fechaInicial: inicialText, fechaFinal: finalText });
  }
  const limit = satHistoryFloor(now);
  if (inicial.getTime() < limit.getTime()) {
    throw invalid(solicitudesErrors.periodTooOld, {
      limite: toMexicoWallClock(limit),
      fechaInicial: inicialText,
    });
  }
  if (inicial.getTime() > now.getTime()) {
    throw invalid(solicitudesErrors.periodInFuture, { fechaInicial: inicialText });
  }
  const end = decidePeriodEnd(final, now);
  if (end.kind === 'refused') {
    throw invalid(solicitudesErrors.periodEndInFuture, {
      field: 'FechaFinal',
      fechaFinal: finalText,
      hoy: end.today,
    });
  }
  if (end.end.getTime() <= inicial.getTime()) {
    throw invalid(solicitudesErrors.periodInverted, {
      fechaInicial: inicialText,
      fechaFinal: toMexicoWallClock(end.end),
    });
  }
  const periodo = timeRange(inicial, new Date(end.end.getTime() + 1000));
  if (end.kind === 'as-asked') return { periodo };
  return { periodo, pedido: timeRange(inicial, new Date(final.getTime() + 1000)) };
}

function parseFilters(
  input: RegistrationInput,
  contexto: ContextoPedido,
  tipo: TipoSolicitudPedida,
  tipoDocumento: TipoDocumento,
): FiltrosSolicitud {
  const rfcContrapartes = (input.rfcContrapartes ?? [])
    .map((value) => value.trim())
    .filter(Boolean)
    .map((value) => parseRfc('RfcContraparte', value));
  // SAT: Emitidos filters up to 5 receivers, Recibidos at most one issuer; Ambos must satisfy both.
  const maximo = contexto === 'Emitidos' ? MAX_RECEPTORES_EMITIDOS : MAX_EMISORES_RECIBIDOS;
  if (rfcContrapartes.length > maximo) {
    throw invalid(solicitudesErrors.tooManyCounterparts, {
      contexto,
      maximo,
      recibidos: rfcContrapartes.length,
    });
  }
  const tipoComprobante = optional(input.tipoComprobante);
  if (tipoComprobante !== undefined && tipoDocumento === 'Retenciones') {
    throw invalid(solicitudesErrors.filterNotForRetenciones, { field: 'TipoComprobante' });
  }
  const estadoText = optional(input.estadoComprobante);
  const estadoComprobante: EstadoComprobante | undefined = estadoText
    ? oneOf('EstadoComprobante', estadoText, ESTADOS_COMPROBANTE)
    : undefined;
  const asksReceivedXml = contexto !== 'Emitidos' && tipo !== 'Metadata';
  if (asksReceivedXml && estadoComprobante !== undefined && estadoComprobante !== 'Vigente') {
    throw invalid(solicitudesErrors.cancelledXmlNotDownloadable, {});
  }
  const rfcTerceros = optional(input.rfcACuentaTerceros);
  const complemento = optional(input.complemento)?.toLowerCase();
  const catalogue = COMPLEMENTOS[tipoDocumento === 'Retenciones' ? 'retenciones' : 'cfdi'];
  if (complemento !== undefined && !catalogue.includes(complemento)) {
    throw invalid(solicitudesErrors.complementoUnknown, { field: 'Complemento', complemento, tipoDocumento });
  }
  return {
    rfcContrapartes,
    ...(tipoComprobante
      ? { tipoComprobante: oneOf('TipoComprobante', tipoComprobante, TIPOS_COMPROBANTE) as TipoComprobante }
      : {}),
    ...(estadoComprobante ? { estadoComprobante } : {}),
    ...(rfcTerceros ? { rfcACuentaTerceros: parseRfc('RfcACuentaTerceros', rfcTerceros) } : {}),
    ...(complemento ? { complemento } : {}),
  };
}

function assertUuidAlone(input: RegistrationInput): void {
  const others: [string, unknown][] = [
    ['FechaInicial', optional(input.fechaInicial)],
    ['FechaFinal', optional(input.fechaFinal)],
    ['RfcContraparte', (input.rfcContrapartes ?? []).filter((value) => value.trim()).length > 0 || undefined],
    ['TipoComprobante', optional(input.tipoComprobante)],
    ['EstadoComprobante', optional(input.estadoComprobante)],
    ['RfcACuentaTerceros', optional(input.rfcACuentaTerceros)],
    ['Complemento', optional(input.complemento)],
  ];
  const offending = others.find(([, value]) => value !== undefined);
  if (offending) throw invalid(solicitudesErrors.uuidWithFilters, { field: offending[0] });
}

/**
 * Checks a registration before any work starts: formats, enumerations, SAT's combination rules and
 * history window. The first problem found is thrown as a ValidationError naming the field.
 */
export function parseRegistrationRequest(
  input: RegistrationInput,
  now: Date = new Date(),
): RegistrationRequest {
  const rfc = parseRfc('Rfc', required('Rfc', input.rfc));
  const tipoDocumento = oneOf('TipoDocumento', optional(input.tipoDocumento) ?? 'CFDI', TIPOS_DOCUMENTO);
  const referencia = optional(input.referenciaCliente);
  if (referencia !== undefined && referencia.length > MAX_REFERENCE_LENGTH) {
    throw fieldInvalid('ReferenciaCliente', `at most ${MAX_REFERENCE_LENGTH} characters`);
  }
  const common = {
    rfc,
    tipoDocumento,
    referenciaCliente: referencia,
    forzar: input.forzar ?? false,
    simular: input.simular ?? false,
  };
  const uuid = optional(input.uuid);
  if (uuid !== undefined) {
    if (!UUID_PATTERN.test(uuid))
      throw fieldInvalid('Uuid', 'use the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx');
    assertUuidAlone(input);
    // SAT's Folio operation always answers with the XML of the signer's own document.
    return {
      ...common,
      periodo: undefined,
      contexto: 'Emitidos',
      tipoSolicitud: 'CFDI',
      filtros: { rfcContrapartes: [], uuid: uuid.toLowerCase() },
    };
  }
  const contexto = oneOf('Contexto', required('Contexto', input.contexto), [
    'Emitidos',
    'Recibidos',
    'Ambos',
  ] as const);
  const tipoSolicitud = oneOf('TipoSolicitud', required('TipoSolicitud', input.tipoSolicitud), [
    'CFDI',
    'Metadata',
    'Ambos',
  ] as const);
  const { periodo, pedido } = parsePeriod(input, now);
  const filtros = parseFilters(input, contexto, tipoSolicitud, tipoDocumento);
  return {
    ...common,
    periodo,
    ...(pedido ? { periodoPedido: pedido } : {}),
    contexto,
    tipoSolicitud,
    filtros,
  };
}
