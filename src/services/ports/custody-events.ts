import type { EntityManager } from 'typeorm';

/** A package SAT will stop serving soon, and we do not have it stored yet. */
export interface PackageAtRisk {
  readonly tenantId: string;
  readonly solicitudId: string;
  /** Our id of the package (paquetes.id). */
  readonly paqueteId: string;
  /** SAT's IdPaquete. */
  readonly idPaquete: string;
  readonly rfc: string;
  /** Pendiente, Descargando or Error: why it is not stored yet. */
  readonly estado: string;
  readonly codigo: string | null;
  readonly mensaje: string | null;
  /** When SAT stops serving it (72 h after the request was Terminada). */
  readonly satExpiresAt: Date;
  readonly hoursLeft: number;
}

/** Work to run once the transaction that claimed the alert has committed. Must not throw. */
export type AfterAlertCommit = () => Promise<void>;

/**
 * Whoever wants to hear of packages at risk (notifications, webhooks). Called inside the transaction
 * that marks the package as alerted, so what it writes through `manager` commits with the mark: the
 * alert is sent once, by one worker, and not lost to a crash between the two. Custody knows nothing of
 * how listeners tell anyone.
 */
export interface PackageCustodySink {
  paqueteEnRiesgo(manager: EntityManager, aviso: PackageAtRisk): Promise<AfterAlertCommit | void>;
}
