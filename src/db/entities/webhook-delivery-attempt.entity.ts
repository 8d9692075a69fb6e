import { Column, Entity, PrimaryColumn } from 'typeorm';

export type WebhookAttemptResultado = 'Entregado' | 'Reintento' | 'Fallido';

/** One POST of a delivery to its receiver: the delivery log, attempt by attempt. */
@Entity({ name: 'webhook_delivery_attempts' })
export class WebhookDeliveryAttempt {
  @PrimaryColumn({ name: 'delivery_id', type: 'uuid' })
  deliveryId!: string;

  /** 1 for the first POST. */
  @PrimaryColumn({ type: 'integer' })
  attempt!: number;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;

  /** The receiver's HTTP status; null when none came (refused, timed out, reset). */
  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** Entregado (2xx), Reintento (another attempt is scheduled) or Fallido (the last one failed). */
  @Column({ type: 'text' })
  resultado!: WebhookAttemptResultado;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;
}
