import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';

/*
 * docs/examples/soapui/descarga-masiva-soapui-project.xml, the SoapUI project ERPs import as is: checked
 * against the WSDL (one interface per binding, one request per operation of the portType, the binding's
 * actions), its sample bodies validated by xmllint against the XSD, and each sample sent to the running
 * server the way SoapUI sends it, expecting an answer or the business fault its placeholder ids deserve.
 */

const root = path.join(__dirname, '../../..');
const PROJECT_FILE = path.join(root, 'docs/examples/soapui/descarga-masiva-soapui-project.xml');
const WSDL_FILE = path.join(root, 'wsdl/DescargaMasiva.wsdl');
const XSD_FILE = path.join(root, 'wsdl/DescargaMasiva.xsd');

const CON = 'http://eviware.com/soapui/config';
const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const WSDL_SOAP11 = 'http://schemas.xmlsoap.org/wsdl/soap/';
const WSDL_SOAP12 = 'http://schemas.xmlsoap.org/wsdl/soap12/';
const DM = 'urn:descarga-masiva:v1';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const ENVELOPE_NS = {
  '1_1': 'http://schemas.xmlsoap.org/soap/envelope/',
  '1_2': 'http://www.w3.org/2003/05/soap-envelope',
} as const;
type SoapUiVersion = keyof typeof ENVELOPE_NS;

const DEFAULT_SERVICE = 'http://localhost:8080';
const DEFINITION_URL = `${DEFAULT_SERVICE}/soap/DescargaMasiva?wsdl`;
const ENDPOINT = `${DEFAULT_SERVICE}/soap/DescargaMasiva`;
const DEMO_RFC = 'EKU9003173C9';

/** What each sample, as written, must get from a server with the demo account and no other data. */
const EXPECTED: Record<string, { answer: boolean; faults: string[] }> = {
  RegistrarSolicitud: { answer: true, faults: [] },
  RecuperarSolicitud: { answer: false, faults: ['DM-9009'] },
  RecuperarLinkDescarga: { answer: false, faults: ['DM-9009'] },
  RecuperarListaSolicitudes: { answer: true, faults: [] },
  ConsultarCfdi: { answer: true, faults: [] },
  RecuperarCfdi: { answer: false, faults: ['DM-9017'] },
  ConsultarConciliacion: { answer: true, faults: [] },
  ConsultarPagos: { answer: true, faults: [] },
};

const exec = promisify(execFile);

function parse(text: string): Document {
  return new DOMParser().parseFromString(text, 'text/xml');
}

function children(parent: Element, namespace: string, localName: string): Element[] {
  return Array.from(parent.childNodes).filter(
    (node): node is Element =>
      node.nodeType === 1 &&
      (node as Element).namespaceURI === namespace &&
      (node as Element).localName === localName,
  );
}

function child(parent: Element, namespace: string, localName: string): Element {
  const found = children(parent, namespace, localName)[0];
  if (!found) throw new Error(`<${parent.localName}> has no {${namespace}}${localName}`);
  return found;
}

function elementChildren(parent: Element): Element[] {
  return Array.from(parent.childNodes).filter((node): node is Element => node.nodeType === 1);
}

function textOf(parent: Element, namespace: string, localName: string): string {
  return (child(parent, namespace, localName).textContent ?? '').trim();
}

interface WsdlBinding {
  name: string;
  version: SoapUiVersion;
  actions: Map<string, string>;
}

function readWsdl(): { operations: string[]; bindings: WsdlBinding[] } {
  const definitions = parse(readFileSync(WSDL_FILE, 'utf8')).documentElement as Element;
  const portType = child(definitions, WSDL, 'portType');
  const operations = children(portType, WSDL, 'operation').map((op) => op.getAttribute('name') ?? '');
  const bindings = children(definitions, WSDL, 'binding').map((binding) => {
    const version: SoapUiVersion = children(binding, WSDL_SOAP12, 'binding').length > 0 ? '1_2' : '1_1';
    const soapNs = version === '1_2' ? WSDL_SOAP12 : WSDL_SOAP11;
    const actions = new Map(
      children(binding, WSDL, 'operation').map((op) => [
        op.getAttribute('name') ?? '',
        child(op, soapNs, 'operation').getAttribute('soapAction') ?? '',
      ]),
    );
    return { name: binding.getAttribute('name') ?? '', version, actions };
  });
  return { operations, bindings };
}

