import type { DataSource, EntityManager } from 'typeorm';
import { pgRowReader, poolOf, runStatement } from '../pool';
import { ApiUser } from '../entities/api-user.entity';
import { Contribuyente } from '../entities/contribuyente.entity';
import { Paquete } from '../entities/paquete.entity';
import { Solicitud } from '../entities/solicitud.entity';
import { Tenant } from '../entities/tenant.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Identifiers from clients reach a uuid column only when well formed: Postgres would reject anything
 * else with an error (22P02), and "malformed" must answer exactly like "not found".
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function findTenantBySlug(manager: EntityManager, slug: string): Promise<Tenant | null> {
  return manager.getRepository(Tenant).findOneBy({ slug: slug.trim().toLowerCase() });
}

/** An active (not revoked) API user by username, case-insensitive; null when none. */
export async function findActiveApiUserByUsername(
  manager: EntityManager,
  username: string,
): Promise<ApiUser | null> {
  return manager
    .getRepository(ApiUser)
    .createQueryBuilder('u')
    .where('lower(u.username) = lower(:username)', { username })
    .andWhere('u.revoked_at IS NULL')
    .getOne();
}

export const ACTIVE_API_USER_BY_USERNAME_SQL =
  'SELECT * FROM api_users WHERE lower(username) = lower($1) AND revoked_at IS NULL';

/**
 * The lookup every SOAP call's authentication makes, as one prepared statement on the pool: the
 * query builder of `findActiveApiUserByUsername` cost more CPU than the lookup itself.
 */
export class ActiveApiUsers {
  private readonly read;

  constructor(private readonly dataSource: DataSource) {
    this.read = pgRowReader(dataSource, ApiUser);
  }

  async byUsername(username: string): Promise<ApiUser | null> {
    const [row] = await runStatement<Record<string, unknown>>(
      poolOf(this.dataSource),
      'active-api-user-by-username',
      ACTIVE_API_USER_BY_USERNAME_SQL,
      [username],
    );
    return row ? this.read(row) : null;
  }
}

/** An active API user by `requestorLookupKey(guid)`; null when none. */
export async function findActiveApiUserByRequestor(
  manager: EntityManager,
  lookup: Buffer,
): Promise<ApiUser | null> {
  return manager
    .getRepository(ApiUser)
    .createQueryBuilder('u')
    .where('u.requestor_lookup = :lookup', { lookup })
    .andWhere('u.revoked_at IS NULL')
    .getOne();
}

export function findContribuyente(
  manager: EntityManager,
  tenantId: string,
  rfc: string,
): Promise<Contribuyente | null> {
  return manager.getRepository(Contribuyente).findOneBy({ tenantId, rfc: rfc.trim().toUpperCase() });
}

/** A solicitud of this tenant; another tenant's id answers null, exactly like a missing one. */
export async function findSolicitud(
  manager: EntityManager,
  tenantId: string,
  id: string,
): Promise<Solicitud | null> {
  if (!isUuid(id)) return null;
  return manager.getRepository(Solicitud).findOneBy({ id, tenantId });
}

/** The packages of a solicitud of this tenant, by SAT IdPaquete. */
export async function findPaquetes(
  manager: EntityManager,
  tenantId: string,
  solicitudId: string,
): Promise<Paquete[]> {
  if (!isUuid(solicitudId)) return [];
  return manager
    .getRepository(Paquete)
    .find({ where: { tenantId, solicitudId }, order: { idPaquete: 'ASC' } });
}

/** One package by SAT IdPaquete within a solicitud of this tenant. */
export async function findPaquete(
  manager: EntityManager,
  tenantId: string,
  solicitudId: string,
  idPaquete: string,
): Promise<Paquete | null> {
  if (!isUuid(solicitudId)) return null;
  return manager.getRepository(Paquete).findOneBy({ tenantId, solicitudId, idPaquete });
}
