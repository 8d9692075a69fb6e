import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ActorType = 'api_user' | 'web_user' | 'cli' | 'system';

/** Who did what, when, with which result. Never holds secrets (callers pass redacted details). */
@Entity({ name: 'audit_log' })
export class AuditLog {
  /** bigserial; pg returns int8 as text. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid', nullable: true })
  tenantId!: string | null;

  @Column({ name: 'actor_type', type: 'text' })
  actorType!: ActorType;

  @Column({ name: 'actor_id', type: 'text', nullable: true })
  actorId!: string | null;

  /** Username, email, or MYSuite UserName as given. */
  @Column({ name: 'actor_name', type: 'text', nullable: true })
  actorName!: string | null;

  /** Operation name (SOAP operation, MYSuite transaction, web action, CLI command). */
  @Column({ type: 'text' })
  operacion!: string;

  @Column({ type: 'text', nullable: true })
  recurso!: string | null;

  @Column({ name: 'recurso_id', type: 'text', nullable: true })
  recursoId!: string | null;

  @Column({ type: 'text' })
  resultado!: 'ok' | 'error';

  /** Error code when resultado is error. */
  @Column({ type: 'text', nullable: true })
  codigo!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  detalle!: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  ip!: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;
}
