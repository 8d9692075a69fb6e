import type { DataSource } from 'typeorm';
import type { Logger } from '../../logging';
import type { AfterAlertCommit, PackageAtRisk, PackageCustodySink } from '../ports/custody-events';

export interface ExpiryWatchOptions {
  /** `PACKAGE_EXPIRY_ALERT_HOURS`: alert when SAT's expiry is this close and the package is not stored. */
  readonly alertHours: number;
  readonly logger?: Logger;
  /** Listeners (notifications); each hears of every package at risk once. */
  readonly sinks?: readonly PackageCustodySink[];
  /** Told of every alert, e.g. for a metric. */
  readonly onAlert?: (aviso: PackageAtRisk) => void;
  readonly clock?: () => Date;
}

/** Packages not stored: still to be downloaded, downloading, or failed for good. */
const NOT_STORED = ['Pendiente', 'Descargando', 'Error'];

interface AtRiskRow {
  id: string;
  tenant_id: string;
  solicitud_id: string;
  id_paquete: string;
  rfc: string;
  estado: string;
  codigo: string | null;
  mensaje: string | null;
  sat_expires_at: Date;
}

/**
 * Watches SAT's 72-hour window: a package that is not stored and whose expiry is closer than
 * `alertHours` gets one alert (a warning log, the `onAlert` hook, every sink), whichever worker sees
 * it first. Run periodically by the custody job.
 */
export class ExpiryWatch {
  private readonly clock: () => Date;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: ExpiryWatchOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** How many unstored packages are inside the alert window right now (alerted or not): for /metrics. */
  async countAtRisk(): Promise<number> {
    const now = this.clock();
    const rows = await this.dataSource.query<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM paquetes
        WHERE stored_at IS NULL AND estado = ANY($1) AND sat_expires_at > $2 AND sat_expires_at <= $3`,
      [NOT_STORED, now.toISOString(), this.horizon(now).toISOString()],
    );
    return rows[0]?.total ?? 0;
  }

  /** Alerts every package newly inside the window; returns them. */
  async check(limit = 200): Promise<PackageAtRisk[]> {
    const now = this.clock();
    const alerts: PackageAtRisk[] = [];
    const afterCommit: AfterAlertCommit[] = [];
    await this.dataSource.transaction(async (manager) => {
      // Claimed and marked in one statement: two workers never alert the same package.
      // TypeORM answers an UPDATE with [rows, affected].
      const [rows] = await manager.query<[AtRiskRow[], number]>(
        `UPDATE paquetes p SET expiry_alerted_at = $4
           FROM solicitudes s
          WHERE s.id = p.solicitud_id
            AND p.id IN (SELECT id FROM paquetes
                          WHERE stored_at IS NULL AND expiry_alerted_at IS NULL AND estado = ANY($1)
                            AND sat_expires_at > $2 AND sat_expires_at <= $3
                          ORDER BY sat_expires_at LIMIT $5 FOR UPDATE SKIP LOCKED)
          RETURNING p.id, p.tenant_id, p.solicitud_id, p.id_paquete, s.rfc, p.estado, p.codigo, p.mensaje,
                    p.sat_expires_at`,
        [NOT_STORED, now.toISOString(), this.horizon(now).toISOString(), now.toISOString(), limit],
      );
      for (const row of rows) {
        const satExpiresAt = new Date(row.sat_expires_at);
        const aviso: PackageAtRisk = {
          tenantId: row.tenant_id,
          solicitudId: row.solicitud_id,
          paqueteId: row.id,
          idPaquete: row.id_paquete,
          rfc: row.rfc,
          estado: row.estado,
          codigo: row.codigo,
          mensaje: row.mensaje,
          satExpiresAt,
          hoursLeft: Math.max(
            0,
            Math.round(((satExpiresAt.getTime() - now.getTime()) / 3_600_000) * 10) / 10,
          ),
        };
        alerts.push(aviso);
        for (const sink of this.options.sinks ?? []) {
          const after = await sink.paqueteEnRiesgo(manager, aviso);
          if (after) afterCommit.push(after);
        }
      }
    });
    for (const aviso of alerts) {
      this.options.logger?.warn('package near SAT expiry and not stored', { ...aviso });
      this.options.onAlert?.(aviso);
    }
    for (const after of afterCommit) {
      await after().catch((error: unknown) =>
        this.options.logger?.warn('package-at-risk listener failed after commit', { error }),
      );
    }
    return alerts;
  }

  private horizon(now: Date): Date {
    return new Date(now.getTime() + this.options.alertHours * 3_600_000);
  }
}
