import type { Solicitud } from '../../db';
import type { PackageAtRisk } from '../ports/custody-events';
import { ValidationError, generalErrors } from '../../errors';

export const SOLICITUD_ESTADO = 'solicitud.estado';
export const FIEL_POR_VENCER = 'fiel.por_vencer';
export const PAQUETE_EN_RIESGO = 'paquete.en_riesgo';

/** Every event a webhook can subscribe to; a webhook with none subscribed receives them all. */
export const WEBHOOK_EVENTS = [SOLICITUD_ESTADO, FIEL_POR_VENCER, PAQUETE_EN_RIESGO] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** What a delivery row keeps as `payload`: the body without its delivery id (added when sent). */
export interface StoredEvent {
  readonly evento: WebhookEvent;
  /** When it happened (ISO 8601, UTC). */
  readonly fecha: string;
  readonly datos: Readonly<Record<string, unknown>>;
}

export function isWebhookEvent(value: string): value is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(value);
}

/** Event names as typed by a person (any case, spaces, repeated): checked, de-duplicated, sorted. */
export function parseEvents(values: readonly string[]): WebhookEvent[] {
  const chosen = new Set<WebhookEvent>();
  for (const raw of values) {
    const value = raw.trim().toLowerCase();
    if (value === '') continue;
    if (!isWebhookEvent(value)) {
      throw new ValidationError(generalErrors.webhookEventUnknown, {
        params: { field: 'eventos', evento: raw.trim(), eventos: WEBHOOK_EVENTS.join(', ') },
      });
    }
    chosen.add(value);
  }
  return [...chosen].sort();
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/**
 * The body of `solicitud.estado`: the ids the tenant knows (IdSolicitud, its own reference), what was
 * asked, the state reached and SAT's last word, counts and dates. Never credentials, filters' secrets
 * or internal row ids of other tables.
 */
export function solicitudEstadoEvent(
  solicitud: Readonly<Solicitud>,
  anterior: string,
  at: Date,
): StoredEvent {
  return {
    evento: SOLICITUD_ESTADO,
    fecha: at.toISOString(),
    datos: {
      idSolicitud: solicitud.id,
      referenciaCliente: solicitud.referenciaCliente,
      rfc: solicitud.rfc,
      contexto: solicitud.contexto,
      tipoSolicitud: solicitud.tipoSolicitud,
      tipoDocumento: solicitud.tipoDocumento,
      fechaInicial: iso(solicitud.fechaInicial),
      // Stored half-open; the client asked (and reads) SAT's inclusive end, one second earlier.
      fechaFinal: solicitud.fechaFinal ? new Date(solicitud.fechaFinal.getTime() - 1000).toISOString() : null,
      estadoAnterior: anterior,
      estado: solicitud.estado,
      estadoSat: solicitud.estadoSat,
      codigo: solicitud.codigo,
      mensaje: solicitud.mensaje,
      satCodEstatus: solicitud.satCodEstatus,
      satMensaje: solicitud.satMensaje,
      numeroCfdis: solicitud.numeroCfdis,
      paquetesTotal: solicitud.paquetesTotal,
      paquetesAlmacenados: solicitud.paquetesAlmacenados,
      fechaRegistro: iso(solicitud.createdAt),
      fechaInicio: iso(solicitud.startedAt),
      fechaFin: iso(solicitud.finishedAt),
    },
  };
}

export interface ExpiringFiel {
  readonly rfc: string;
  readonly nombre: string | null;
  readonly serial: string | null;
  readonly validTo: Date;
}

/** The body of `fiel.por_vencer`: public certificate facts only (the certificate itself is public too). */
export function fielPorVencerEvent(
  fiel: ExpiringFiel,
  now: Date,
  daysToExpiry: number,
  umbralDias: number,
): StoredEvent {
  return {
    evento: FIEL_POR_VENCER,
    fecha: now.toISOString(),
    datos: {
      rfc: fiel.rfc,
      nombre: fiel.nombre,
      numeroCertificado: fiel.serial,
      vigenteHasta: fiel.validTo.toISOString(),
      diasRestantes: daysToExpiry,
      estado: fiel.validTo.getTime() <= now.getTime() ? 'Vencida' : 'PorVencer',
      umbralDias,
    },
  };
}

/**
 * The body of `paquete.en_riesgo`: a package SAT stops serving soon that we have not stored yet, so
 * someone can act (check the FIEL, the storage, the workers) before SAT's 72 h run out.
 */
export function paqueteEnRiesgoEvent(aviso: PackageAtRisk, now: Date): StoredEvent {
  return {
    evento: PAQUETE_EN_RIESGO,
    fecha: now.toISOString(),
    datos: {
      idSolicitud: aviso.solicitudId,
      idPaquete: aviso.idPaquete,
      rfc: aviso.rfc,
      estado: aviso.estado,
      codigo: aviso.codigo,
      mensaje: aviso.mensaje,
      satExpira: aviso.satExpiresAt.toISOString(),
      horasRestantes: aviso.hoursLeft,
    },
  };
}
