import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One raw SAT request/response pair (opt-in per tenant), secrets and package bodies elided. */
@Entity({ name: 'sat_exchanges' })
export class SatExchange {
  /** bigserial; pg returns int8 as text. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'solicitud_id', type: 'uuid', nullable: true })
  solicitudId!: string | null;

  @Column({ name: 'sat_request_id', type: 'uuid', nullable: true })
  satRequestId!: string | null;

  @Column({ type: 'text' })
  operacion!: string;

  @Column({ name: 'http_status', type: 'integer', nullable: true })
  httpStatus!: number | null;

  @Column({ name: 'request_envelope', type: 'text', nullable: true })
  requestEnvelope!: string | null;

  @Column({ name: 'response_envelope', type: 'text', nullable: true })
  responseEnvelope!: string | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
