import type { DataSource } from 'typeorm';
import { Contribuyente, findContribuyente } from '../../db';

/** One RFC of a tenant as lists show it: public facts of its FIEL, never key material. */
export interface ContribuyenteSummary {
  readonly rfc: string;
  readonly nombre: string | null;
  readonly fielSerial: string | null;
  readonly fielValidFrom: Date | null;
  readonly fielValidTo: Date | null;
}

/** Which RFCs a tenant holds: a caller may only act on an RFC of its own tenant. */
export class ContribuyenteDirectory {
  constructor(private readonly dataSource: DataSource) {}

  async belongsTo(tenantId: string, rfc: string): Promise<boolean> {
    return (await findContribuyente(this.dataSource.manager, tenantId, rfc.trim().toUpperCase())) !== null;
  }

  async list(tenantId: string): Promise<ContribuyenteSummary[]> {
    const rows = await this.dataSource.getRepository(Contribuyente).find({
      where: { tenantId },
      order: { rfc: 'ASC' },
      select: { rfc: true, nombre: true, fielSerial: true, fielValidFrom: true, fielValidTo: true },
    });
    return rows.map((row) => ({
      rfc: row.rfc,
      nombre: row.nombre,
      fielSerial: row.fielSerial,
      fielValidFrom: row.fielValidFrom,
      fielValidTo: row.fielValidTo,
    }));
  }
}
