import http from 'node:http';
import { BasicAuthSecurity, type Client, WSSecurity, createClientAsync } from 'soap';
import { type RunningCalculadora, startCalculadora } from './calculadora-server';

let service: RunningCalculadora;
beforeAll(async () => {
  service = await startCalculadora();
});
afterAll(() => service.close());

async function client(options: { soap12?: boolean } = {}): Promise<Client> {
  // The WSDL comes over HTTP, so its XSD import must resolve over HTTP too (at the derived address).
  return createClientAsync(`${service.url}?wsdl`, { forceSoap12Headers: options.soap12 ?? false });
}

interface FaultLike {
  root?: { Envelope?: { Body?: { Fault?: Record<string, unknown> } } };
}
async function faultOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    const fault = (error as FaultLike).root?.Envelope?.Body?.Fault;
    if (fault) return fault;
    throw error;
  }
  throw new Error('expected a Fault');
}

describe('node-soap client against the router', () => {
  it('serves ?wsdl and ?WSDL with the configured public address and its XSD inlined, ?xsd= beside it', async () => {
    const published = await startCalculadora({ publicUrl: 'https://soap.example.mx/soap/Calculadora' });
    try {
      for (const query of ['?wsdl', '?WSDL']) {
        const text = await (await fetch(`${published.url}${query}`)).text();
        expect(text).toContain('location="https://soap.example.mx/soap/Calculadora"');
        expect(text).not.toContain('schemaLocation');
        expect(text).toContain('<xs:element name="SumarResponse">');
        expect(text).not.toContain('localhost:8080');
      }
      const xsd = await fetch(`${published.url}?xsd=Calculadora.xsd`);
      expect(xsd.status).toBe(200);
      expect(await xsd.text()).toContain('name="SumarResponse"');
      expect((await fetch(`${published.url}?xsd=..%2Fpackage.json`)).status).toBe(404);
    } finally {
      await published.close();
    }
  });

  it('derives the address from the request when no public URL is configured', async () => {
    const text = await (await fetch(`${service.url}?wsdl`)).text();
    expect(text).toContain(`location="${service.url}"`);
    const forged = await new Promise<string>((done, fail) => {
      const request = http.get(`${service.url}?wsdl`, { headers: { Host: 'evil"><x' } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
      });
      request.on('error', fail);
    });
    expect(forged).toContain('location="http://localhost/soap/Calculadora"');
    expect(forged).not.toContain('evil');
  });

  it('calls both operations in SOAP 1.1 with a PasswordText token, repeated elements as arrays', async () => {
    const soap = await client();
    soap.setSecurity(
      new WSSecurity('demo', 's3cr3t-demo', { passwordType: 'PasswordText', hasTimeStamp: false }),
    );
    const [one] = await soap.EcoAsync({ Texto: 'hola', Etiqueta: ['solo'] });
    expect(one).toEqual({ Texto: 'hola:1', Etiqueta: ['solo'], Usuario: 'demo' });
    const [two] = await soap.EcoAsync({ Texto: 'dos', Etiqueta: ['a', 'b'] });
    expect(two).toEqual({ Texto: 'dos:2', Etiqueta: ['a', 'b'], Usuario: 'demo' });
    const [none] = await soap.EcoAsync({ Texto: 'nada' });
    expect(none.Texto).toBe('nada:0');
    const [sum] = await soap.SumarAsync({ A: '2', B: '5' });
    expect(sum).toEqual({ Resultado: '7' });
  });

  it('calls in SOAP 1.2 with a PasswordDigest token', async () => {
    const soap = await client({ soap12: true });
    soap.setSecurity(
      new WSSecurity('demo', 's3cr3t-demo', { passwordType: 'PasswordDigest', hasTimeStamp: true }),
    );
    const [sum, raw] = await soap.SumarAsync({ A: '1', B: '1' });
    expect(sum).toEqual({ Resultado: '2' });
    expect(raw).toContain('http://www.w3.org/2003/05/soap-envelope');
  });

  it('calls with HTTP Basic', async () => {
    const soap = await client();
    soap.setSecurity(new BasicAuthSecurity('demo', 's3cr3t-demo'));
    const [sum] = await soap.SumarAsync({ A: '10', B: '1' });
    expect(sum).toEqual({ Resultado: '11' });
  });

  it('receives a readable Fault with the detail for a wrong digest and for a handler error', async () => {
    const soap = await client();
    soap.setSecurity(new WSSecurity('demo', 'wrong', { passwordType: 'PasswordDigest' }));
    const denied = await faultOf(soap.SumarAsync({ A: '1', B: '1' }));
    expect(denied.faultcode).toBe('soap:Client');
    expect(denied.detail).toMatchObject({ Falla: { Codigo: 'DM-3001' } });

    soap.setSecurity(new WSSecurity('demo', 's3cr3t-demo', { passwordType: 'PasswordText' }));
    const invalid = await faultOf(soap.SumarAsync({ A: 'appError', B: '1' }));
    expect(invalid.detail).toMatchObject({ Falla: { Codigo: 'DM-2002', Campo: 'A' } });
  });
});
