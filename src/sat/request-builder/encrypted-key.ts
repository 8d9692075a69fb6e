/**
 * Whether a `.key` is a well-formed encrypted PKCS#8 container (EncryptedPrivateKeyInfo: a SEQUENCE of
 * an AlgorithmIdentifier SEQUENCE and an OCTET STRING, nothing after it). With a wrong password the
 * decryption's padding check still passes about once in 256 tries; what comes out is then garbage that
 * fails as ASN.1, not as "bad decrypt". When the container itself is intact, any failure to read the
 * key behind it means the password did not open it.
 */
export function isEncryptedKeyContainer(content: Buffer): boolean {
  const pem = content.subarray(0, 128).toString('latin1');
  if (pem.includes('-----BEGIN')) {
    if (/Proc-Type:\s*4,ENCRYPTED/.test(content.toString('latin1'))) return true;
    const body = /-----BEGIN ENCRYPTED PRIVATE KEY-----([\s\S]*?)-----END ENCRYPTED PRIVATE KEY-----/.exec(
      content.toString('latin1'),
    );
    return body !== null && isEncryptedDer(Buffer.from(body[1]?.replace(/\s+/g, '') ?? '', 'base64'));
  }
  return isEncryptedDer(content);
}

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

/** One DER element at `offset`, or undefined when its header or length does not fit. */
function tlvAt(der: Buffer, offset: number): Tlv | undefined {
  if (offset + 2 > der.length) return undefined;
  const tag = der[offset] as number;
  const first = der[offset + 1] as number;
  let length = first;
  let start = offset + 2;
  if (first & 0x80) {
    const bytes = first & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > der.length) return undefined;
    length = 0;
    for (let index = 0; index < bytes; index += 1) length = length * 256 + (der[start + index] as number);
    start += bytes;
  }
  const end = start + length;
  return end <= der.length ? { tag, start, end } : undefined;
}

function isEncryptedDer(der: Buffer): boolean {
  const outer = tlvAt(der, 0);
  if (!outer || outer.tag !== 0x30 || outer.end !== der.length) return false;
  const algorithm = tlvAt(der, outer.start);
  if (!algorithm || algorithm.tag !== 0x30) return false;
  const data = tlvAt(der, algorithm.end);
  return data !== undefined && data.tag === 0x04 && data.end === outer.end && data.end > data.start;
}
