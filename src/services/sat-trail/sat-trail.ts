import type { DataSource } from 'typeorm';
import { SatExchange, Tenant } from '../../db';
import { NotFoundError, generalErrors } from '../../errors';
import type { Logger } from '../../logging';
import { runInSatCallScope, type SatExchangeEvent } from '../sat-observation';

/** Whose SAT step is about to run: the pipeline names it, the trail decides whether to keep envelopes. */
export interface SatStepTarget {
  readonly tenantId: string;
  readonly solicitudId: string;
  readonly satRequestId?: string | undefined;
}

export interface SatTrailOptions {
  /** `SAT_TRAIL_RETENTION_DAYS`: how long a stored exchange is kept. */
  readonly retentionDays: number;
  readonly clock?: () => Date;
}

/** One stored exchange as the web shows it. */
export interface SatTrailEntry {
  readonly id: string;
  readonly operacion: string;
  readonly httpStatus: number | null;
  readonly durationMs: number | null;
  readonly at: Date;
  readonly expiresAt: Date;
  readonly requestEnvelope: string | null;
  readonly responseEnvelope: string | null;
}

/**
 * The raw SAT audit trail, opt-in per tenant (`tenants.sat_audit_enabled`): every SAT request and
 * answer of that tenant's solicitudes, secrets and package bodies elided (ObservedSatTransport), kept
 * `retentionDays` and then purged by the maintenance job. Tenants that did not opt in leave nothing.
 */
export class SatTrail {
  private readonly clock: () => Date;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: SatTrailOptions,
    private readonly logger?: Logger,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** How long an exchange is kept (`SAT_TRAIL_RETENTION_DAYS`). */
  get retentionDays(): number {
    return this.options.retentionDays;
  }

  /**
   * Runs one pipeline step with its SAT calls attributed to `target`; whether their envelopes are kept
   * is read from the tenant now, so switching the trail on or off applies from the next step.
   */
  async scoped<T>(target: SatStepTarget, work: () => Promise<T>): Promise<T> {
    const rows = await this.dataSource.query<{ on: boolean }[]>(
      `SELECT sat_audit_enabled AS "on" FROM tenants WHERE id = $1`,
      [target.tenantId],
    );
    return runInSatCallScope({ ...target, trail: rows[0]?.on === true }, work);
  }

  /** Listener for ObservedSatTransport: keeps the exchange when its scope asked for the trail. */
  readonly listener = (event: SatExchangeEvent): void => {
    const scope = event.scope;
    if (!scope?.trail) return;
    const at = event.at;
    const write = this.dataSource
      .getRepository(SatExchange)
      .insert({
        tenantId: scope.tenantId,
        solicitudId: scope.solicitudId,
        satRequestId: scope.satRequestId ?? null,
        operacion: event.operacion,
        httpStatus: event.status ?? null,
        requestEnvelope: event.requestEnvelope ?? null,
        responseEnvelope:
          event.responseEnvelope ?? (event.error ? `[sin respuesta del SAT: ${event.error}]` : null),
        durationMs: Math.round(event.totalMs),
        at,
        expiresAt: new Date(at.getTime() + this.options.retentionDays * 86_400_000),
      })
      .then(
        () => undefined,
        (error: unknown) => {
          this.logger?.warn('SAT exchange not kept in the trail', {
            error,
            solicitudId: scope.solicitudId,
            operacion: event.operacion,
          });
        },
      )
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  };

  /** Waits for exchanges being written (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  async isEnabled(tenantId: string): Promise<boolean> {
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ id: tenantId });
    return tenant?.satAuditEnabled === true;
  }

  /** Switches the trail on or off for a tenant (CLI `tenant set --sat-trail`, web administrators). */
  async setEnabled(tenantId: string, enabled: boolean): Promise<void> {
    const result = await this.dataSource
      .getRepository(Tenant)
      .update({ id: tenantId }, { satAuditEnabled: enabled });
    if (!result.affected)
      throw new NotFoundError(generalErrors.notFound, { params: { entity: 'tenant', id: tenantId } });
  }

  /** One solicitud's exchanges, oldest first; another tenant's solicitud shows nothing. */
  async list(tenantId: string, solicitudId: string, limit = 500): Promise<SatTrailEntry[]> {
    const rows = await this.dataSource.getRepository(SatExchange).find({
      where: { tenantId, solicitudId },
      order: { at: 'ASC', id: 'ASC' },
      take: limit,
    });
    return rows.map((row) => ({
      id: row.id,
      operacion: row.operacion,
      httpStatus: row.httpStatus,
      durationMs: row.durationMs,
      at: row.at,
      expiresAt: row.expiresAt,
      requestEnvelope: row.requestEnvelope,
      responseEnvelope: row.responseEnvelope,
    }));
  }

  /** Deletes exchanges past their retention, a batch at a time; returns how many went. */
  async purgeExpired(batch = 5_000): Promise<number> {
    let total = 0;
    for (;;) {
      const result = await this.dataSource.query<[unknown, number]>(
        `DELETE FROM sat_exchanges
          WHERE id IN (SELECT id FROM sat_exchanges WHERE expires_at <= $1 LIMIT $2)`,
        [this.clock().toISOString(), batch],
      );
      const deleted = Number(result[1] ?? 0);
      total += deleted;
      if (deleted < batch) return total;
    }
  }
}