interface SampleRequest {
  interfaceName: string;
  version: SoapUiVersion;
  operation: string;
  action: string;
  endpoint: string;
  envelopeText: string;
  envelope: Element;
  body: Element;
  credentials: { username: string; password: string; authType: string };
}

interface SoapUiInterface {
  name: string;
  bindingName: string;
  version: SoapUiVersion;
  definition: string;
  endpoints: string[];
  operations: string[];
}

function readProject(): { project: Element; interfaces: SoapUiInterface[]; requests: SampleRequest[] } {
  const project = parse(readFileSync(PROJECT_FILE, 'utf8')).documentElement as Element;
  const interfaces: SoapUiInterface[] = [];
  const requests: SampleRequest[] = [];
  for (const iface of children(project, CON, 'interface')) {
    const version = iface.getAttribute('soapVersion') as SoapUiVersion;
    const name = iface.getAttribute('name') ?? '';
    const operations = children(iface, CON, 'operation');
    interfaces.push({
      name,
      bindingName: iface.getAttribute('bindingName') ?? '',
      version,
      definition: iface.getAttribute('definition') ?? '',
      endpoints: children(child(iface, CON, 'endpoints'), CON, 'endpoint').map((e) => e.textContent ?? ''),
      operations: operations.map((op) => op.getAttribute('name') ?? ''),
    });
    for (const operation of operations) {
      for (const call of children(operation, CON, 'call')) {
        const envelopeText = textOf(call, CON, 'request');
        const envelope = parse(envelopeText).documentElement as Element;
        const bodies = children(envelope, ENVELOPE_NS[version] ?? '', 'Body');
        const credentials = child(call, CON, 'credentials');
        requests.push({
          interfaceName: name,
          version,
          operation: operation.getAttribute('name') ?? '',
          action: operation.getAttribute('action') ?? '',
          endpoint: textOf(call, CON, 'endpoint'),
          envelopeText,
          envelope,
          body: elementChildren(bodies[0] ?? envelope)[0] ?? envelope,
          credentials: {
            username: textOf(credentials, CON, 'username'),
            password: textOf(credentials, CON, 'password'),
            authType: textOf(credentials, CON, 'authType'),
          },
        });
      }
    }
  }
  return { project, interfaces, requests };
}

const wsdl = readWsdl();
const soapUi = readProject();

