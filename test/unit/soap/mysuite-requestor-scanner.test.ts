import { ValidationError } from '../../../src/errors';
import { inspectEnvelope } from '../../../src/soap/infra/envelope-inspector';
import { nextStep, refusalEnvelope } from '../../../src/soap/mysuite/requestor-gate';
import { type HeadScan, RequestorScanner } from '../../../src/soap/mysuite/requestor-scanner';

const NS = 'http://www.fact.com.mx/schema/ws';
const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const S12 = 'http://www.w3.org/2003/05/soap-envelope';
const GUID = '11111111-2222-3333-4444-555555555555';
const OPERATION = { namespace: NS, localName: 'RequestTransaction' };
const LIMITS = { maxHeadBytes: 1024, maxRequestorChars: 100 };

function envelope(inner: string, version = S11, header = ''): string {
  return (
    `<s:Envelope xmlns:s="${version}">${header}<s:Body>` +
    `<RequestTransaction xmlns="${NS}">${inner}</RequestTransaction></s:Body></s:Envelope>`
  );
}

/** Feeds `xml` in pieces of `size` bytes; the scan after the last piece that was read. */
function scan(xml: string | Buffer, size = Number.MAX_SAFE_INTEGER, limits = LIMITS): HeadScan {
  const bytes = Buffer.isBuffer(xml) ? xml : Buffer.from(xml, 'utf8');
  const scanner = new RequestorScanner(limits);
  let result: HeadScan = { state: 'reading' };
  for (let offset = 0; offset < bytes.length && result.state === 'reading'; offset += size) {
    result = scanner.write(bytes.subarray(offset, offset + size));
  }
  return result;
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof ValidationError ? error.code : `not a ValidationError: ${String(error)}`;
  }
  return undefined;
}

describe('RequestorScanner', () => {
  it('finds the Requestor with the version and operation', () => {
    expect(scan(envelope(`<Requestor> ${GUID} </Requestor><Transaction>X</Transaction>`))).toEqual({
      state: 'found',
      version: '1.1',
      operation: OPERATION,
      requestor: GUID,
    });
  });

  it('finds it fed one byte at a time, across a multi-byte character, in SOAP 1.2', () => {
    const xml = envelope(
      `<Requestor>${GUID}</Requestor>`,
      S12,
      '<s:Header><x:Nota xmlns:x="urn:x">añoñ€</x:Nota></s:Header>',
    );
    expect(scan(xml, 1)).toMatchObject({ state: 'found', version: '1.2', requestor: GUID });
  });

  it('reads entities, character references and CDATA as node-soap would', () => {
    expect(
      scan(envelope(`<Requestor>{${GUID.slice(0, 4)}&#x31;${GUID.slice(5)}&amp;}</Requestor>`)),
    ).toMatchObject({
      requestor: `{${GUID.slice(0, 4)}1${GUID.slice(5)}&}`,
    });
    expect(scan(envelope(`<Requestor><![CDATA[${GUID}]]></Requestor>`))).toMatchObject({ requestor: GUID });
  });

  it('drops a UTF-8 byte-order mark', () => {
    const xml = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(envelope(`<Requestor>${GUID}</Requestor>`)),
    ]);
    expect(scan(xml)).toMatchObject({ state: 'found', requestor: GUID });
  });

  it('gives no usable Requestor for one too long or with markup inside', () => {
    expect(scan(envelope(`<Requestor>${'9'.repeat(101)}</Requestor>`))).toMatchObject({
      state: 'found',
      requestor: undefined,
    });
    expect(scan(envelope(`<Requestor>${'9'.repeat(100)}</Requestor>`))).toMatchObject({
      requestor: '9'.repeat(100),
    });
    expect(scan(envelope(`<Requestor><b>${GUID}</b></Requestor>`))).toMatchObject({
      state: 'found',
      requestor: undefined,
    });
  });

  it('ignores a Requestor that is not a child of the Body’s operation element', () => {
    const inHeader = envelope(
      '<Transaction>X</Transaction>',
      S11,
      `<s:Header><Requestor>${GUID}</Requestor></s:Header>`,
    );
    expect(scan(inHeader)).toEqual({ state: 'reading' });
    const deeper = envelope(`<Data1><Requestor>${GUID}</Requestor></Data1>`);
    expect(scan(deeper)).toEqual({ state: 'reading' });
  });

  it('is exhausted by a byte past the bound, never reading it, wherever the bound falls', () => {
    const attribute = `<s:Envelope xmlns:s="${S11}" x="${'A'.repeat(5000)}"><s:Body/></s:Envelope>`;
    expect(scan(attribute)).toEqual({ state: 'exhausted', version: undefined, operation: undefined });
    const afterOperation = envelope(
      `<Transaction>${'A'.repeat(5000)}</Transaction><Requestor>${GUID}</Requestor>`,
    );
    expect(scan(afterOperation, 7)).toEqual({ state: 'exhausted', version: '1.1', operation: OPERATION });
  });

  it('reads up to the bound included: a Requestor ending on its last byte is found', () => {
    const xml = envelope(`<Requestor>${GUID}</Requestor>`);
    const upToRequestor = xml.indexOf('</Requestor>') + '</Requestor>'.length;
    expect(scan(xml, 1, { ...LIMITS, maxHeadBytes: upToRequestor })).toMatchObject({ state: 'found' });
    expect(scan(xml, 1, { ...LIMITS, maxHeadBytes: upToRequestor - 1 })).toMatchObject({
      state: 'exhausted',
    });
    expect(scan(xml, 1000, { ...LIMITS, maxHeadBytes: Buffer.byteLength(xml) })).toMatchObject({
      state: 'found',
    });
  });

  it.each([
    ['not XML', 'hello', 'DM-2101'],
    ['XML that is no SOAP envelope', `<Envelope><Body/></Envelope>`, 'DM-2101'],
    ['a DTD', `<!DOCTYPE x [<!ENTITY a "b">]>${envelope('')}`, 'DM-2102'],
    ['UTF-16', Buffer.from(`\ufeff${envelope('')}`, 'utf16le'), 'DM-2101'],
    ['nesting past 64 levels', envelope(`${'<a>'.repeat(70)}`), 'DM-2101'],
    ['mismatched tags', envelope('<Requestor>x</Transaction>'), 'DM-2101'],
  ])('refuses %s', (_name, xml, code) => {
    expect(codeOf(() => scan(xml))).toBe(code);
  });
});

