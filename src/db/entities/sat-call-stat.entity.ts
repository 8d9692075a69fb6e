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

  /** Calls that failed on SAT's side: no answer, HTTP errors, SOAP Faults, SAT's "try later" codes. */
  @Column({ type: 'integer', default: 0 })
  failures!: number;

  /** The part of `failures` that got no answer at all (connection refused, reset, timeout, cut short). */
  @Column({ name: 'transport_failures', type: 'integer', default: 0 })
  transportFailures!: number;

  @Column({ name: 'total_ms', type: 'bigint', default: 0, transformer: bigintAsNumber })
  totalMs!: number;

  @Column({ name: 'max_ms', type: 'integer', default: 0 })
  maxMs!: number;

  /** Count per CodEstatus / HTTP status seen in the minute. */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  codes!: Record<string, number>;

  /** Calls per latency bucket (bounds in services/sat-health/latency-buckets.ts), for percentiles. */
  @Column({ name: 'latency_buckets', type: 'integer', array: true, default: () => "'{}'" })
  latencyBuckets!: number[];
}
