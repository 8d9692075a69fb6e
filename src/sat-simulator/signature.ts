import { createHash, createVerify, X509Certificate } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { C14nCanonicalization, ExclusiveCanonicalization } from 'xml-crypto';
import { NS } from './protocol';
import { child, childElements, descendant, textOf } from './xml';

/** Why a signature was not accepted: malformed (SAT 301/302) or not matching (302). */
export class SignatureProblem extends Error {
  constructor(
    readonly kind: 'malformed' | 'invalid',
    reason: string,
  ) {
    super(reason);
    this.name = 'SignatureProblem';
  }
}

const exclusive = new ExclusiveCanonicalization();
const inclusive = new C14nCanonicalization();

function sha1(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('base64');
}

function certificateFrom(base64: string): X509Certificate {
  try {
    return new X509Certificate(Buffer.from(base64.replace(/\s+/g, ''), 'base64'));
  } catch {
    throw new SignatureProblem('malformed', 'unreadable certificate');
  }
}

/** Verifies SignatureValue over the standalone exclusive canonical form of SignedInfo. */
function verifySignedInfo(signature: Element, certificate: X509Certificate): Element {
  const signedInfo = child(signature, NS.dsig, 'SignedInfo');
  const value = textOf(child(signature, NS.dsig, 'SignatureValue'));
  if (!signedInfo || !value) throw new SignatureProblem('malformed', 'SignedInfo or SignatureValue missing');
  const method = child(signedInfo, NS.dsig, 'SignatureMethod')?.getAttribute('Algorithm') ?? '';
  const algorithm = method.endsWith('rsa-sha256')
    ? 'RSA-SHA256'
    : method.endsWith('rsa-sha1')
      ? 'RSA-SHA1'
      : undefined;
  if (!algorithm) throw new SignatureProblem('malformed', `unsupported signature method ${method}`);
  const canonical = exclusive.process(signedInfo, {}).toString();
  const valid = createVerify(algorithm)
    .update(canonical, 'utf8')
    .verify(certificate.publicKey, value, 'base64');
  if (!valid) throw new SignatureProblem('invalid', 'SignatureValue does not verify');
  return signedInfo;
}

function digestValueOf(signedInfo: Element): string {
  const reference = child(signedInfo, NS.dsig, 'Reference');
  const digest = textOf(reference ? child(reference, NS.dsig, 'DigestValue') : undefined);
  if (!digest) throw new SignatureProblem('malformed', 'DigestValue missing');
  return digest;
}

/**
 * WS-Security of Autentica: the Timestamp referenced by the signature is digested (exclusive C14N,
 * SHA-1), SignedInfo is signed by the key of the BinarySecurityToken. Returns the certificate and the
 * Timestamp's Created/Expires.
 */
export function verifyWsSecurity(envelope: Element): {
  certificate: X509Certificate;
  created: Date;
  expires: Date;
} {
  const security = descendant(envelope, NS.wsse, 'Security');
  const timestamp = security ? child(security, NS.wsu, 'Timestamp') : undefined;
  const token = security ? child(security, NS.wsse, 'BinarySecurityToken') : undefined;
  const signature = security ? child(security, NS.dsig, 'Signature') : undefined;
  if (!timestamp || !token || !signature)
    throw new SignatureProblem('malformed', 'incomplete WS-Security header');
  const certificate = certificateFrom(textOf(token));
  const signedInfo = verifySignedInfo(signature, certificate);
  const reference = child(signedInfo, NS.dsig, 'Reference')?.getAttribute('URI') ?? '';
  const timestampId = timestamp.getAttributeNS(NS.wsu, 'Id') || timestamp.getAttribute('u:Id') || '';
  if (reference !== `#${timestampId}`)
    throw new SignatureProblem('invalid', 'signature does not cover the Timestamp');
  if (sha1(exclusive.process(timestamp, {}).toString()) !== digestValueOf(signedInfo)) {
    throw new SignatureProblem('invalid', 'Timestamp digest mismatch');
  }
  const created = new Date(textOf(child(timestamp, NS.wsu, 'Created')));
  const expires = new Date(textOf(child(timestamp, NS.wsu, 'Expires')));
  if (Number.isNaN(created.getTime()) || Number.isNaN(expires.getTime())) {
    throw new SignatureProblem('malformed', 'bad Timestamp dates');
  }
  return { certificate, created, expires };
}

/** Namespace declarations in scope from the ancestors of `element`, nearest first wins. */
function inheritedNamespaces(element: Element): { prefix: string; namespaceURI: string }[] {
  const seen = new Map<string, string>();
  for (
    let node = element.parentNode as Element | null;
    node && node.nodeType === 1;
    node = node.parentNode as Element | null
  ) {
    for (const attribute of Array.from(node.attributes)) {
      const prefix =
        attribute.name === 'xmlns'
          ? ''
          : attribute.name.startsWith('xmlns:')
            ? attribute.name.slice(6)
            : undefined;
      if (prefix !== undefined && !seen.has(prefix)) seen.set(prefix, attribute.value);
    }
  }
  return [...seen].map(([prefix, namespaceURI]) => ({ prefix, namespaceURI }));
}

/**
 * The enveloped signature of Solicitud, Verificación and Descarga: the operation element without its
 * Signature is digested with exclusive C14N (what php and node send) or, failing that, inclusive C14N
 * with inherited namespaces (what python-satcfdi sends; SAT accepts both).
 */
export function verifyEnvelopedSignature(operation: Element, parameters: Element): X509Certificate {
  const signature = child(parameters, NS.dsig, 'Signature');
  if (!signature) throw new SignatureProblem('malformed', 'Signature missing');
  const keyInfo = child(signature, NS.dsig, 'KeyInfo');
  const x509Data = keyInfo ? child(keyInfo, NS.dsig, 'X509Data') : undefined;
  const certificateText = textOf(x509Data ? child(x509Data, NS.dsig, 'X509Certificate') : undefined);
  if (!certificateText) throw new SignatureProblem('malformed', 'X509Certificate missing');
  const certificate = certificateFrom(certificateText);
  const signedInfo = verifySignedInfo(signature, certificate);
  const expected = digestValueOf(signedInfo);
  const unsigned = operation.cloneNode(true) as Element;
  const unsignedParameters = childElements(unsigned).find(
    (element) => element.localName === parameters.localName,
  );
  const unsignedSignature = unsignedParameters ? child(unsignedParameters, NS.dsig, 'Signature') : undefined;
  if (!unsignedParameters || !unsignedSignature)
    throw new SignatureProblem('malformed', 'Signature not in place');
  unsignedParameters.removeChild(unsignedSignature);
  const exclusiveDigest = sha1(exclusive.process(unsigned, {}).toString());
  if (exclusiveDigest === expected) return certificate;
  const ancestorNamespaces = inheritedNamespaces(operation);
  const inclusiveDigest = sha1(inclusive.process(unsigned, { ancestorNamespaces }).toString());
  if (inclusiveDigest === expected) return certificate;
  throw new SignatureProblem('invalid', 'digest mismatch');
}
