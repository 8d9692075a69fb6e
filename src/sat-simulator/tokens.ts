import { randomBytes } from 'node:crypto';

export interface IssuedToken {
  readonly rfc: string;
  readonly serialNumber: string;
  readonly expires: Date;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * Tokens shaped like SAT's (`<JWT>%26wrap_subject%3d<hex certificate number>`), valid for SAT's five
 * minutes by default. Only tokens issued here are accepted, in either spelling of the suffix.
 */
export class TokenStore {
  private readonly issued = new Map<string, IssuedToken>();

  constructor(private readonly lifetimeSeconds = 300) {}

  issue(rfc: string, serialNumber: string, now: Date): { token: string; created: Date; expires: Date } {
    const expires = new Date(now.getTime() + this.lifetimeSeconds * 1000);
    const subject = Buffer.from(serialNumber, 'latin1').toString('hex');
    const header = base64url(
      JSON.stringify({ alg: 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256', typ: 'JWT' }),
    );
    const nbf = Math.floor(now.getTime() / 1000);
    const payload = base64url(
      JSON.stringify({
        nbf,
        exp: nbf + this.lifetimeSeconds,
        iat: nbf,
        iss: 'LoadSolicitudDecargaMasivaTerceros',
        actort: subject,
      }),
    );
    const jwt = `${header}.${payload}.${base64url(randomBytes(32))}`;
    this.issued.set(jwt, { rfc, serialNumber, expires });
    return { token: `${jwt}%26wrap_subject%3d${subject}`, created: now, expires };
  }

  /** The token of an `Authorization: WRAP access_token="..."` header, if issued here and unexpired. */
  count(): number {
    return this.issued.size;
  }

  /** Ends a token's life now (what the `expiredToken` fault does to the token a call carries). */
  expire(authorization: string | undefined): void {
    const jwt = /WRAP\s+access_token="([^"]+)"/i.exec(authorization ?? '')?.[1]?.split(/%26|&/)[0];
    const token = jwt ? this.issued.get(jwt) : undefined;
    if (jwt && token) this.issued.set(jwt, { ...token, expires: new Date(0) });
  }

  resolve(authorization: string | undefined, now: Date): IssuedToken | undefined {
    const match = /WRAP\s+access_token="([^"]+)"/i.exec(authorization ?? '');
    const jwt = match?.[1]?.split(/%26|&/)[0];
    const token = jwt ? this.issued.get(jwt) : undefined;
    return token && token.expires > now ? token : undefined;
  }
}
