import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { SatError } from '../../../src/errors';
import { translateAuthenticate, translateDownload, translateQuery, translateVerify } from '../../../src/sat';
import { sha256Of } from '../../helpers/streams';

const fixtures = path.join(__dirname, '../../../fixtures/sat');
const fixture = (name: string): string => readFileSync(path.join(fixtures, name), 'utf8');

/** Splits a text into small chunks, as a slow network delivers it. */
function chunked(text: string, size = 97): Readable {
  const buffer = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let offset = 0; offset < buffer.length; offset += size)
    parts.push(buffer.subarray(offset, offset + size));
  return Readable.from(parts);
}

function caught(action: () => unknown): SatError {
  try {
    action();
  } catch (error) {
    if (error instanceof SatError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('translateAuthenticate', () => {
  it('reads the token and its 5-minute window from a real answer', () => {
    const answer = translateAuthenticate(fixture('phpcfdi/authenticate/response-with-token.xml'), 200);
    expect(answer.token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+%26wrap_subject%3d[0-9a-f]+$/);
    expect(answer.expires.getTime() - answer.created.getTime()).toBe(5 * 60_000);
  });

  it('turns the real InvalidSecurity Fault (HTTP 500) into a permanent refusal', () => {
    const error = caught(() =>
      translateAuthenticate(fixture('phpcfdi/authenticate/response-with-error.xml'), 500),
    );
    expect(error.code).toBe('DM-5003');
    expect(error.transient).toBe(false);
    expect(error.satCode).toBe('a:InvalidSecurity');
    expect(error.messageEs).toMatch(/reloj/);
  });
});

describe('translateQuery', () => {
  it.each([
    ['phpcfdi/query/response-issued.xml'],
    ['phpcfdi/query/response-received.xml'],
    ['phpcfdi/query/response-item.xml'],
    ['phpcfdi-v1.4-legacy/query/response-with-id.xml'],
  ])('reads IdSolicitud, CodEstatus and Mensaje from %s', (name) => {
    expect(translateQuery(fixture(name), 200)).toEqual({
      codEstatus: '5000',
      mensaje: 'Solicitud Aceptada',
      idSolicitud: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('keeps a refusal code and leaves IdSolicitud undefined', () => {
    const xml = fixture('phpcfdi/query/response-issued.xml')
      .replace(/IdSolicitud="[^"]*"/, 'IdSolicitud=""')
      .replace('CodEstatus="5000"', 'CodEstatus="5002"')
      .replace('Solicitud Aceptada', 'Se agotó las solicitudes de por vida');
    expect(translateQuery(xml, 200)).toEqual({
      codEstatus: '5002',
      mensaje: 'Se agotó las solicitudes de por vida',
      idSolicitud: undefined,
    });
  });
});

describe('translateVerify', () => {
  it('reads a finished request with two packages', () => {
    expect(translateVerify(fixture('phpcfdi/verify/response-2-packages.xml'), 200)).toEqual({
      codEstatus: '5000',
      mensaje: 'Solicitud Aceptada',
      estadoSolicitud: 3,
      codigoEstadoSolicitud: '5000',
      numeroCfdis: 12345,
      paquetes: [expect.stringMatching(/_01$/), expect.stringMatching(/_02$/)],
    });
  });

  it('reads a rejected request without data (5004) and no packages', () => {
    expect(translateVerify(fixture('phpcfdi/verify/response-0-packages.xml'), 200)).toMatchObject({
      estadoSolicitud: 5,
      codigoEstadoSolicitud: '5004',
      numeroCfdis: 0,
      paquetes: [],
    });
  });

  it('reports EstadoSolicitud 0 and a missing CodigoEstadoSolicitud as they are, without failing', () => {
    const xml = fixture('phpcfdi/verify/response-0-packages.xml')
      .replace('EstadoSolicitud="5"', 'EstadoSolicitud="0"')
      .replace(/ CodigoEstadoSolicitud="5004"/, '')
      .replace('CodEstatus="5000"', 'CodEstatus="5004"');
    expect(translateVerify(xml, 200)).toMatchObject({
      codEstatus: '5004',
      estadoSolicitud: 0,
      codigoEstadoSolicitud: undefined,
    });
  });
});

describe('answers that are not what SAT should send', () => {
  const verifyXml = fixture('phpcfdi/verify/response-2-packages.xml');

  it.each([
    [
      'an HTML error page with HTTP 503',
      '<html><body>Service Unavailable</body></html>',
      503,
      'DM-5002',
      true,
    ],
    ['an empty body with HTTP 502', '', 502, 'DM-5002', true],
    ['a 404 from a wrong URL', 'Not Found', 404, 'DM-5004', false],
    ['garbage with HTTP 200', 'not xml at all', 200, 'DM-5002', true],
    [
      'a DTD (external entities are never expanded)',
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
      200,
      'DM-5002',
      true,
    ],
    [
      'an ActionNotSupported Fault (a client older than v1.5)',
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>a:ActionNotSupported</faultcode><faultstring>The message with Action cannot be processed</faultstring></s:Fault></s:Body></s:Envelope>',
      500,
      'DM-5005',
      false,
    ],
    [
      'an internal-error Fault',
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>The server was unable to process the request due to an internal error.</faultstring></s:Fault></s:Body></s:Envelope>',
      500,
      'DM-5002',
      true,
    ],
    ['a valid answer under HTTP 500', verifyXml, 500, 'DM-5002', true],
  ])('classifies %s', (_case, body, status, code, transient) => {
    const error = caught(() => translateVerify(body, status));
    expect(error.code).toBe(code);
    expect(error.transient).toBe(transient);
  });

  it('refuses an answer without the expected result element', () => {
    const error = caught(() => translateQuery(verifyXml, 200));
    expect(error.code).toBe('DM-5002');
  });
});

describe('translateDownload', () => {
  const withPackage = fixture('phpcfdi/download/response-with-package.xml');
  const base64 = /<Paquete>([^<]+)<\/Paquete>/.exec(withPackage)?.[1] ?? '';

  it('streams the real package out of the answer, byte for byte, whatever the chunking', async () => {
    const expected = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
    for (const size of [1, 7, 4096]) {
      const answer = await translateDownload(chunked(withPackage, size), 200);
      expect(answer.codEstatus).toBe('5000');
      const received = await sha256Of(answer.paquete as AsyncIterable<Buffer>);
      expect(received.size).toBe(expected.length);
      expect(expected.subarray(0, 2).toString()).toBe('PK');
    }
  });

  it('gives the code of a refusal and no package', async () => {
    const refused = fixture('phpcfdi/download/response-with-package-template.xml')
      .replace('CodEstatus="5000"', 'CodEstatus="5008"')
      .replace('Solicitud Aceptada', 'Maximo de descargas permitidas.');
    const answer = await translateDownload(chunked(refused), 200);
    expect(answer).toEqual({
      codEstatus: '5008',
      mensaje: 'Maximo de descargas permitidas.',
      paquete: undefined,
    });
  });

  it('does not pass on an "accepted" answer with an empty package', async () => {
    const answer = await translateDownload(
      chunked(
        fixture('phpcfdi/download/response-with-package-template.xml').replace(
          '<Paquete />',
          '<Paquete></Paquete>',
        ),
      ),
      200,
    );
    await expect(sha256Of(answer.paquete as AsyncIterable<Buffer>)).rejects.toMatchObject({
      code: 'DM-5002',
    });
  });

  it('reports a package cut short as transient, on the package stream', async () => {
    const cut = withPackage.slice(0, withPackage.indexOf('<Paquete>') + 200);
    const answer = await translateDownload(chunked(cut), 200);
    await expect(sha256Of(answer.paquete as AsyncIterable<Buffer>)).rejects.toMatchObject({
      code: 'DM-5001',
      transient: true,
    });
  });

  it('refuses a package that is not base64', async () => {
    const tampered = withPackage.replace('<Paquete>UEsD', '<Paquete>UE&amp;sD');
    const answer = await translateDownload(chunked(tampered), 200);
    await expect(sha256Of(answer.paquete as AsyncIterable<Buffer>)).rejects.toMatchObject({
      code: 'DM-5002',
    });
  });

  it('classifies a Fault answered with HTTP 500 before looking for a package', async () => {
    await expect(
      translateDownload(chunked(fixture('phpcfdi/authenticate/response-with-error.xml')), 500),
    ).rejects.toMatchObject({ code: 'DM-5003', transient: false });
  });

  it('refuses an answer without the status header', async () => {
    const headless = withPackage.replace(/<s:Header>[\s\S]*<\/s:Header>/, '');
    const answer = translateDownload(chunked(headless), 200);
    await expect(answer).rejects.toMatchObject({ code: 'DM-5002' });
  });
});
