import type { DataSource } from 'typeorm';
import { fielExpiry } from '../accounts/fiel-roster';
import { toMexicoWallClock } from '../periods/mexico-time';
import { FIEL_POR_VENCER, fielPorVencerEvent } from './events';
import { insertDeliveries, type WebhookNotifier } from './webhook-notifier';

export interface FielExpiryNoticeOptions {
  /** An e.firma expiring within this many days, or expired, is notified. */
  readonly noticeDays: number;
  readonly clock?: () => Date;
}

interface ExpiringRow {
  readonly id: string;
  readonly tenant_id: string;
  readonly rfc: string;
  readonly nombre: string | null;
  readonly fiel_serial: string | null;
  readonly fiel_valid_to: Date;
}

/**
 * `fiel.por_vencer`: tells each tenant's webhooks about its e.firmas that expire within the notice
 * window or have expired, at most once per e.firma (certificate) per webhook per day, Mexico City
 * time. The day is part of the delivery's de-duplication key, so the check may run as often as wanted
 * (hourly, by several workers at once) and the first run of a day is the one that notifies. An expired
 * e.firma keeps being notified daily until it is replaced or removed: downloads of that RFC have stopped.
 */
export class FielExpiryNotices {
  private readonly clock: () => Date;

  constructor(
    private readonly dataSource: DataSource,
    private readonly notifier: WebhookNotifier,
    private readonly options: FielExpiryNoticeOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Writes and enqueues today's notices not sent yet; returns how many deliveries it made. */
  async check(): Promise<number> {
    const now = this.clock();
    const horizon = new Date(now.getTime() + this.options.noticeDays * 86_400_000);
    const rows = await this.dataSource.query<ExpiringRow[]>(
      `SELECT c.id, c.tenant_id, c.rfc, c.nombre, c.fiel_serial, c.fiel_valid_to
         FROM contribuyentes c
        WHERE c.fiel_certificate IS NOT NULL AND c.fiel_valid_to < $1
          AND EXISTS (SELECT 1 FROM webhooks w
                       WHERE w.tenant_id = c.tenant_id AND w.activo
                         AND (cardinality(w.eventos) = 0 OR $2 = ANY (w.eventos)))
        ORDER BY c.fiel_valid_to`,
      [horizon, FIEL_POR_VENCER],
    );
    const day = toMexicoWallClock(now).slice(0, 10);
    const created: string[] = [];
    for (const row of rows) {
      const event = fielPorVencerEvent(
        { rfc: row.rfc, nombre: row.nombre, serial: row.fiel_serial, validTo: row.fiel_valid_to },
        now,
        fielExpiry(row.fiel_valid_to, now).daysToExpiry,
        this.options.noticeDays,
      );
      const key = `${FIEL_POR_VENCER}:${row.id}:${row.fiel_serial ?? ''}:${day}`;
      created.push(...(await insertDeliveries(this.dataSource.manager, row.tenant_id, event, key)));
    }
    await this.notifier.enqueue(created);
    return created.length;
  }
}
