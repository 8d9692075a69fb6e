import type { DataSource } from 'typeorm';
import { WebUser, type WebRole } from '../../db';
import { AuthenticationError, ConflictError, ValidationError, generalErrors } from '../../errors';
import { HashingGate, hashSecret, needsRehash, verifySecret } from '../secrets';

/** Who is signed in: what every page needs to know and nothing secret. */
export interface WebPrincipal {
  readonly userId: string;
  readonly tenantId: string;
  readonly login: string;
  readonly nombre: string | null;
  readonly role: WebRole;
  readonly idioma: 'es' | 'en';
}

export interface LockoutPolicy {
  readonly maxFailures: number;
  readonly lockoutMinutes: number;
}

/** An e-mail address or a plain user name (the demo user is `demo`). */
const LOGIN = /^[a-z0-9][a-z0-9._@+-]{2,99}$/;
const MIN_PASSWORD = 4;

function principal(user: WebUser): WebPrincipal {
  return {
    userId: user.id,
    tenantId: user.tenantId,
    login: user.email,
    nombre: user.nombre,
    role: user.role,
    idioma: user.idioma,
  };
}

/**
 * People who sign in to the web interface. Passwords are scrypt hashes; consecutive failures lock an
 * account for a while, and the answer never tells an unknown login from a wrong password.
 */
export class WebUserService {
  /** Checked against when the login is unknown, so both failures cost the same time. */
  private decoy: Promise<string> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: LockoutPolicy,
    private readonly clock: () => Date = () => new Date(),
    /** Shared with the API users' checks, so that both together spend a bounded share of the CPU. */
    private readonly hashing = new HashingGate(),
  ) {}

  async create(
    tenantId: string,
    login: string,
    password: string,
    options: { nombre?: string; role?: WebRole; idioma?: 'es' | 'en' } = {},
  ): Promise<WebPrincipal> {
    const normalised = login.trim().toLowerCase();
    if (!LOGIN.test(normalised)) {
      throw new ValidationError(generalErrors.fieldInvalid, {
        params: { field: 'login', reason: 'an e-mail or a name of 3-100 letters, digits, . _ @ + -' },
      });
    }
    if (password.length < MIN_PASSWORD) {
      throw new ValidationError(generalErrors.fieldInvalid, {
        params: { field: 'password', reason: `at least ${MIN_PASSWORD} characters` },
      });
    }
    const repository = this.dataSource.getRepository(WebUser);
    const existing = await repository
      .createQueryBuilder('u')
      .where('lower(u.email) = :login', { login: normalised })
      .getOne();
    if (existing) {
      throw new ConflictError(generalErrors.alreadyExists, {
        params: { entity: 'el usuario', id: normalised },
      });
    }
    const saved = await repository.save(
      repository.create({
        tenantId,
        email: normalised,
        nombre: options.nombre ?? null,
        passwordHash: await hashSecret(password),
        role: options.role ?? 'user',
        idioma: options.idioma ?? 'es',
      }),
    );
    return principal(saved);
  }

  async list(
    tenantId: string,
  ): Promise<(WebPrincipal & { lockedUntil: Date | null; lastLoginAt: Date | null })[]> {
    const users = await this.dataSource
      .getRepository(WebUser)
      .find({ where: { tenantId }, order: { email: 'ASC' } });
    return users.map((user) => ({
      ...principal(user),
      lockedUntil: user.lockedUntil,
      lastLoginAt: user.lastLoginAt,
    }));
  }

  async findByLogin(login: string): Promise<WebPrincipal | undefined> {
    const user = await this.dataSource
      .getRepository(WebUser)
      .createQueryBuilder('u')
      .where('lower(u.email) = :login', { login: login.trim().toLowerCase() })
      .getOne();
    return user ? principal(user) : undefined;
  }

  async get(userId: string): Promise<WebPrincipal | undefined> {
    const user = await this.dataSource.getRepository(WebUser).findOneBy({ id: userId });
    return user && !user.disabledAt ? principal(user) : undefined;
  }

  /**
   * Signs in: the right password resets the failure count; a wrong one counts, and reaching the limit
   * locks the account. A locked account is refused even with the right password until the lock ends.
   *
   * Whether the account is locked is decided by the same UPDATE that counts or clears, so parallel
   * attempts cannot each read "not locked yet" and then act on it: the count stops at the limit and
   * a right password cannot clear a lock another request has just set. The password is checked
   * first in every case (unknown, disabled, locked alike), so the answer takes the same time.
   *
   * The error says why (for the log). Callers facing the public must answer all of them alike, or
   * the lock, which only existing logins can have, tells which logins exist.
   */
  async authenticate(login: string, password: string): Promise<WebPrincipal> {
    const now = this.clock();
    const normalised = login.trim().toLowerCase();
    const user = await this.dataSource
      .getRepository(WebUser)
      .createQueryBuilder('u')
      .where('lower(u.email) = :login', { login: normalised })
      .getOne();
    const active = user && !user.disabledAt ? user : undefined;
    const hash = active?.passwordHash ?? (await (this.decoy ??= hashSecret('decoy-password')));
    const matches = await this.hashing.run(() => verifySecret(password, hash));
    if (!active || !matches) {
      // Run for unknown logins too (it changes nothing then), so they cost what known ones do.
      const [rows] = (await this.dataSource.query(
        `UPDATE web_users
            SET failed_login_count = LEAST(failed_login_count + 1, $3::int),
                last_failed_login_at = $2,
                locked_until = CASE WHEN failed_login_count + 1 >= $3::int
                                    THEN $2::timestamptz + make_interval(mins => $4::int) END,
                updated_at = now()
          WHERE lower(email) = $1 AND disabled_at IS NULL
            AND (locked_until IS NULL OR locked_until <= $2)
        RETURNING locked_until`,
        [normalised, now, this.policy.maxFailures, this.policy.lockoutMinutes],
      )) as [{ locked_until: Date | null }[], number];
      if (!active) throw new AuthenticationError(generalErrors.signInFailed);
      const counted = rows[0];
      // No row: the account was already locked, and a locked account does not count failures.
      const lockedUntil = counted ? counted.locked_until : active.lockedUntil;
      if (!counted || lockedUntil) throw this.locked(lockedUntil ?? this.lockEnd(now), now);
      throw new AuthenticationError(generalErrors.signInFailed);
    }
    const [signedIn] = (await this.dataSource.query(
      `UPDATE web_users
          SET failed_login_count = 0, locked_until = NULL, last_login_at = $2,
              password_hash = COALESCE($3, password_hash), updated_at = now()
        WHERE id = $1 AND disabled_at IS NULL
          AND (locked_until IS NULL OR locked_until <= $2)
      RETURNING id`,
      [active.id, now, needsRehash(active.passwordHash) ? await hashSecret(password) : null],
    )) as [{ id: string }[], number];
    if (signedIn.length === 0) throw this.locked(active.lockedUntil ?? this.lockEnd(now), now);
    return principal(active);
  }

  private lockEnd(now: Date): Date {
    return new Date(now.getTime() + this.policy.lockoutMinutes * 60_000);
  }

  private locked(until: Date, now: Date): AuthenticationError {
    const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
    return new AuthenticationError(generalErrors.accountLocked, { params: { minutes } });
  }
}
