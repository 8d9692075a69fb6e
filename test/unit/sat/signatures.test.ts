import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createVerify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser, XMLSerializer, type Element } from '@xmldom/xmldom';
import {
  Fiel,
  authenticateRequest,
  downloadRequest,
  queryRequest,
  verifyRequest,
  type SignedRequest,
} from '../../../src/sat';

/*
 * Our envelopes are written directly in canonical form by hand. Here they are checked by tools that
 * share no code with that builder: libxml2's exclusive C14N (xmllint) and xmlsec1.
 */
const root = path.join(__dirname, '../../..');
const fielDir = path.join(root, 'fixtures/fake-fiel');
const certificatePath = path.join(fielDir, 'EKU9003173C9.cer');
const fiel = Fiel.create(
  {
    certificate: readFileSync(certificatePath),
    privateKey: readFileSync(path.join(fielDir, 'EKU9003173C9.key')),
    password: readFileSync(path.join(fielDir, 'EKU9003173C9-password.txt'), 'utf8'),
  },
  new Date('2026-01-01T00:00:00Z'),
);
const publicKey = new X509Certificate(readFileSync(certificatePath)).publicKey;
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';

/** The fixtures are stored pretty-printed; what was signed and sent had no whitespace between tags. */
function compact(xml: string): string {
  return xml.replace(/>\s+</g, '><').trim();
}

function libxml2C14n(xml: string): string {
  return execFileSync('xmllint', ['--exc-c14n', '-'], { input: xml }).toString('utf8');
}

function fixture(name: string): string {
  return compact(readFileSync(path.join(root, 'fixtures/sat', name), 'utf8'));
}

/**
 * Verifies SAT's enveloped signature: the digest is over the exclusive-canonical operation element
 * without its Signature, and the signature over the canonical SignedInfo.
 */
function verifyEnveloped(xml: string): { digestOk: boolean; signatureOk: boolean } {
  const document = new DOMParser().parseFromString(xml, 'text/xml');
  const signature = document.getElementsByTagNameNS(DSIG, 'Signature')[0] as Element;
  const operation = signature.parentNode?.parentNode as Element;
  const unsigned = operation.cloneNode(true) as Element;
  const copy = unsigned.getElementsByTagNameNS(DSIG, 'Signature')[0] as Element;
  copy.parentNode?.removeChild(copy);
  const serializer = new XMLSerializer();
  const digest = createHash('sha1')
    .update(libxml2C14n(serializer.serializeToString(unsigned)), 'utf8')
    .digest('base64');
  const signedInfo = signature.getElementsByTagNameNS(DSIG, 'SignedInfo')[0] as Element;
  const expectedDigest = signedInfo.getElementsByTagNameNS(DSIG, 'DigestValue')[0]?.textContent;
  const value = signature.getElementsByTagNameNS(DSIG, 'SignatureValue')[0]?.textContent ?? '';
  const signatureOk = createVerify('RSA-SHA1')
    .update(libxml2C14n(serializer.serializeToString(signedInfo)), 'utf8')
    .verify(publicKey, value.replace(/\s+/g, ''), 'base64');
  return { digestOk: digest === expectedDigest, signatureOk };
}

