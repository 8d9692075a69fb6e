import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './transformers';

/** Calls to one SAT endpoint during one minute: the SAT health signal's raw figures. */
@Entity({ name: 'sat_call_stats' })
export class SatCallStat {
  @PrimaryColumn({ type: 'text' })
  endpoint!: string;

  /** Start of the minute. */
  @PrimaryColumn({ type: 'timestamptz' })
  bucket!: Date;

  @Column({ type: 'integer', default: 0 })
  calls!: number;

  @Column({ type: 'integer', default: 0 })
  failures!: number;

  @Column({ name: 'total_ms', type: 'bigint', default: 0, transformer: bigintAsNumber })
  totalMs!: number;

  @Column({ name: 'max_ms', type: 'integer', default: 0 })
  maxMs!: number;

  /** Count per CodEstatus / HTTP status seen in the minute. */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  codes!: Record<string, number>;
}
