import type { DataSource } from 'typeorm';
import { type ActorType, poolOf, runStatement } from '../../db';
import type { Logger } from '../../logging';

/** One audited action. Callers pass no secrets: names and codes only. */
export interface AuditEntry {
  readonly tenantId?: string | undefined;
  readonly actorType: ActorType;
  readonly actorId?: string | undefined;
  readonly actorName?: string | undefined;
  readonly operacion: string;
  readonly resultado: 'ok' | 'error';
  readonly codigo?: string | undefined;
  readonly ip?: string | undefined;
  readonly requestId?: string | undefined;
}

interface Pending {
  readonly entry: AuditEntry;
  readonly written: () => void;
}

/** Rows per INSERT; a burst larger than this takes several statements, one after another. */
const MAX_BATCH = 500;

/** One statement whatever the batch size (so it is prepared once): the columns travel as arrays. */
export const INSERT_AUDIT_SQL = `
INSERT INTO audit_log (tenant_id, actor_type, actor_id, actor_name, operacion, resultado, codigo, ip, request_id)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::text[], $9::text[])`;

/**
 * Who did what, when, with which result: one row in audit_log per call, written before the call is
 * answered, so a crash can lose no audited call that a client saw answered. Rows are written by group
 * commit: while one INSERT is in flight the next entries queue, and the next INSERT takes them all, so
 * under load a call waits for at most about two short inserts and the database sees one statement per
 * batch instead of one per call. A batch that fails is logged entry by entry at error level (the record
 * survives in the logs) and its callers are answered anyway.
 */
export class AuditTrail {
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the row is committed (or, if the database refused it, logged); never rejects. */
  record(entry: AuditEntry): Promise<void> {
    return new Promise<void>((written) => {
      this.queue.push({ entry, written });
      this.writing ??= this.drain();
    });
  }

  /** Waits for every row recorded so far (shutdown, tests). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.slice(0, MAX_BATCH);
        this.queue = this.queue.slice(batch.length);
        await this.write(batch.map((pending) => pending.entry));
        for (const pending of batch) pending.written();
      }
    } finally {
      this.writing = undefined;
    }
  }

  private async write(entries: readonly AuditEntry[]): Promise<void> {
    const column = (read: (entry: AuditEntry) => string | undefined) =>
      entries.map((entry) => read(entry) ?? null);
    try {
      await runStatement(poolOf(this.dataSource), 'insert-audit-log', INSERT_AUDIT_SQL, [
        column((entry) => entry.tenantId),
        column((entry) => entry.actorType),
        column((entry) => entry.actorId),
        column((entry) => entry.actorName),
        column((entry) => entry.operacion),
        column((entry) => entry.resultado),
        column((entry) => entry.codigo),
        column((entry) => entry.ip),
        column((entry) => entry.requestId),
      ]);
    } catch (error) {
      for (const entry of entries) this.logger.error('audit row not written', { audit: entry, error });
    }
  }
}
