import type { EntityManager } from 'typeorm';
import type { Logger } from '../../logging';
import type { JobQueue } from '../ports/job-queue';
import type { AfterCommit, SolicitudEstadoCambio, SolicitudEventSink } from '../ports/solicitud-events';
import type { AfterAlertCommit, PackageAtRisk, PackageCustodySink } from '../ports/custody-events';
import { paqueteEnRiesgoEvent, solicitudEstadoEvent, type StoredEvent } from './events';

/** The Agenda job that makes one attempt of one delivery (key: the delivery id). */
export const DELIVER_JOB = 'entregar-webhook';

/**
 * Writes one delivery per active webhook of the tenant that takes the event (none subscribed = all),
 * through `manager` so it joins the caller's transaction. With a `dedupKey`, a webhook that already
 * has a delivery under that key gets no second one (two workers checking at once included).
 * Returns the ids of the deliveries written.
 */
export async function insertDeliveries(
  manager: EntityManager,
  tenantId: string,
  event: StoredEvent,
  dedupKey: string | null = null,
): Promise<string[]> {
  const rows = await manager.query<{ id: string }[]>(
    `INSERT INTO webhook_deliveries (webhook_id, evento, payload, estado, next_attempt_at, dedup_key)
     SELECT w.id, $2, $3::jsonb, 'Pendiente', now(), $4
       FROM webhooks w
      WHERE w.tenant_id = $1 AND w.activo AND (cardinality(w.eventos) = 0 OR $2 = ANY (w.eventos))
     ON CONFLICT (webhook_id, dedup_key) DO NOTHING
     RETURNING id`,
    [tenantId, event.evento, JSON.stringify(event), dedupKey],
  );
  return rows.map((row) => row.id);
}

/**
 * Turns events into deliveries (the outbox) and asks the job queue to send them. The pipeline hands
 * it each state change inside the recording transaction; the jobs are enqueued once that commits.
 */
export class WebhookNotifier implements SolicitudEventSink, PackageCustodySink {
  constructor(
    private readonly jobs: JobQueue,
    private readonly logger: Logger,
  ) {}

  async estadoCambiado(manager: EntityManager, cambio: SolicitudEstadoCambio): Promise<AfterCommit | void> {
    const event = solicitudEstadoEvent(cambio.solicitud, cambio.anterior, cambio.at);
    const ids = await insertDeliveries(manager, cambio.solicitud.tenantId, event);
    if (ids.length === 0) return;
    return () => this.enqueue(ids);
  }

  /** Custody's near-expiry alert, in the transaction that claims it: sent once, never lost. */
  async paqueteEnRiesgo(manager: EntityManager, aviso: PackageAtRisk): Promise<AfterAlertCommit | void> {
    const ids = await insertDeliveries(manager, aviso.tenantId, paqueteEnRiesgoEvent(aviso, new Date()));
    if (ids.length === 0) return;
    return () => this.enqueue(ids);
  }

  /**
   * Never throws: the deliveries are committed already, and the webhook sweeper finds any that a
   * failed enqueue left without a job.
   */
  async enqueue(deliveryIds: readonly string[]): Promise<void> {
    for (const id of deliveryIds) {
      try {
        await this.jobs.enqueue(DELIVER_JOB, id);
      } catch (error) {
        this.logger.warn('webhook delivery not enqueued; the sweeper will pick it up', {
          deliveryId: id,
          error,
        });
      }
    }
  }
}
