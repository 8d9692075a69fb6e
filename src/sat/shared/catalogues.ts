import type { SatServicio } from './endpoints';

/**
 * SAT's vocabularies and limits for Solicitud v1.5, in one place: the request builder, the query
 * validator and the services that validate what users type all read them from here.
 */

/** Persona moral (3 letters) or física (4), birth/constitution date, homoclave. */
export const RFC_PATTERN = /^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$/;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** FechaInicial / FechaFinal: Mexico City wall-clock time, no fraction, no zone. */
export const SAT_DATE_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** SAT serves five fiscal years plus the current one, checked as "today minus six years, midnight". */
export const HISTORY_YEARS = 6;
/** SolicitaDescargaEmitidos filters by up to 5 receivers; SolicitaDescargaRecibidos by at most one issuer. */
export const MAX_RECEPTORES_EMITIDOS = 5;
export const MAX_EMISORES_RECIBIDOS = 1;
/** What one request may hold before SAT answers 5003 (per request type). */
export const MAX_CFDI_PER_REQUEST = 200_000;
export const MAX_METADATA_ROWS_PER_REQUEST = 1_000_000;
/** A package may be downloaded twice, and lives 72 hours after it is generated. */
export const MAX_DOWNLOADS_PER_PACKAGE = 2;
export const PACKAGE_LIFETIME_HOURS = 72;

export const SAT_TIPOS_SOLICITUD = ['CFDI', 'Metadata'] as const;
export const SAT_TIPOS_COMPROBANTE = ['I', 'E', 'T', 'N', 'P'] as const;
export const SAT_ESTADOS_COMPROBANTE = ['Todos', 'Vigente', 'Cancelado'] as const;

/** SAT's v1.5 list plus the newer codes every current client offers (Carta Porte 1.0/2.0, Pagos 2.0). */
const COMPLEMENTOS_CFDI = [
  'acreditamientoieps10',
  'aerolineas',
  'cartaporte10',
  'cartaporte20',
  'certificadodedestruccion',
  'cfdiregistrofiscal',
  'comercioexterior10',
  'comercioexterior11',
  'comprobante',
  'consumodecombustibles',
  'consumodecombustibles11',
  'detallista',
  'divisas',
  'donat11',
  'ecc11',
  'ecc12',
  'gastoshidrocarburos10',
  'iedu',
  'implocal',
  'ine11',
  'ingresoshidrocarburos',
  'leyendasfisc',
  'nomina11',
  'nomina12',
  'notariospublicos',
  'obrasarteantiguedades',
  'pagoenespecie',
  'pagos10',
  'pagos20',
  'pfic',
  'renovacionysustitucionvehiculos',
  'servicioparcialconstruccion',
  'spei',
  'terceros11',
  'turistapasajeroextranjero',
  'valesdedespensa',
  'vehiculousado',
  'ventavehiculos11',
] as const;

const COMPLEMENTOS_RETENCIONES = [
  'arrendamientoenfideicomiso',
  'dividendos',
  'enajenaciondeacciones',
  'fideicomisonoempresarial',
  'intereses',
  'intereseshipotecarios',
  'operacionesconderivados',
  'pagosaextranjeros',
  'planesderetiro',
  'planesderetiro11',
  'premios',
  'sectorfinanciero',
  'serviciosplataformastecnologicas10',
] as const;

export const COMPLEMENTOS: Readonly<Record<SatServicio, readonly string[]>> = Object.freeze({
  cfdi: COMPLEMENTOS_CFDI,
  retenciones: COMPLEMENTOS_RETENCIONES,
});
