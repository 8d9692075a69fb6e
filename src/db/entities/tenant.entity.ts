import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A cuenta: the unit of isolation. Every other row belongs to exactly one tenant. */
@Entity({ name: 'tenants' })
export class Tenant {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Short name operators type in the CLI (`--tenant acme`). */
  @Column({ type: 'text' })
  slug!: string;

  @Column({ type: 'text' })
  nombre!: string;

  @Column({ type: 'boolean', default: true })
  activo!: boolean;

  /** Opt-in raw SAT audit trail (sat_exchanges). */
  @Column({ name: 'sat_audit_enabled', type: 'boolean', default: false })
  satAuditEnabled!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