function xmlsecVerifies(xml: string): boolean {
  const directory = mkdtempSync(path.join(tmpdir(), 'dm-xmlsec-'));
  try {
    const file = path.join(directory, 'envelope.xml');
    writeFileSync(file, xml);
    const result = spawnSync('xmlsec1', [
      '--verify',
      '--pubkey-cert-der',
      certificatePath,
      '--id-attr:Id',
      'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd:Timestamp',
      file,
    ]);
    return result.status === 0;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Alters one character inside the signed part of an envelope. */
function tamper(xml: string, signedText: string): string {
  const at = xml.indexOf(signedText);
  if (at === -1) throw new Error(`"${signedText}" not in envelope`);
  const last = at + signedText.length - 1;
  const replacement = xml[last] === '0' ? '1' : '0';
  return xml.slice(0, last) + replacement + xml.slice(last + 1);
}

const folio = '96623061-61fe-49de-b298-c7156476aa8b';
const cases: [string, string, () => SignedRequest, string][] = [
  [
    'SolicitaDescargaEmitidos',
    'phpcfdi/query/request-issued.xml',
    () =>
      queryRequest(fiel, {
        contexto: 'Emitidos',
        tipoSolicitud: 'Metadata',
        fechaInicial: '2019-01-01T00:00:00',
        fechaFinal: '2019-01-01T00:04:00',
        rfcContrapartes: [],
      }),
    'FechaFinal="2019-01-01T00:04:00',
  ],
  [
    'SolicitaDescargaRecibidos with every filter',
    'phpcfdi/query/request-received.xml',
    () =>
      queryRequest(fiel, {
        contexto: 'Recibidos',
        tipoSolicitud: 'CFDI',
        fechaInicial: '2019-01-01T00:00:00',
        fechaFinal: '2019-01-01T00:04:00',
        rfcContrapartes: ['AAA010101AAA'],
        tipoComprobante: 'N',
        estadoComprobante: 'Vigente',
        rfcACuentaTerceros: 'XXX01010199A',
        complemento: 'nomina12',
      }),
    'RfcEmisor="AAA010101AAA',
  ],
  [
    'SolicitaDescargaFolio',
    'phpcfdi/query/request-item.xml',
    () => queryRequest(fiel, { contexto: 'Emitidos', tipoSolicitud: 'CFDI', rfcContrapartes: [], folio }),
    folio,
  ],
  [
    'VerificaSolicitudDescarga',
    'phpcfdi/verify/request.xml',
    () => verifyRequest(fiel, '3f30a4e1-af73-4085-8991-e4d97eef16bd'),
    '3f30a4e1-af73-4085-8991-e4d97eef16bd',
  ],
  [
    'Descargar',
    'phpcfdi/download/request.xml',
    () => downloadRequest(fiel, '4e80345d-917f-40bb-a98f-4a73939343c5_01'),
    '4e80345d-917f-40bb-a98f-4a73939343c5_01',
  ],
];

describe('signed operation envelopes', () => {
  it.each(cases)('%s equals the reference envelope in canonical form', (_name, file, build) => {
    // RSA PKCS#1 v1.5 is deterministic: same key, same data, same signature. Only the issuer's text
    // differs (it is outside the signed data, and every client writes it its own way).
    const withoutIssuer = (xml: string): string =>
      libxml2C14n(xml).replace(/<X509IssuerName>[^<]*<\/X509IssuerName>/, '<X509IssuerName/>');
    expect(withoutIssuer(build().body)).toBe(withoutIssuer(fixture(file)));
  });

  it.each(cases)(
    '%s verifies with libxml2 C14N, and fails once a signed byte changes',
    (_name, file, build, signed) => {
      const body = build().body;
      expect(verifyEnveloped(body)).toEqual({ digestOk: true, signatureOk: true });
      // The checker itself must tell good from bad: the reference envelope passes, a tampered one fails.
      expect(verifyEnveloped(fixture(file))).toEqual({ digestOk: true, signatureOk: true });
      expect(verifyEnveloped(tamper(body, signed)).digestOk).toBe(false);
    },
  );

  it('writes the issuer as RFC 4514 text, as openssl prints it', () => {
    const body = verifyRequest(fiel, 'x').body;
    const issuer = /<X509IssuerName>([^<]*)<\/X509IssuerName>/.exec(body)?.[1];
    const openssl = execFileSync('openssl', [
      'x509',
      '-inform',
      'DER',
      '-in',
      certificatePath,
      '-noout',
      '-issuer',
      '-nameopt',
      'RFC2253',
    ])
      .toString('utf8')
      .replace(/^issuer=/, '')
      .trim();
    expect(issuer).toBe(openssl);
  });
});

describe('Autentica envelope', () => {
  const created = new Date('2019-08-01T03:38:19.000Z');
  const tokenId = (xml: string): string => xml.replace(/uuid-[0-9a-f-]{36}-1/g, 'uuid-TOKEN-1');

  it('equals the reference envelope in canonical form (token id aside)', () => {
    expect(tokenId(libxml2C14n(authenticateRequest(fiel, created).body))).toBe(
      tokenId(libxml2C14n(fixture('phpcfdi/authenticate/request.xml'))),
    );
  });

  it('verifies with xmlsec1 (a standard WS-Security reference), and fails once a signed byte changes', () => {
    const body = authenticateRequest(fiel).body;
    expect(xmlsecVerifies(body)).toBe(true);
    expect(xmlsecVerifies(fixture('phpcfdi/authenticate/request.xml'))).toBe(true);
    const expires = /<u:Expires>([^<]+)<\/u:Expires>/.exec(body)?.[1] ?? '';
    expect(xmlsecVerifies(tamper(body, `<u:Expires>${expires.slice(0, 18)}`))).toBe(false);
  });
});
