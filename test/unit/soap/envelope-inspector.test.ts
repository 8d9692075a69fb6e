import { ValidationError } from '../../../src/errors';
import { inspectEnvelope, withoutHeader } from '../../../src/soap/infra/envelope-inspector';

const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const S12 = 'http://www.w3.org/2003/05/soap-envelope';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';

function codeOf(xml: string): string {
  try {
    inspectEnvelope(xml);
  } catch (error) {
    if (error instanceof ValidationError) return error.code;
    throw error;
  }
  return 'none';
}

describe('withoutHeader', () => {
  const body = '<s:Body><Eco xmlns="urn:x"><Texto>a</Texto></Eco></s:Body>';
  it.each([
    [
      'a WS-Security header',
      `<s:Header><o:Security xmlns:o="${WSSE}"><o:UsernameToken><o:Username>ü😀</o:Username></o:UsernameToken></o:Security></s:Header>`,
    ],
    ['an empty header', '<s:Header/>'],
    [
      'a header with attributes, a comment and spacing',
      '<s:Header a="x&gt;y" >\n<!-- <s:Body> -->\n<h xmlns="urn:h">1</h></s:Header >',
    ],
  ])('cuts exactly the envelope Header out, leaving the rest byte for byte: %s', (_name, header) => {
    const before = `<?xml version="1.0"?>\n<s:Envelope xmlns:s="${S11}"> <!-- ü -->`;
    const after = ` ${body}</s:Envelope>`;
    const xml = `${before}${header}${after}`;
    expect(withoutHeader(xml, inspectEnvelope(xml))).toBe(`${before}${after}`);
  });

  it('leaves an envelope without a Header, and a Header-named body element, alone', () => {
    const xml = `<s:Envelope xmlns:s="${S11}"><s:Body><Header xmlns="urn:x"/></s:Body></s:Envelope>`;
    expect(withoutHeader(xml, inspectEnvelope(xml))).toBe(xml);
  });
});

describe('inspectEnvelope', () => {
  it('reads the version, the body element and a digest UsernameToken', () => {
    const summary = inspectEnvelope(
      `<?xml version="1.0"?><s:Envelope xmlns:s="${S11}"><s:Header><o:Security xmlns:o="${WSSE}" xmlns:u="${WSU}">` +
        '<o:UsernameToken><o:Username>demo</o:Username>' +
        '<o:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">ZGln&amp;</o:Password>' +
        '<o:Nonce EncodingType="…#Base64Binary">bm9uY2U=</o:Nonce><u:Created>2026-11-24T10:00:00Z</u:Created>' +
        `</o:UsernameToken></o:Security></s:Header><s:Body><Eco xmlns="urn:x"><Texto>a</Texto></Eco></s:Body></s:Envelope>`,
    );
    expect(summary.version).toBe('1.1');
    expect(summary.securityHeader).toBe(true);
    expect(summary.bodyElement).toEqual({ namespace: 'urn:x', localName: 'Eco' });
    expect(summary.usernameToken).toEqual({
      username: 'demo',
      password: 'ZGln&',
      passwordType: expect.stringMatching(/#PasswordDigest$/),
      nonce: 'bm9uY2U=',
      nonceEncoding: '…#Base64Binary',
      created: '2026-11-24T10:00:00Z',
    });
  });

  it('reads SOAP 1.2 envelopes and leaves the token out when there is none', () => {
    const summary = inspectEnvelope(
      `<e:Envelope xmlns:e="${S12}"><e:Body><x:Sumar xmlns:x="urn:y"/></e:Body></e:Envelope>`,
    );
    expect(summary).toEqual({
      version: '1.2',
      bodyElement: { namespace: 'urn:y', localName: 'Sumar' },
      securityHeader: false,
      plainBody: {},
    });
  });

  it('notices a Security header that holds no UsernameToken', () => {
    const summary = inspectEnvelope(
      `<s:Envelope xmlns:s="${S11}"><s:Header><o:Security xmlns:o="${WSSE}"><o:Timestamp/></o:Security></s:Header>` +
        '<s:Body><Eco xmlns="urn:x"/></s:Body></s:Envelope>',
    );
    expect(summary).toMatchObject({ securityHeader: true, usernameToken: undefined });
  });

  it('ignores a UsernameToken outside the header', () => {
    const summary = inspectEnvelope(
      `<s:Envelope xmlns:s="${S11}"><s:Body><Security><UsernameToken><Username>x</Username></UsernameToken></Security></s:Body></s:Envelope>`,
    );
    expect(summary.usernameToken).toBeUndefined();
    expect(summary.securityHeader).toBe(false);
  });

  it.each([
    ['not XML', 'hola'],
    ['unclosed', `<s:Envelope xmlns:s="${S11}"><s:Body>`],
    ['no envelope', '<Envelope><Body/></Envelope>'],
    ['wrong namespace', '<s:Envelope xmlns:s="urn:other"><s:Body/></s:Envelope>'],
    ['undefined entity', `<s:Envelope xmlns:s="${S11}"><s:Body>&lol;</s:Body></s:Envelope>`],
    ['two roots', `<s:Envelope xmlns:s="${S11}"/><s:Envelope xmlns:s="${S11}"/>`],
    [
      'too deep',
      `<s:Envelope xmlns:s="${S11}"><s:Body>${'<a>'.repeat(100)}${'</a>'.repeat(100)}</s:Body></s:Envelope>`,
    ],
    ['empty', ''],
    [
      'a __proto__ element',
      `<s:Envelope xmlns:s="${S11}"><s:Body><x><__proto__><a>1</a></__proto__></x></s:Body></s:Envelope>`,
    ],
    [
      'a constructor element',
      `<s:Envelope xmlns:s="${S11}"><s:Body><x><t:constructor xmlns:t="urn:t"/></x></s:Body></s:Envelope>`,
    ],
    [
      'a __proto__ attribute',
      `<s:Envelope xmlns:s="${S11}"><s:Body><x __proto__="1"/></s:Body></s:Envelope>`,
    ],
  ])('rejects %s as malformed (DM-2101)', (_name, xml) => {
    expect(codeOf(xml)).toBe('DM-2101');
  });

  it.each([
    [
      'DOCTYPE',
      `<!DOCTYPE s [<!ENTITY a "b">]><s:Envelope xmlns:s="${S11}"><s:Body>&a;</s:Body></s:Envelope>`,
    ],
    ['external entity', `<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>`],
    ['lower-case doctype', `<!doctype x><x/>`],
    ['stray ENTITY', `<s:Envelope xmlns:s="${S11}"><s:Body><!ENTITY x "y"></s:Body></s:Envelope>`],
  ])('rejects a %s before parsing (DM-2102)', (_name, xml) => {
    expect(codeOf(xml)).toBe('DM-2102');
  });
});
