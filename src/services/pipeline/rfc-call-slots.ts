import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

export interface RfcCallSlotsOptions {
  /** SAT calls at once for one RFC (WORKER_RFC_CONCURRENCY). */
  readonly slots: number;
  /** A lease not renewed for this long is presumed dead (its worker crashed) and may be taken. */
  readonly leaseSeconds?: number;
}

export interface RfcSlotLease {
  release(): Promise<void>;
}

/**
 * Caps the SAT calls running at once for one taxpayer, whichever worker process runs them, so a big
 * backlog for one RFC neither floods SAT (which throttles and refuses) nor starves the other RFCs.
 * Slots are rows in sat_rfc_slots; a lease is renewed while its call runs and released after it.
 */
export class RfcCallSlots {
  private readonly leaseSeconds: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: RfcCallSlotsOptions,
  ) {
    this.leaseSeconds = options.leaseSeconds ?? 120;
  }

  /** A free slot for this RFC, or undefined when all are busy (the caller tries again later). */
  async tryAcquire(tenantId: string, rfc: string): Promise<RfcSlotLease | undefined> {
    const holder = randomUUID();
    for (let slot = 0; slot < this.options.slots; slot += 1) {
      const taken = await this.dataSource.query<{ slot: number }[]>(
        `INSERT INTO sat_rfc_slots (tenant_id, rfc, slot, holder, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
         ON CONFLICT (tenant_id, rfc, slot) DO UPDATE
           SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
           WHERE sat_rfc_slots.expires_at < now()
         RETURNING slot`,
        [tenantId, rfc, slot, holder, this.leaseSeconds],
      );
      if (taken.length > 0) return this.lease(tenantId, rfc, slot, holder);
    }
    return undefined;
  }

  /** Runs `work` holding a slot; answers `busy()` instead when every slot is taken. */
  async run<T, B>(tenantId: string, rfc: string, work: () => Promise<T>, busy: () => B): Promise<T | B> {
    const lease = await this.tryAcquire(tenantId, rfc);
    if (!lease) return busy();
    try {
      return await work();
    } finally {
      await lease.release();
    }
  }

  private lease(tenantId: string, rfc: string, slot: number, holder: string): RfcSlotLease {
    const key = [tenantId, rfc, slot, holder];
    // Long calls (a download of hundreds of MB) keep their slot; a crashed worker's lease runs out.
    const renewal = setInterval(
      () => {
        this.dataSource
          .query(
            `UPDATE sat_rfc_slots SET expires_at = now() + make_interval(secs => $5)
            WHERE tenant_id = $1 AND rfc = $2 AND slot = $3 AND holder = $4`,
            [...key, this.leaseSeconds],
          )
          // A missed renewal only risks one call more than the cap, never a lost or doubled one.
          .catch(() => undefined);
      },
      (this.leaseSeconds * 1000) / 3,
    );
    renewal.unref();
    return {
      release: async () => {
        clearInterval(renewal);
        await this.dataSource.query(
          `DELETE FROM sat_rfc_slots WHERE tenant_id = $1 AND rfc = $2 AND slot = $3 AND holder = $4`,
          key,
        );
      },
    };
  }
}
