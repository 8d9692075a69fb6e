import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { WebSession } from '../../db';

/** What the browser holds (cookie) and what forms carry (CSRF token); neither is stored as given. */
export interface IssuedSession {
  readonly cookieValue: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export interface OpenSession {
  readonly webUserId: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

/** The table keeps a hash: a leaked copy of web_sessions cannot be replayed as cookies. */
function sidOf(cookieValue: string): string {
  return createHash('sha256').update(cookieValue, 'utf8').digest('base64url');
}

/** Sliding expiry is written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Web sessions in Postgres, so that any process behind a load balancer can serve any request. Each
 * session carries its own CSRF token (synchroniser pattern), checked on every state-changing form.
 */
export class SessionStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lifetimeHours: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async open(webUserId: string, client: { ip?: string; userAgent?: string }): Promise<IssuedSession> {
    const cookieValue = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = this.expiry();
    await this.dataSource.getRepository(WebSession).insert({
      sid: sidOf(cookieValue),
      webUserId,
      csrfSecret: csrfToken,
      ip: client.ip?.slice(0, 100) ?? null,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
      expiresAt,
    });
    return { cookieValue, csrfToken, expiresAt };
  }

  /** The live session behind a cookie, its expiry pushed forward; undefined when unknown or expired. */
  async resume(cookieValue: string): Promise<OpenSession | undefined> {
    const repository = this.dataSource.getRepository(WebSession);
    const sid = sidOf(cookieValue);
    const session = await repository.findOneBy({ sid });
    const now = this.clock();
    if (!session?.webUserId || !session.csrfSecret || session.expiresAt <= now) return undefined;
    let expiresAt = session.expiresAt;
    if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      expiresAt = this.expiry();
      await repository.update({ sid }, { lastSeenAt: now, expiresAt });
    }
    return { webUserId: session.webUserId, csrfToken: session.csrfSecret, expiresAt };
  }

  async close(cookieValue: string): Promise<void> {
    await this.dataSource.getRepository(WebSession).delete({ sid: sidOf(cookieValue) });
  }

  /** Every session of a user (after a password change or when the user is disabled). */
  async closeAllOf(webUserId: string): Promise<void> {
    await this.dataSource.getRepository(WebSession).delete({ webUserId });
  }

  async purgeExpired(): Promise<number> {
    const result = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM web_sessions WHERE expires_at <= $1`,
      [this.clock()],
    );
    return result[1];
  }

  private expiry(): Date {
    return new Date(this.clock().getTime() + this.lifetimeHours * 3_600_000);
  }
}

/** Constant-time comparison of a submitted CSRF token with the session's. */
export function csrfMatches(expected: string, submitted: unknown): boolean {
  if (typeof submitted !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
