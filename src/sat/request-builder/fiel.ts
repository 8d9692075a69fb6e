import { createPrivateKey, createSign, X509Certificate, type KeyObject } from 'node:crypto';
import { ValidationError, fielErrors } from '../../errors';
import { isEncryptedKeyContainer } from './encrypted-key';

export interface FielFiles {
  /** The `.cer`: DER as SAT issues it, or PEM. */
  readonly certificate: Buffer | string;
  /** The `.key`: encrypted PKCS#8 DER as SAT issues it, or PEM. */
  readonly privateKey: Buffer | string;
  readonly password: string;
}

function isPem(content: Buffer | string): boolean {
  return Buffer.from(content).subarray(0, 64).toString('latin1').includes('-----BEGIN');
}

function readCertificate(content: Buffer | string): X509Certificate {
  try {
    return new X509Certificate(Buffer.from(content));
  } catch (error) {
    throw new ValidationError(fielErrors.unreadable, {
      params: { archivo: 'certificado (.cer)' },
      cause: error,
    });
  }
}

function readKey(content: Buffer | string, password: string): KeyObject {
  const key = Buffer.from(content);
  try {
    return isPem(key)
      ? createPrivateKey({ key, format: 'pem', passphrase: password })
      : createPrivateKey({ key, format: 'der', type: 'pkcs8', passphrase: password });
  } catch (error) {
    // Checked structurally: errors from node's crypto may come from another realm (test runners).
    const details =
      typeof error === 'object' && error !== null ? (error as { code?: unknown; message?: unknown }) : {};
    const text = `${String(details.code ?? '')} ${String(details.message ?? '')}`;
    if (/BAD_DECRYPT|bad decrypt|wrong password/i.test(text) || isEncryptedKeyContainer(key))
      throw new ValidationError(fielErrors.wrongPassword, { cause: error });
    throw new ValidationError(fielErrors.unreadable, {
      params: { archivo: 'llave privada (.key)' },
      cause: error,
    });
  }
}

function subjectField(certificate: X509Certificate, names: readonly string[]): string | undefined {
  const line = certificate.subject
    .split('\n')
    .find((entry) => names.some((name) => entry.startsWith(`${name}=`)));
  return line?.slice(line.indexOf('=') + 1);
}

/**
 * A taxpayer's e.firma: certificate and private key, checked to belong together, to be a FIEL (not a
 * CSD) and to be within its validity dates when created. Signs with RSA-SHA1 as SAT expects.
 */
export class Fiel {
  private constructor(
    readonly certificate: X509Certificate,
    private readonly key: KeyObject,
  ) {}

  static create(files: FielFiles, now: Date = new Date()): Fiel {
    const certificate = readCertificate(files.certificate);
    const key = readKey(files.privateKey, files.password);
    if (!certificate.checkPrivateKey(key)) throw new ValidationError(fielErrors.pairMismatch);
    const fiel = new Fiel(certificate, key);
    // A CSD names a branch (OU); a FIEL does not.
    if (subjectField(certificate, ['OU'])) throw new ValidationError(fielErrors.notFiel);
    if (now < fiel.validFrom) {
      throw new ValidationError(fielErrors.notYetValid, {
        params: { rfc: fiel.rfc, fecha: fiel.validFrom.toISOString().slice(0, 10) },
      });
    }
    if (now > fiel.validTo) {
      throw new ValidationError(fielErrors.expired, {
        params: { rfc: fiel.rfc, fecha: fiel.validTo.toISOString().slice(0, 10) },
      });
    }
    return fiel;
  }

  /** The taxpayer's RFC (x500UniqueIdentifier, before any " / representative" part). */
  get rfc(): string {
    return (
      (subjectField(this.certificate, ['x500UniqueIdentifier', '2.5.4.45']) ?? '')
        .split('/')[0]
        ?.trim()
        .toUpperCase() ?? ''
    );
  }

  get legalName(): string {
    return subjectField(this.certificate, ['CN']) ?? '';
  }

  /** SAT's certificate number: the ASCII digits hidden in the hex serial. */
  get serialNumber(): string {
    const ascii = Buffer.from(this.certificate.serialNumber, 'hex').toString('latin1');
    return /^\d+$/.test(ascii) ? ascii : this.certificate.serialNumber;
  }

  /** The serial as a decimal integer, as XML-DSig's X509SerialNumber wants it. */
  get serialDecimal(): string {
    return BigInt(`0x${this.certificate.serialNumber}`).toString(10);
  }

  get issuerName(): string {
    return this.certificate.issuer.split('\n').reverse().join(',');
  }

  get validFrom(): Date {
    return new Date(this.certificate.validFrom);
  }

  get validTo(): Date {
    return new Date(this.certificate.validTo);
  }

  get certificateBase64(): string {
    return this.certificate.raw.toString('base64');
  }

  /** Base64 RSA-SHA1 (PKCS#1 v1.5) signature of `data`. */
  sign(data: string): string {
    return createSign('RSA-SHA1').update(data, 'utf8').sign(this.key, 'base64');
  }
}
