import type { DataSource, EntityManager } from 'typeorm';
import type { ApiUserCache } from '../change-feed';
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

const ACTIVE_API_USER_BY_USERNAME_SQL =
  'SELECT * FROM api_users WHERE lower(username) = lower($1) AND revoked_at IS NULL';
const ACTIVE_API_USER_BY_REQUESTOR_SQL =
  'SELECT * FROM api_users WHERE requestor_lookup = $1 AND revoked_at IS NULL';

/**
 * The lookups every SOAP call's authentication makes, as prepared statements on the pool (the query
 * builder cost more CPU than the lookup itself), answered from `cache` while it follows api_users'
 * changes: then an authenticated call sends no statement of its own to authenticate.
 */
export class ActiveApiUsers {
  private readonly read;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cache?: ApiUserCache,
  ) {
    this.read = pgRowReader(dataSource, ApiUser);
  }

  byUsername(username: string): Promise<ApiUser | null> {
    return this.cached(
      `username:${username}`,
      'active-api-user-by-username',
      ACTIVE_API_USER_BY_USERNAME_SQL,
      [username],
    );
  }

  /** By `requestorLookupKey(guid)` (MYSuite's in-band credential). */
  byRequestor(lookup: Buffer): Promise<ApiUser | null> {
    return this.cached(
      `requestor:${lookup.toString('hex')}`,
      'active-api-user-by-requestor',
      ACTIVE_API_USER_BY_REQUESTOR_SQL,
      [lookup],
    );
  }

  private async cached(key: string, name: string, text: string, values: unknown[]): Promise<ApiUser | null> {
    const hit = this.cache?.get(key);
    if (hit) return hit.value;
    const ticket = this.cache?.ticket();
    const [row] = await runStatement<Record<string, unknown>>(poolOf(this.dataSource), name, text, values);
    const user = row ? this.read(row) : null;
    if (ticket !== undefined) this.cache?.store(ticket, key, user);
    return user;
  }
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
