import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';

/*
 * Data-driven contract cases: every `fixtures/soap/<Operation>__<case>/` holds the operation element
 * to send (`request.xml`) and what must come back (`expected.xml`): the response element, or the
 * `Falla` of a Fault. Each case runs in a SOAP 1.1 and a SOAP 1.2 envelope. In `expected.xml`,
 * `{{any}}` matches any text, `{{uuid}}` a UUID, and `{{more}}` any further child elements.
 */

const casesDirectory = path.join(__dirname, '../../../fixtures/soap');
const cases = readdirSync(casesDirectory).sort();

const ENVELOPES = {
  '1.1': {
    namespace: 'http://schemas.xmlsoap.org/soap/envelope/',
    contentType: (operation: string) => ({
      'Content-Type': 'text/xml; charset=utf-8',
      SOAPAction: `"urn:descarga-masiva:v1/${operation}"`,
    }),
  },
  '1.2': {
    namespace: 'http://www.w3.org/2003/05/soap-envelope',
    contentType: (operation: string) => ({
      'Content-Type': `application/soap+xml; charset=utf-8; action="urn:descarga-masiva:v1/${operation}"`,
    }),
  },
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function elements(parent: Element): Element[] {
  return Array.from(parent.childNodes).filter((node): node is Element => node.nodeType === 1);
}

function ownText(element: Element): string {
  return Array.from(element.childNodes)
    .filter((node) => node.nodeType === 3)
    .map((node) => node.nodeValue ?? '')
    .join('')
    .trim();
}

/** Differences between an expected tree (with placeholders) and the actual one, as readable paths. */
function differences(expected: Element, actual: Element, where = expected.localName ?? ''): string[] {
  if (expected.localName !== actual.localName)
    return [`${where}: expected <${expected.localName}>, got <${actual.localName}>`];
  const wanted = elements(expected);
  const got = elements(actual);
  const text = ownText(expected);
  const open = text.includes('{{more}}');
  const found: string[] = [];
  if (wanted.length === 0 && !open) {
    const value = ownText(actual);
    if (text === '{{uuid}}' ? !UUID.test(value) : text !== '{{any}}' && text !== value)
      found.push(`${where}: expected "${text}", got "${value}"`);
    if (got.length > 0) found.push(`${where}: unexpected children ${got.map((e) => e.localName).join(', ')}`);
    return found;
  }
  if (!open && got.length !== wanted.length)
    found.push(
      `${where}: expected ${wanted.length} children, got ${got.length} (${got.map((e) => e.localName).join(', ')})`,
    );
  wanted.forEach((child, index) => {
    const counterpart = got[index];
    if (!counterpart) found.push(`${where}/${child.localName}: missing`);
    else found.push(...differences(child, counterpart, `${where}/${child.localName}`));
  });
  return found;
}

function find(root: Element, localName: string): Element | undefined {
  if (root.localName === localName) return root;
  for (const child of elements(root)) {
    const hit = find(child, localName);
    if (hit) return hit;
  }
  return undefined;
}

describe('SOAP contract cases from fixtures/soap', () => {
  let application: PostgresTestApp;

  beforeAll(async () => {
    application = await startTestApp({
      name: 'dm_soap_fixtures',
      env: {
        WORKERS_ENABLED: 'false',
      },
    });
  });

  afterAll(async () => {
    await application.close();
  });

  it('has cases for every operation of the contract', () => {
    const operations = new Set(cases.map((name) => name.split('__')[0]));
    expect([...operations].sort()).toEqual(
      [
        'ConsultarCfdi',
        'ConsultarConciliacion',
        'ConsultarPagos',
        'RecuperarCfdi',
        'RecuperarLinkDescarga',
        'RecuperarListaSolicitudes',
        'RecuperarSolicitud',
        'RegistrarSolicitud',
      ].sort(),
    );
  });

  describe.each(['1.1', '1.2'] as const)('SOAP %s', (version) => {
    it.each(cases)('%s', async (name) => {
      const operation = name.split('__')[0] as string;
      const body = readFileSync(path.join(casesDirectory, name, 'request.xml'), 'utf8').replace(
        /^<\?xml[^>]*>\s*/,
        '',
      );
      const expected = new DOMParser().parseFromString(
        readFileSync(path.join(casesDirectory, name, 'expected.xml'), 'utf8'),
        'text/xml',
      ).documentElement as unknown as Element;
      const envelope = ENVELOPES[version];
      const response = await fetch(`${application.url}/soap/DescargaMasiva`, {
        method: 'POST',
        headers: {
          ...envelope.contentType(operation),
          Authorization: `Basic ${Buffer.from('demo:demo').toString('base64')}`,
        },
        body: `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="${envelope.namespace}"><env:Body>${body}</env:Body></env:Envelope>`,
      });
      const text = await response.text();
      const answer = new DOMParser().parseFromString(text, 'text/xml').documentElement as unknown as Element;
      expect(answer.namespaceURI).toBe(envelope.namespace);
      const isFault = expected.localName === 'Falla';
      expect({ name, status: response.status >= 400 ? 'fault' : 'ok' }).toEqual({
        name,
        status: isFault ? 'fault' : 'ok',
      });
      const actual = find(answer, expected.localName ?? '');
      expect({ name, found: actual !== undefined, text: actual ? undefined : text.slice(0, 400) }).toEqual({
        name,
        found: true,
        text: undefined,
      });
      expect(differences(expected, actual as Element)).toEqual([]);
    });
  });
});