describe('nextStep', () => {
  const found = (requestor: string | undefined): HeadScan => ({
    state: 'found',
    version: '1.1',
    operation: OPERATION,
    requestor,
  });

  it.each([
    ['a usable Requestor', found(GUID), false, { action: 'authenticate', requestor: GUID }],
    [
      'a usable Requestor in a body already read',
      found(GUID),
      true,
      { action: 'authenticate', requestor: GUID },
    ],
    ['an unusable Requestor', found(undefined), false, { action: 'refuse' }],
    ['an empty Requestor', found(''), true, { action: 'refuse' }],
    [
      'a head without Requestor',
      { state: 'exhausted', version: '1.1', operation: OPERATION },
      false,
      { action: 'refuse' },
    ],
    ['a whole body without Requestor', { state: 'reading' }, true, { action: 'pass' }],
    ['a body still reading', { state: 'reading' }, false, { action: 'refuse' }],
  ] as const)('%s', (_name, head, ended, step) => {
    expect(nextStep(head, ended)).toEqual(step);
  });
});

describe('refusalEnvelope', () => {
  it('is an envelope of the same version and operation, carrying only the Requestor', () => {
    for (const version of ['1.1', '1.2'] as const) {
      const xml = refusalEnvelope(version, OPERATION, `<${GUID}&>`);
      expect(inspectEnvelope(xml)).toMatchObject({ version, bodyElement: OPERATION });
      expect(xml).toContain(`<Requestor>&lt;${GUID}&amp;&gt;</Requestor>`);
    }
  });

  it('keeps an operation of no namespace routable (and so refused as unknown, as before)', () => {
    const xml = refusalEnvelope('1.1', { namespace: '', localName: 'Otra' }, undefined);
    expect(inspectEnvelope(xml).bodyElement).toEqual({ namespace: '', localName: 'Otra' });
  });
});
