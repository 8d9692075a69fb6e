import type { EntityManager } from 'typeorm';
import type { EstadoSolicitudColumn, Solicitud } from '../../db';

/** A solicitud's visible state changed: what the progress recorder just wrote to its history. */
export interface SolicitudEstadoCambio {
  /** The solicitud as saved, new state included. */
  readonly solicitud: Readonly<Solicitud>;
  readonly anterior: EstadoSolicitudColumn;
  readonly at: Date;
}

/** Work to run once the transaction that recorded the change has committed. Must not throw. */
export type AfterCommit = () => Promise<void>;

/**
 * Whoever wants to hear of state changes (webhooks). Called inside the transaction that records the
 * change, so what it writes through `manager` (and only through it: the embedded database serves one
 * session) commits or rolls back with the change itself; nothing is announced for a change that did
 * not happen, and nothing is lost when the process dies right after the commit. The pipeline knows
 * nothing of who listens or how they are told.
 */
export interface SolicitudEventSink {
  estadoCambiado(manager: EntityManager, cambio: SolicitudEstadoCambio): Promise<AfterCommit | void>;
}
