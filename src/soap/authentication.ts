import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthenticationError, generalErrors } from '../errors';
import type { UsernameTokenFields } from './envelope-inspector';
import type { NonceCache } from './nonce-cache';

/** What the caller proved it knows; checking it against a stored secret is the authenticator's job. */
export type ApiUserCredentials =
  | {
      readonly scheme: 'password';
      readonly source: 'ws-security' | 'http-basic';
      readonly username: string;
      readonly password: string;
    }
  | {
      readonly scheme: 'digest';
      readonly username: string;
      /** Base64(SHA-1(nonce + created + secret)) as sent; check it with `verifyPasswordDigest`. */
      readonly digest: string;
      /** The nonce as sent (Base64). */
      readonly nonce: string;
      readonly created: string;
    };

export interface AuthenticatedApiUser {
  readonly tenantId: string;
  readonly userId: string;
  readonly username: string;
}

/** Implemented by the services layer; throws an AuthenticationError (DM-3001) on any mismatch. */
export interface ApiUserAuthenticator {
  authenticate(credentials: ApiUserCredentials): Promise<AuthenticatedApiUser>;
}

export interface CredentialReaderOptions {
  readonly nonceCache: NonceCache;
  /** How far Created may be from our clock, either way (default 300 s). */
  readonly freshnessSeconds?: number;
  readonly now?: () => number;
}

const DIGEST_TYPE = /#PasswordDigest$/;
const TEXT_TYPE = /#PasswordText$/;
// xs:dateTime as WS-Security profiles send it; an explicit zone is required so no server zone applies.
const CREATED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function unauthenticated(reason: string): AuthenticationError {
  // The reason goes to logs only (as the cause); callers all see the same DM-3001.
  return new AuthenticationError(generalErrors.unauthenticated, { cause: new Error(reason) });
}

export function computePasswordDigest(nonceBase64: string, created: string, secret: string): string {
  const nonce = Buffer.from(nonceBase64, 'base64');
  return createHash('sha1').update(nonce).update(created, 'utf8').update(secret, 'utf8').digest('base64');
}

/** Constant-time check of a PasswordDigest against the plaintext-equivalent secret. */
export function verifyPasswordDigest(
  credentials: { digest: string; nonce: string; created: string },
  secret: string,
): boolean {
  const expected = Buffer.from(computePasswordDigest(credentials.nonce, credentials.created, secret), 'utf8');
  const offered = Buffer.from(credentials.digest.trim(), 'utf8');
  return expected.length === offered.length && timingSafeEqual(expected, offered);
}

/**
 * Turns the request's WS-Security UsernameToken (preferred) or HTTP Basic header into credentials,
 * enforcing Created freshness and nonce uniqueness on the way.
 */
export class CredentialReader {
  private readonly freshnessMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CredentialReaderOptions) {
    this.freshnessMs = (options.freshnessSeconds ?? 300) * 1000;
    this.now = options.now ?? Date.now;
  }

  read(token: UsernameTokenFields | undefined, authorization: string | undefined): ApiUserCredentials {
    if (token !== undefined) return this.fromToken(token);
    if (authorization !== undefined && /^basic\s+/i.test(authorization)) return fromBasic(authorization);
    throw unauthenticated('no UsernameToken and no HTTP Basic credentials');
  }

  private fromToken(token: UsernameTokenFields): ApiUserCredentials {
    const username = token.username?.trim();
    if (!username || token.password === undefined)
      throw unauthenticated('UsernameToken without Username or Password');
    const type = token.passwordType ?? '';
    if (DIGEST_TYPE.test(type)) {
      if (!token.nonce || !token.created) throw unauthenticated('PasswordDigest without Nonce or Created');
      const nonce = token.nonce.trim();
      const created = token.created.trim();
      const expiresAt = this.checkFresh(created);
      if (!this.options.nonceCache.remember(`${username}\u0000${nonce}`, expiresAt, this.now())) {
        throw unauthenticated('nonce replayed');
      }
      return { scheme: 'digest', username, digest: token.password.trim(), nonce, created };
    }
    if (type !== '' && !TEXT_TYPE.test(type)) throw unauthenticated(`unsupported password type ${type}`);
    if (token.created) this.checkFresh(token.created.trim());
    return { scheme: 'password', source: 'ws-security', username, password: token.password };
  }

  /** Returns when the token stops being acceptable, which is also how long its nonce must be kept. */
  private checkFresh(created: string): number {
    const createdMs = CREATED.test(created) ? Date.parse(created) : Number.NaN;
    if (Number.isNaN(createdMs)) throw unauthenticated('Created is not an xs:dateTime with a zone');
    if (Math.abs(this.now() - createdMs) > this.freshnessMs)
      throw unauthenticated('Created outside the window');
    return createdMs + this.freshnessMs;
  }
}

function fromBasic(header: string): ApiUserCredentials {
  const decoded = Buffer.from(header.replace(/^basic\s+/i, '').trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw unauthenticated('malformed HTTP Basic credentials');
  return {
    scheme: 'password',
    source: 'http-basic',
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
  };
}
