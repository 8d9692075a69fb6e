import type { DataSource } from 'typeorm';
import { SatCallStat } from '../../db';
import type { Logger } from '../../logging';
import { countsAsFailure, type CallOutcome } from './call-outcome';
import type { SatEndpoint } from './endpoints';
import { oneCall } from './latency-buckets';

export interface RecordedCall {
  readonly endpoint: SatEndpoint;
  /** When the call started; it is counted in that minute. */
  readonly at: Date;
  readonly outcome: CallOutcome;
  readonly code: string;
  /** Time to SAT's answer headers (or to the failure). */
  readonly ms: number;
}

/** Figures older than this are purged: the health signal looks back one hour, operators a day more. */
export const SAT_CALL_STATS_KEEP_HOURS = 48;

/**
 * Adds every SAT call to its endpoint's row for that minute in sat_call_stats. One upsert per call,
 * additive, so every worker process of one database adds to the same rows and the health signal is
 * the whole deployment's. Writes happen after the call, off its path; a failed write is logged and
 * lost (a health figure is not worth failing or slowing a download for).
 */
export class SatCallRecorder {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger?: Logger,
  ) {}

  record(call: RecordedCall): void {
    const write = this.write(call)
      .catch((error: unknown) => {
        this.logger?.warn('SAT call figures not written', { error, ...call });
      })
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  async write(call: RecordedCall): Promise<void> {
    const failed = countsAsFailure(call.outcome) ? 1 : 0;
    const ms = Math.max(0, Math.round(call.ms));
    await this.dataSource.query(
      `INSERT INTO sat_call_stats
              (endpoint, bucket, calls, failures, transport_failures, total_ms, max_ms, codes, latency_buckets)
       VALUES ($1, date_trunc('minute', $2::timestamptz), 1, $3::int, $4::int, $5::int, $5::int, jsonb_build_object($6::text, 1), $7::int[])
       ON CONFLICT (endpoint, bucket) DO UPDATE SET
         calls = sat_call_stats.calls + 1,
         failures = sat_call_stats.failures + EXCLUDED.failures,
         transport_failures = sat_call_stats.transport_failures + EXCLUDED.transport_failures,
         total_ms = sat_call_stats.total_ms + EXCLUDED.total_ms,
         max_ms = greatest(sat_call_stats.max_ms, EXCLUDED.max_ms),
         codes = sat_call_stats.codes
           || jsonb_build_object($6::text, coalesce((sat_call_stats.codes ->> $6::text)::int, 0) + 1),
         latency_buckets = ARRAY(
           SELECT coalesce(old, 0) + coalesce(new, 0)
             FROM unnest(sat_call_stats.latency_buckets, EXCLUDED.latency_buckets) WITH ORDINALITY AS t(old, new, n)
            ORDER BY n)`,
      [
        call.endpoint,
        call.at.toISOString(),
        failed,
        call.outcome === 'transport' ? 1 : 0,
        ms,
        call.code,
        oneCall(ms),
      ],
    );
  }

  /** Waits for the figures being written (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  /** Drops minute rows older than `hours`; returns how many went. */
  async purgeOlderThan(hours: number, now = new Date()): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(SatCallStat)
      .where('bucket < :before', { before: new Date(now.getTime() - hours * 3_600_000) })
      .execute();
    return result.affected ?? 0;
  }
}
