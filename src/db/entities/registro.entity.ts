import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type CanalRegistro = 'soap' | 'mysuite' | 'web' | 'cli' | 'system';

/**
 * One registration call. With a ReferenciaCliente (unique per tenant) a repeated call answers the
 * stored `resultados` instead of registering again.
 */
@Entity({ name: 'registros' })
export class Registro {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'referencia_cliente', type: 'text', nullable: true })
  referenciaCliente!: string | null;

  /** SHA-256 of the normalised request: a reused reference must come with the same parameters. */
  @Column({ name: 'parametros_hash', type: 'text', nullable: true })
  parametrosHash!: string | null;

  @Column({ type: 'text' })
  canal!: CanalRegistro;

  @Column({ name: 'api_user_id', type: 'uuid', nullable: true })
  apiUserId!: string | null;

  @Column({ name: 'web_user_id', type: 'uuid', nullable: true })
  webUserId!: string | null;

  /** The records answered to the client, in order (shape owned by the registration service). */
  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" })
  resultados!: unknown[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
