import { X509Certificate } from 'node:crypto';

/** What the simulator needs to know about a signer's certificate. */
export interface SignerCertificate {
  readonly rfc: string;
  /** SAT's certificate number (the ASCII digits hidden in the hex serial). */
  readonly serialNumber: string;
  readonly isFiel: boolean;
}

/** The RFC in x500UniqueIdentifier (2.5.4.45): "RFC" or "RFC / RFC-of-legal-representative". */
export function signerOf(certificate: X509Certificate): SignerCertificate {
  const line =
    certificate.subject.split('\n').find((entry) => /^(x500UniqueIdentifier|2\.5\.4\.45)=/.test(entry)) ?? '';
  const rfc = (line.split('=')[1] ?? '').split('/')[0]?.trim().toUpperCase() ?? '';
  const ascii = Buffer.from(certificate.serialNumber, 'hex').toString('latin1');
  // A CSD (seal certificate) names a branch in OU; a FIEL does not.
  const isFiel = !certificate.subject.split('\n').some((entry) => entry.startsWith('OU='));
  return { rfc, serialNumber: /^\d+$/.test(ascii) ? ascii : certificate.serialNumber, isFiel };
}

/** `revoked` and `expired` get SAT's 304, `untrusted` and `notFiel` its 305. */
function issuedByAny(certificate: X509Certificate, authorities: readonly X509Certificate[]): boolean {
  return authorities.some(
    (authority) => certificate.checkIssued(authority) && certificate.verify(authority.publicKey),
  );
}

export type TrustVerdict = 'trusted' | 'expired' | 'revoked' | 'untrusted' | 'notFiel';

/**
 * A certificate is trusted when it is one of the configured certificates or issued by one of the
 * configured CAs, and is a FIEL within its validity dates. SAT answers 304 for expired, 305 otherwise.
 */
export class TrustStore {
  private readonly certificates: X509Certificate[];
  private readonly authorities: X509Certificate[];
  private readonly revoked: Set<string>;
  private readonly restricted: X509Certificate[];

  constructor(options: {
    readonly certificates?: readonly Buffer[];
    readonly authorities?: readonly Buffer[];
    /** Certificate numbers (the 20 digits) or hex serials SAT has revoked. */
    readonly revoked?: readonly string[];
    /** CAs whose certificates get a token but a 305 on every signed call, as SAT's test CA does. */
    readonly restrictedAuthorities?: readonly Buffer[];
  }) {
    this.certificates = (options.certificates ?? []).map((der) => new X509Certificate(der));
    this.authorities = (options.authorities ?? []).map((der) => new X509Certificate(der));
    this.restricted = (options.restrictedAuthorities ?? []).map((der) => new X509Certificate(der));
    this.revoked = new Set((options.revoked ?? []).map((serial) => serial.toUpperCase()));
  }

  revoke(serial: string): void {
    this.revoked.add(serial.toUpperCase());
  }

  /** One of the configured certificates, or issued (and signed) by one of the configured CAs. */
  known(certificate: X509Certificate): boolean {
    return this.fullyTrusted(certificate) || issuedByAny(certificate, this.restricted);
  }

  private fullyTrusted(certificate: X509Certificate): boolean {
    return (
      this.certificates.some((trusted) => trusted.fingerprint256 === certificate.fingerprint256) ||
      issuedByAny(certificate, this.authorities)
    );
  }

  withinValidity(certificate: X509Certificate, now: Date): boolean {
    return now >= new Date(certificate.validFrom) && now <= new Date(certificate.validTo);
  }

  /** What a signed operation makes of its signer's certificate. */
  verdict(certificate: X509Certificate, now: Date): TrustVerdict {
    if (!this.fullyTrusted(certificate)) return 'untrusted';
    const signer = signerOf(certificate);
    if (this.revoked.has(signer.serialNumber) || this.revoked.has(certificate.serialNumber.toUpperCase()))
      return 'revoked';
    if (!this.withinValidity(certificate, now)) return 'expired';
    return signer.isFiel ? 'trusted' : 'notFiel';
  }
}
