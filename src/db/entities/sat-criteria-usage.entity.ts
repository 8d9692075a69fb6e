import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How many times an identical request (same RFC, period, contexto, tipo, filters) was sent to SAT and
 * may have been accepted; SAT refuses the third XML one for life (5002), so the pipeline refuses it first.
 */
@Entity({ name: 'sat_criteria_usage' })
export class SatCriteriaUsage {
  /** Hash of the exact criteria as sent to SAT. */
  @PrimaryColumn({ name: 'criteria_key', type: 'text' })
  criteriaKey!: string;

  @Column({ type: 'text' })
  rfc!: string;

  @Column({ type: 'integer', default: 0 })
  veces!: number;

  @Column({ name: 'first_requested_at', type: 'timestamptz', default: () => 'now()' })
  firstRequestedAt!: Date;

  @Column({ name: 'last_requested_at', type: 'timestamptz', default: () => 'now()' })
  lastRequestedAt!: Date;

  /** SAT itself said these exact criteria are spent (5002, or 5005 with nothing to follow). */
  @Column({ name: 'agotado_sat_at', type: 'timestamptz', nullable: true })
  agotadoSatAt!: Date | null;

  /** The criteria behind the key, for people reading the table. */
  @Column({ type: 'jsonb', nullable: true })
  criterios!: Record<string, unknown> | null;
}
