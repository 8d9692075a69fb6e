import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

/** What SAT hands a taxpayer: the `.cer` (DER), the `.key` (encrypted PKCS#8 DER) and its password. */
export interface MintedCredential {
  readonly rfc: string;
  /** SAT's 20-digit certificate number, stored as ASCII in the serial. */
  readonly certificateNumber: string;
  readonly certificate: Buffer;
  readonly privateKey: Buffer;
  readonly password: string;
}

export interface MintOptions {
  readonly rfc: string;
  readonly name?: string;
  /** A CSD (seal certificate) names a branch in OU; a FIEL does not. */
  readonly kind?: 'FIEL' | 'CSD';
  readonly validFrom?: Date;
  readonly validTo?: Date;
}

const KEY_BITS = 2048;
let mintedSerials = 0;

function forgeKeys(): {
  publicKey: forge.pki.PublicKey;
  privateKey: forge.pki.rsa.PrivateKey;
  node: KeyObject;
} {
  // node's generator is native (milliseconds); node-forge's pure-JS one would take seconds per key.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: KEY_BITS });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    privateKey: forge.pki.privateKeyFromPem(
      privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ) as forge.pki.rsa.PrivateKey,
    node: privateKey,
  };
}

function der(certificate: forge.pki.Certificate): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary');
}

/**
 * A certificate authority for tests that mints FIEL- and CSD-shaped certificates as SAT's CA does
 * (RFC in x500UniqueIdentifier, the certificate number as ASCII digits in the serial, SAT's key
 * usages), so that tests never depend on the fixtures' fake FIEL and its expiry date.
 */
export class TestCa {
  private readonly keys = forgeKeys();
  readonly certificate: Buffer;
  private readonly subject: forge.pki.CertificateField[];

  constructor(readonly commonName = 'AC DE PRUEBAS DESCARGA MASIVA') {
    this.subject = [
      { name: 'commonName', value: commonName },
      { name: 'organizationName', value: 'Pruebas descarga-masiva' },
      { name: 'countryName', value: 'MX' },
    ];
    const ca = forge.pki.createCertificate();
    ca.publicKey = this.keys.publicKey;
    ca.serialNumber = '01';
    ca.validity.notBefore = new Date(Date.UTC(2020, 0, 1));
    ca.validity.notAfter = new Date(Date.UTC(2060, 0, 1));
    ca.setSubject(this.subject);
    ca.setIssuer(this.subject);
    ca.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ]);
    ca.sign(this.keys.privateKey, forge.md.sha256.create());
    this.certificate = der(ca);
  }

  mint(options: MintOptions): MintedCredential {
    const keys = forgeKeys();
    const now = Date.now();
    mintedSerials += 1;
    const certificateNumber = `3000100000${String(now % 1_000_000).padStart(6, '0')}${String(mintedSerials).padStart(4, '0')}`;
    const certificate = forge.pki.createCertificate();
    certificate.publicKey = keys.publicKey;
    certificate.serialNumber = Buffer.from(certificateNumber, 'latin1').toString('hex');
    certificate.validity.notBefore = options.validFrom ?? new Date(now - 86_400_000);
    certificate.validity.notAfter = options.validTo ?? new Date(now + 4 * 365 * 86_400_000);
    const name = options.name ?? `CONTRIBUYENTE ${options.rfc}`;
    const subject: forge.pki.CertificateField[] = [
      { name: 'commonName', value: name },
      { type: '2.5.4.41', value: name },
      { name: 'organizationName', value: name },
      { name: 'countryName', value: 'MX' },
      { type: '2.5.4.45', value: options.rfc },
      { name: 'serialNumber', value: ' / XEXX010101HNEXXXA4' },
    ];
    if (options.kind === 'CSD') subject.push({ name: 'organizationalUnitName', value: 'SUCURSAL 1' });
    certificate.setSubject(subject);
    certificate.setIssuer(this.subject);
    certificate.setExtensions(
      options.kind === 'CSD'
        ? [{ name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true }]
        : [
            {
              name: 'keyUsage',
              digitalSignature: true,
              nonRepudiation: true,
              dataEncipherment: true,
              keyAgreement: true,
              critical: true,
            },
            { name: 'extKeyUsage', emailProtection: true, clientAuth: true },
          ],
    );
    certificate.sign(this.keys.privateKey, forge.md.sha256.create());
    const password = `clave-${options.rfc.toLowerCase()}`;
    return {
      rfc: options.rfc,
      certificateNumber,
      certificate: der(certificate),
      // SAT's .key: PKCS#8 encrypted with PBES2 and 3DES, DER.
      privateKey: keys.node.export({
        type: 'pkcs8',
        format: 'der',
        cipher: 'des-ede3-cbc',
        passphrase: password,
      }),
      password,
    };
  }
}
