import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ActiveApiUsers, ApiUser, type ApiUserCache, findActiveApiUserByUsername } from '../../db';
import {
  AuthenticationError,
  ConflictError,
  NotFoundError,
  ValidationError,
  generalErrors,
} from '../../errors';
import {
  generateApiSecret,
  generateRequestorGuid,
  HashingGate,
  hashSecret,
  requestorHint,
  requestorLookupKey,
  verifySecret,
  OpenedSecretCache,
  VerifiedSecretCache,
  type SecretBox,
} from '../secrets';

/** What a SOAP or MYSuite caller proved it knows (structurally the SOAP layer's credentials). */
export type ApiCredentials =
  | { readonly scheme: 'password'; readonly username: string; readonly password: string }
  | {
      readonly scheme: 'digest';
      readonly username: string;
      readonly digest: string;
      readonly nonce: string;
      readonly created: string;
    };

export interface AuthenticatedCaller {
  readonly tenantId: string;
  readonly userId: string;
  readonly username: string;
}

/** A new API user and its credentials: the only moment they are ever shown. */
export interface CreatedApiUser {
  readonly user: ApiUser;
  readonly secret: string;
  readonly requestor: string;
}

const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;

function secretContext(userId: string): string {
  return `api_users:${userId}:secret`;
}

/** Sealed under this id, the decoy secret unknown users' digests are checked against. */
const DECOY_USER_ID = '00000000-0000-0000-0000-000000000000';

function unauthenticated(): AuthenticationError {
  return new AuthenticationError(generalErrors.unauthenticated);
}

/**
 * API users of a tenant: created with a random secret (or a chosen one, for the demo) and a MYSuite
 * Requestor GUID, both shown once. The secret is kept twice: scrypt-hashed for PasswordText and HTTP
 * Basic, and sealed by the vault because WS-Security PasswordDigest can only be checked with it.
 */
export class ApiUserService {
  /** Scrypt hash (today's parameters) of a random secret nobody knows; see `authenticate`. */
  private decoyHash?: Promise<string>;
  private decoySealed?: Buffer;
  private readonly activeUsers: ActiveApiUsers;

  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly verifiedSecrets = new VerifiedSecretCache(),
    private readonly hashing = new HashingGate(),
    /** Active users kept in memory while it follows api_users' changes (see `followApiUserChanges`). */
    userCache?: ApiUserCache,
    private readonly openedSecrets = new OpenedSecretCache(),
  ) {
    this.activeUsers = new ActiveApiUsers(dataSource, userCache);
  }

  async create(
    tenantId: string,
    username: string,
    options: { secret?: string; requestor?: string; descripcion?: string } = {},
  ): Promise<CreatedApiUser> {
    if (!USERNAME.test(username)) {
      throw new ValidationError(generalErrors.fieldInvalid, {
        params: { field: 'username', reason: 'use 1-64 letters, digits or . _ @ -' },
      });
    }
    if (await findActiveApiUserByUsername(this.dataSource.manager, username)) {
      throw new ConflictError(generalErrors.alreadyExists, { params: { entity: 'API user', id: username } });
    }
    const secret = options.secret ?? generateApiSecret();
    const requestor = options.requestor ?? generateRequestorGuid();
    const id = randomUUID();
    const user = await this.dataSource.getRepository(ApiUser).save({
      id,
      tenantId,
      username,
      secretHash: await hashSecret(secret),
      secretCiphertext: this.box.encrypt(secret, secretContext(id)),
      requestorLookup: requestorLookupKey(requestor) ?? null,
      requestorHint: requestorHint(requestor) ?? null,
      descripcion: options.descripcion ?? null,
    });
    return { user, secret, requestor };
  }

  async list(tenantId: string): Promise<ApiUser[]> {
    return this.dataSource.getRepository(ApiUser).find({ where: { tenantId }, order: { username: 'ASC' } });
  }

  /** With `tenantId`, only that tenant's user: another tenant's answers exactly like a missing one. */
  async revoke(username: string, tenantId?: string): Promise<void> {
    const user = await findActiveApiUserByUsername(this.dataSource.manager, username);
    if (!user || (tenantId !== undefined && user.tenantId !== tenantId))
      throw new NotFoundError(generalErrors.notFound, { params: { entity: 'API user', id: username } });
    await this.dataSource.getRepository(ApiUser).update({ id: user.id }, { revokedAt: new Date() });
  }

  /**
   * Checks WS-Security or HTTP Basic credentials; any mismatch is the same DM-3001, whatever failed.
   * An unknown (or revoked) user is checked against a decoy with the same work, scrypt included, so
   * the answer takes as long as for an existing user with a wrong secret.
   */
  async authenticate(credentials: ApiCredentials): Promise<AuthenticatedCaller> {
    const user = await this.activeUsers.byUsername(credentials.username);
    const valid =
      credentials.scheme === 'password'
        ? await this.passwordMatches(credentials.username, credentials.password, user)
        : this.digestMatches(user, credentials);
    if (!user || !valid) throw unauthenticated();
    return { tenantId: user.tenantId, userId: user.id, username: user.username };
  }

  /** MYSuite callers authenticate with their Requestor GUID alone. */
  async authenticateRequestor(guid: string): Promise<AuthenticatedCaller> {
    const lookup = requestorLookupKey(guid);
    const user = lookup ? await this.activeUsers.byRequestor(lookup) : null;
    if (!user) throw unauthenticated();
    return { tenantId: user.tenantId, userId: user.id, username: user.username };
  }

  private async passwordMatches(username: string, password: string, user: ApiUser | null): Promise<boolean> {
    const storedHash = user?.secretHash ?? (await (this.decoyHash ??= hashSecret(generateApiSecret())));
    const matches = await this.verifiedSecrets.verify(
      password,
      storedHash,
      () => this.hashing.run(() => verifySecret(password, storedHash)),
      username,
    );
    return user !== null && matches;
  }

  private digestMatches(
    user: ApiUser | null,
    credentials: Extract<ApiCredentials, { scheme: 'digest' }>,
  ): boolean {
    const secret = user?.secretCiphertext
      ? this.openedSecret(user.id, user.secretCiphertext)
      : this.decoySecret();
    const expected = createHash('sha1')
      .update(Buffer.from(credentials.nonce, 'base64'))
      .update(credentials.created, 'utf8')
      .update(secret)
      .digest();
    const given = Buffer.from(credentials.digest, 'base64');
    const matches = given.length === expected.length && timingSafeEqual(given, expected);
    return Boolean(user?.secretCiphertext) && matches;
  }

  private decoySecret(): Buffer {
    this.decoySealed ??= this.box.encrypt(generateApiSecret(), secretContext(DECOY_USER_ID));
    return this.openedSecret(DECOY_USER_ID, this.decoySealed);
  }

  /** Unknown users' decoy goes through the same cache, so both cost the same. */
  private openedSecret(userId: string, sealed: Buffer): Buffer {
    return this.openedSecrets.secretOf(userId, sealed, () => this.box.decrypt(sealed, secretContext(userId)));
  }
}
