import type { DataSource } from 'typeorm';
import { findContribuyente } from '../../db';

/** Which RFCs a tenant holds: a caller may only act on an RFC of its own tenant. */
export class ContribuyenteDirectory {
  constructor(private readonly dataSource: DataSource) {}

  async belongsTo(tenantId: string, rfc: string): Promise<boolean> {
    return (await findContribuyente(this.dataSource.manager, tenantId, rfc.trim().toUpperCase())) !== null;
  }
}
