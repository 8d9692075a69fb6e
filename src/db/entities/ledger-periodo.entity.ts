import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { type InstantRange, tstzrangeTransformer } from './tstzrange';

/**
 * The ledger: a period already requested from SAT for one key (tenant, RFC, contexto, tipo, tipo de
 * documento, filter key) and the solicitud that requested it. Active rows of one key never overlap
 * (exclusion constraint `ledger_periodos_no_overlap`); a failed solicitud's rows get `releasedAt` so
 * the period can be requested again.
 */
@Entity({ name: 'ledger_periodos' })
export class LedgerPeriodo {
  /** bigserial; pg returns int8 as text. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  rfc!: string;

  @Column({ type: 'text' })
  contexto!: string;

  @Column({ name: 'tipo_solicitud', type: 'text' })
  tipoSolicitud!: string;

  @Column({ name: 'tipo_documento', type: 'text' })
  tipoDocumento!: string;

  @Column({ name: 'filtros_key', type: 'text' })
  filtrosKey!: string;

  @Column({ type: 'tstzrange', transformer: tstzrangeTransformer })
  periodo!: InstantRange;

  @Column({ name: 'solicitud_id', type: 'uuid' })
  solicitudId!: string;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
