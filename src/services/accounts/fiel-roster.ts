import { IsNull, Not, type DataSource } from 'typeorm';
import { Contribuyente } from '../../db';

/** Under this many days an e.firma is flagged, so the operator renews it before downloads stop. */
export const FIEL_EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;

export type FielStatus = 'ok' | 'expiring' | 'expired';

/** One enrolled e.firma as an operator sees it: public certificate facts only. */
export interface FielSummary {
  readonly rfc: string;
  readonly nombre: string;
  readonly serial: string;
  readonly validFrom: Date;
  readonly validTo: Date;
  /** Whole days left (negative once expired). */
  readonly daysToExpiry: number;
  readonly status: FielStatus;
}

/**
 * Whole days left until `validTo` (counted towards zero, so one expired three and a half days ago
 * shows -3) and whether that calls for a warning.
 */
export function fielExpiry(validTo: Date, now: Date): { daysToExpiry: number; status: FielStatus } {
  const remaining = validTo.getTime() - now.getTime();
  const daysToExpiry = Math.trunc(remaining / DAY_MS) || 0;
  if (remaining <= 0) return { daysToExpiry, status: 'expired' };
  return { daysToExpiry, status: daysToExpiry < FIEL_EXPIRY_WARNING_DAYS ? 'expiring' : 'ok' };
}

/** The e.firmas a tenant holds, read from the public columns only: nothing here opens the vault. */
export class FielRoster {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(tenantId: string): Promise<FielSummary[]> {
    const rows = await this.dataSource.getRepository(Contribuyente).find({
      select: { rfc: true, nombre: true, fielSerial: true, fielValidFrom: true, fielValidTo: true },
      where: { tenantId, fielCertificate: Not(IsNull()) },
      order: { rfc: 'ASC' },
    });
    const now = this.clock();
    return rows.map((row) => {
      const validTo = row.fielValidTo ?? new Date(0);
      return {
        rfc: row.rfc,
        nombre: row.nombre ?? '',
        serial: row.fielSerial ?? '',
        validFrom: row.fielValidFrom ?? new Date(0),
        validTo,
        ...fielExpiry(validTo, now),
      };
    });
  }
}
