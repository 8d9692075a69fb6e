import type { DataSource } from 'typeorm';
import { Tenant, findTenantBySlug } from '../../db';
import { ConflictError, NotFoundError, ValidationError, generalErrors } from '../../errors';

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Tenants (cuentas): the unit of isolation every other record belongs to. */
export class TenantService {
  constructor(private readonly dataSource: DataSource) {}

  async create(slug: string, nombre: string): Promise<Tenant> {
    const normalised = slug.trim().toLowerCase();
    if (!SLUG.test(normalised)) {
      throw new ValidationError(generalErrors.fieldInvalid, {
        params: { field: 'tenant', reason: 'use 2-63 lower-case letters, digits or hyphens' },
      });
    }
    if (await findTenantBySlug(this.dataSource.manager, normalised)) {
      throw new ConflictError(generalErrors.alreadyExists, { params: { entity: 'tenant', id: normalised } });
    }
    return this.dataSource
      .getRepository(Tenant)
      .save({ slug: normalised, nombre: nombre.trim() || normalised });
  }

  async list(): Promise<Tenant[]> {
    return this.dataSource.getRepository(Tenant).find({ order: { slug: 'ASC' } });
  }

  async get(slug: string): Promise<Tenant> {
    const tenant = await findTenantBySlug(this.dataSource.manager, slug.trim().toLowerCase());
    if (!tenant) throw new NotFoundError(generalErrors.notFound, { params: { entity: 'tenant', id: slug } });
    return tenant;
  }
}
