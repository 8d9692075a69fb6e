import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthenticationError, generalErrors } from '../../errors';
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
 * enforcing Created freshness; once they authenticated, `rememberNonce` enforces nonce uniqueness.
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
      this.checkFresh(created);
      if (Buffer.from(nonce, 'base64').length === 0) throw unauthenticated('empty Nonce');
      return { scheme: 'digest', username, digest: token.password.trim(), nonce, created };
    }
    if (type !== '' && !TEXT_TYPE.test(type)) throw unauthenticated(`unsupported password type ${type}`);
    if (token.created) this.checkFresh(token.created.trim());
    return { scheme: 'password', source: 'ws-security', username, password: token.password };
  }

  /**
   * Records the nonce of a PasswordDigest that authenticated, refusing (DM-3001) one seen before.
   * Only now: remembering nonces of tokens nobody verified let anyone fill the cache.
   */
  rememberNonce(credentials: ApiUserCredentials, principal: AuthenticatedApiUser): void {
    if (credentials.scheme !== 'digest') return;
    // The bytes, not the text: another Base64 spelling of the same nonce yields the same digest.
    const nonce = Buffer.from(credentials.nonce, 'base64').toString('base64');
    const scope = `${principal.tenantId}:${principal.userId}`;
    // Past this the token fails the freshness check anyway, so its nonce need not be kept longer.
    const expiresAt = Date.parse(credentials.created) + this.freshnessMs;
    if (!this.options.nonceCache.remember(scope, nonce, expiresAt, this.now())) {
      throw unauthenticated('nonce replayed');
    }
  }

  private checkFresh(created: string): void {
    const createdMs = CREATED.test(created) ? Date.parse(created) : Number.NaN;
    if (Number.isNaN(createdMs)) throw unauthenticated('Created is not an xs:dateTime with a zone');
    if (Math.abs(this.now() - createdMs) > this.freshnessMs)
      throw unauthenticated('Created outside the window');
  }
}

/** Sent with every 401: the one scheme the service takes over HTTP, in the realm the docs name. */
export const BASIC_CHALLENGE = 'Basic realm="descarga-masiva", charset="UTF-8"';

/** How a request whose authentication failed is answered, beyond the DM-3001 Fault itself. */
export interface AuthenticationRefusal {
  /** HTTP 401 with this WWW-Authenticate value; absent: the Fault's usual status (500 / 400). */
  readonly challenge?: string;
  /** Whether the failure counts against the address and username in the AuthThrottle. */
  readonly countsAsFailure: boolean;
}

export interface OfferedCredentials {
  /** The binding checks callers itself (WS-Security or Basic), rather than in-band like MYSuite. */
  readonly checksCallers: boolean;
  readonly authorization: string | undefined;
  /** Whether the envelope had a Security header; undefined when the envelope was never read. */
  readonly securityHeader: boolean | undefined;
}

/**
 * A request that offered nothing at all is how ASMX (`NetworkCredential`) and WCF (`BasicHttpBinding`)
 * proxies start every call: they send credentials only once a 401 asks for them. So it gets the 401
 * challenge, and it is no guess at anyone's secret, so the throttle does not count it (a busy ERP would
 * lock itself out). Anything offered, however garbled, is an attempt: the usual Fault, counted.
 */
export function refusalOf(offered: OfferedCredentials): AuthenticationRefusal {
  const nothingOffered =
    offered.checksCallers &&
    (offered.authorization === undefined || offered.authorization.trim() === '') &&
    offered.securityHeader === false;
  return nothingOffered ? { challenge: BASIC_CHALLENGE, countsAsFailure: false } : { countsAsFailure: true };
}

/** The username of an HTTP Basic header, if it carries one (read before the body, for throttling). */
export function basicUsername(authorization: string | undefined): string | undefined {
  if (authorization === undefined || !/^basic\s+/i.test(authorization)) return undefined;
  const decoded = decodeBasic(authorization);
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : undefined;
}

function decodeBasic(header: string): string {
  return Buffer.from(header.replace(/^basic\s+/i, '').trim(), 'base64').toString('utf8');
}

function fromBasic(header: string): ApiUserCredentials {
  const decoded = decodeBasic(header);
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw unauthenticated('malformed HTTP Basic credentials');
  return {
    scheme: 'password',
    source: 'http-basic',
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
  };
}
