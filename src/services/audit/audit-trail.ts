import type { DataSource } from 'typeorm';
import { AuditLog, type ActorType } from '../../db';
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

/**
 * Who did what, when, with which result: one row in audit_log per call. Writing happens after the
 * answer is sent, so an audit write never slows a caller down; one that fails is logged with the
 * whole entry, so the record survives in the logs.
 */
export class AuditTrail {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {}

  record(entry: AuditEntry): void {
    const write = this.dataSource
      .getRepository(AuditLog)
      .insert({
        tenantId: entry.tenantId ?? null,
        actorType: entry.actorType,
        actorId: entry.actorId ?? null,
        actorName: entry.actorName ?? null,
        operacion: entry.operacion,
        resultado: entry.resultado,
        codigo: entry.codigo ?? null,
        ip: entry.ip ?? null,
        requestId: entry.requestId ?? null,
      })
      .then(
        () => undefined,
        (error: unknown) => {
          this.logger.error('audit row not written', { audit: entry, error });
        },
      )
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Waits for the rows being written (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