describe('the SoapUI project of docs/examples/soapui', () => {
  it('is a SoapUI 5 project with one interface per binding of the WSDL, at the default address', () => {
    expect(soapUi.project.namespaceURI).toBe(CON);
    expect(soapUi.project.localName).toBe('soapui-project');
    expect(soapUi.project.getAttribute('soapui-version')).toMatch(/^5\./);
    expect(wsdl.bindings.map((b) => b.version).sort()).toEqual(['1_1', '1_2']);
    expect(soapUi.interfaces.map((i) => i.bindingName).sort()).toEqual(
      wsdl.bindings.map((b) => `{${DM}}${b.name}`).sort(),
    );
    for (const binding of wsdl.bindings) {
      const iface = soapUi.interfaces.find((i) => i.bindingName === `{${DM}}${binding.name}`);
      expect(iface).toMatchObject({
        name: binding.name,
        version: binding.version,
        definition: DEFINITION_URL,
        endpoints: [ENDPOINT],
      });
    }
  });

  it("has, in each interface, exactly the portType's operations with the binding's SOAP actions", () => {
    // A new operation in the WSDL needs a sample here and an expected outcome in EXPECTED.
    expect(Object.keys(EXPECTED).sort()).toEqual([...wsdl.operations].sort());
    for (const iface of soapUi.interfaces) {
      expect([...iface.operations].sort()).toEqual([...wsdl.operations].sort());
      const binding = wsdl.bindings.find((b) => `{${DM}}${b.name}` === iface.bindingName);
      for (const operation of wsdl.operations) {
        const samples = soapUi.requests.filter(
          (r) => r.interfaceName === iface.name && r.operation === operation,
        );
        expect(samples.length).toBeGreaterThanOrEqual(1);
        for (const sample of samples) expect(sample.action).toBe(binding?.actions.get(operation));
      }
    }
  });

  it('writes every sample as its interface SOAP version, for its operation, with the demo credentials', () => {
    expect(soapUi.requests.length).toBe(wsdl.operations.length * wsdl.bindings.length);
    for (const request of soapUi.requests) {
      const where = `${request.interfaceName}/${request.operation}`;
      expect({ where, ns: request.envelope.namespaceURI, name: request.envelope.localName }).toEqual({
        where,
        ns: ENVELOPE_NS[request.version],
        name: 'Envelope',
      });
      expect({ where, ns: request.body.namespaceURI, name: request.body.localName }).toEqual({
        where,
        ns: DM,
        name: request.operation,
      });
      expect({ where, endpoint: request.endpoint }).toEqual({ where, endpoint: ENDPOINT });
      expect(request.credentials).toEqual({ username: 'demo', password: 'demo', authType: 'Preemptive' });
      const token = request.envelope.getElementsByTagNameNS(WSSE, 'UsernameToken')[0] as Element;
      expect({
        where,
        username: textOf(token, WSSE, 'Username'),
        password: textOf(token, WSSE, 'Password'),
      }).toEqual({ where, username: 'demo', password: 'demo' });
      // Every RFC a sample names is the demo account's.
      for (const name of ['Rfc', 'RfcEmisor']) {
        for (const rfc of Array.from(request.body.getElementsByTagNameNS(DM, name))) {
          expect({ where, rfc: rfc.textContent }).toEqual({ where, rfc: DEMO_RFC });
        }
      }
    }
    const registrar = soapUi.requests.filter((r) => r.operation === 'RegistrarSolicitud');
    expect(registrar.map((r) => textOf(r.body, DM, 'Rfc'))).toEqual([DEMO_RFC, DEMO_RFC]);
  });

  describe('sample bodies against wsdl/DescargaMasiva.xsd (xmllint --schema)', () => {
    let scratch: string;

    beforeAll(() => {
      scratch = mkdtempSync(path.join(tmpdir(), 'dm-soapui-bodies-'));
    });

    afterAll(() => {
      rmSync(scratch, { recursive: true, force: true });
    });

    async function validate(files: string[]): Promise<{ ok: boolean; output: string }> {
      try {
        const { stdout, stderr } = await exec('xmllint', [
          '--nonet',
          '--noout',
          '--schema',
          XSD_FILE,
          ...files,
        ]);
        return { ok: true, output: stdout + stderr };
      } catch (error) {
        const failure = error as { stdout?: string; stderr?: string };
        return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
      }
    }

    it('validates every sample body', async () => {
      const files = soapUi.requests.map((request, index) => {
        const file = path.join(scratch, `${index}-${request.interfaceName}-${request.operation}.xml`);
        writeFileSync(file, new XMLSerializer().serializeToString(request.body));
        return file;
      });
      const verdict = await validate(files);
      expect(verdict.output).not.toMatch(/fails to validate|error/i);
      expect(verdict.ok).toBe(true);
      for (const file of files) expect(verdict.output).toContain(`${file} validates`);
    });

    it('would catch a body that breaks the schema (control)', async () => {
      const sample = soapUi.requests.find((r) => r.operation === 'RegistrarSolicitud') as SampleRequest;
      const broken = new XMLSerializer()
        .serializeToString(sample.body)
        .replace(`>${DEMO_RFC}<`, '>not-an-rfc<');
      const file = path.join(scratch, 'broken.xml');
      writeFileSync(file, broken);
      const verdict = await validate([file]);
      expect(verdict.ok).toBe(false);
      expect(verdict.output).toMatch(/Rfc/);
    });
  });

  describe('sent to the running server as SoapUI sends them', () => {
    let application: PostgresTestApp;

    beforeAll(async () => {
      application = await startTestApp({
        name: 'dm_soapui_project',
        env: {
          WORKERS_ENABLED: 'false',
        },
      });
    });

    afterAll(async () => {
      await application.close();
    });

    /** SoapUI's headers: SOAPAction (1.1) or the action parameter (1.2); preemptive Basic when asked. */
    async function send(
      request: SampleRequest,
      options: { envelopeText?: string; basic?: boolean } = {},
    ): Promise<{ status: number; body: Element }> {
      const headers: Record<string, string> =
        request.version === '1_1'
          ? { 'Content-Type': 'text/xml;charset=UTF-8', SOAPAction: `"${request.action}"` }
          : { 'Content-Type': `application/soap+xml;charset=UTF-8;action="${request.action}"` };
      if (options.basic ?? true) {
        const { username, password } = request.credentials;
        headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      }
      const url = request.endpoint.replace(DEFAULT_SERVICE, application.url);
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: options.envelopeText ?? request.envelopeText,
      });
      const answer = parse(await response.text()).documentElement as Element;
      const body = child(answer, ENVELOPE_NS[request.version], 'Body');
      return { status: response.status, body: elementChildren(body)[0] as Element };
    }

    function faultCode(answer: Element): string | undefined {
      return answer.localName === 'Fault'
        ? (answer.getElementsByTagNameNS(DM, 'Codigo')[0]?.textContent ?? '(no Codigo)')
        : undefined;
    }

    it('serves the WSDL the interfaces are defined by, with both bindings', async () => {
      const response = await fetch(DEFINITION_URL.replace(DEFAULT_SERVICE, application.url));
      expect(response.status).toBe(200);
      const served = await response.text();
      for (const iface of soapUi.interfaces) expect(served).toContain(`name="${iface.name}"`);
    });

    it('gets an answer, or the business fault its placeholder ids call for, for every sample', async () => {
      const unexpected: string[] = [];
      const registered: string[] = [];
      for (const request of soapUi.requests) {
        const { status, body } = await send(request);
        const code = faultCode(body);
        const outcome = code ?? (status === 200 ? (body.localName ?? '') : `HTTP ${status}`);
        const expected = EXPECTED[request.operation];
        const wanted = [
          ...(expected?.answer ? [`${request.operation}Response`] : []),
          ...(expected?.faults ?? []),
        ];
        if (!wanted.includes(outcome))
          unexpected.push(
            `${request.interfaceName}/${request.operation}: ${outcome}, wanted ${wanted.join(' or ')}`,
          );
        if (request.operation === 'RegistrarSolicitud' && outcome === 'RegistrarSolicitudResponse') {
          const resultado = child(child(body, DM, 'Resultados'), DM, 'Resultado');
          registered.push(`${textOf(resultado, DM, 'Estado')} ${textOf(resultado, DM, 'IdSolicitud')}`);
        }
      }
      expect(unexpected).toEqual([]);
      // Sent from both interfaces, the sample registers one solicitud: its ReferenciaCliente makes the
      // second call answer the first one's result again.
      expect(registered).toHaveLength(2);
      expect(registered[0]).toMatch(/^Registrada [0-9a-f-]{36}$/i);
      expect(registered[1]).toBe(registered[0]);
    });

    it('authenticates with either credential a sample carries, and not without both', async () => {
      const request = soapUi.requests.find(
        (r) => r.operation === 'RecuperarListaSolicitudes' && r.version === '1_1',
      ) as SampleRequest;
      const withoutToken = request.envelopeText.replace(/<wsse:Security[\s\S]*<\/wsse:Security>/, '');
      expect(withoutToken).not.toContain('UsernameToken');

      const tokenOnly = await send(request, { basic: false });
      expect(tokenOnly.body.localName).toBe('RecuperarListaSolicitudesResponse');
      const basicOnly = await send(request, { envelopeText: withoutToken });
      expect(basicOnly.body.localName).toBe('RecuperarListaSolicitudesResponse');
      // Neither: the 401 challenge that SoapUI (and ASMX/WCF proxies) answer with Basic credentials.
      const neither = await send(request, { envelopeText: withoutToken, basic: false });
      expect(neither.status).toBe(401);
      expect(faultCode(neither.body)).toBe('DM-3001');
    });
  });
});
