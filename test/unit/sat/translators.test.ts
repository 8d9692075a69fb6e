import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { SatError } from '../../../src/errors';
import {
  readSmallBody,
  translateAuthenticate,
  translateDownload,
  translateQuery,
  translateVerify,
} from '../../../src/sat';
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
      httpStatus: 200,
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
      httpStatus: 200,
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
      httpStatus: 200,
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

const soapFault = (code: string, text: string): string =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>${code}</faultcode><faultstring>${text}</faultstring></s:Fault></s:Body></s:Envelope>`;

describe('answers that are not what SAT should send', () => {
  const verifyXml = fixture('phpcfdi/verify/response-2-packages.xml');

  it.each([
    [
      'an HTML error page with HTTP 503',
      '<html><body>Service Unavailable</body></html>',
      503,
      'DM-5002',
      true,
      { kind: 'http', status: 503 },
    ],
    ['an empty body with HTTP 502', '', 502, 'DM-5002', true, { kind: 'http', status: 502 }],
    ['a 404 from a wrong URL', 'Not Found', 404, 'DM-5004', false, { kind: 'http', status: 404 }],
    ['garbage with HTTP 200', 'not xml at all', 200, 'DM-5002', true, { kind: 'garbled', status: 200 }],
    [
      'a DTD (external entities are never expanded)',
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
      200,
      'DM-5002',
      true,
      { kind: 'garbled', status: 200 },
    ],
    [
      'an ActionNotSupported Fault (a client older than v1.5)',
      soapFault('a:ActionNotSupported', 'The message with Action cannot be processed'),
      500,
      'DM-5005',
      false,
      { kind: 'fault', fault: 'action', status: 500 },
    ],
    [
      'an internal-error Fault',
      soapFault('s:Server', 'The server was unable to process the request due to an internal error.'),
      500,
      'DM-5002',
      true,
      { kind: 'fault', fault: 'other', status: 500 },
    ],
    ['a valid answer under HTTP 500', verifyXml, 500, 'DM-5002', true, { kind: 'http', status: 500 }],
  ])('classifies %s', (_case, body, status, code, transient, failure) => {
    const error = caught(() => translateVerify(body, status));
    expect(error.code).toBe(code);
    expect(error.transient).toBe(transient);
    expect(error.failure).toEqual(failure);
  });

  it('refuses an answer without the expected result element', () => {
    const error = caught(() => translateQuery(verifyXml, 200));
    expect(error.code).toBe('DM-5002');
    expect(error.failure).toEqual({ kind: 'garbled', status: 200 });
  });
});

describe('what a failed call carries: SatError.failure', () => {
  const queryXml = fixture('phpcfdi/query/response-issued.xml');
  const verifyXml = fixture('phpcfdi/verify/response-2-packages.xml');

  describe('SOAP Faults, by kind', () => {
    it.each([
      [
        'InvalidSecurity (a refused e.firma or token)',
        'a:InvalidSecurity',
        'An error occurred',
        'security',
        'DM-5003',
      ],
      ['FailedAuthentication', 'a:FailedAuthentication', 'Authentication failed', 'security', 'DM-5003'],
      [
        'ActionNotSupported (an outdated client)',
        'a:ActionNotSupported',
        'Action cannot be processed',
        'action',
        'DM-5005',
      ],
      [
        'a ContractFilter mismatch (a wrong SOAPAction)',
        'a:DestinationUnreachable',
        'The message cannot be processed at the receiver, due to a ContractFilter mismatch at the EndpointDispatcher.',
        'action',
        'DM-5005',
      ],
      ['any other Fault', 's:Server', 'The server was unable to process the request', 'other', 'DM-5002'],
    ])('%s', (_case, faultCode, text, kind, code) => {
      for (const translate of [translateAuthenticate, translateQuery, translateVerify]) {
        const error = caught(() => translate(soapFault(faultCode, text), 500));
        expect(error.code).toBe(code);
        expect(error.failure).toEqual({ kind: 'fault', fault: kind, status: 500 });
      }
    });

    it('keeps the HTTP status a Fault came with, 200 included', () => {
      const error = caught(() => translateVerify(soapFault('a:InvalidSecurity', 'x'), 200));
      expect(error.failure).toEqual({ kind: 'fault', fault: 'security', status: 200 });
    });

    it("reads SAT's real InvalidSecurity answer as a security Fault", () => {
      const error = caught(() =>
        translateAuthenticate(fixture('phpcfdi/authenticate/response-with-error.xml'), 500),
      );
      expect(error.failure).toEqual({ kind: 'fault', fault: 'security', status: 500 });
    });
  });

  describe('HTTP errors without a SAT answer', () => {
    it.each([
      [401, 'DM-5004', false],
      [403, 'DM-5004', false],
      [404, 'DM-5004', false],
      [503, 'DM-5002', true],
    ])('HTTP %i', (status, code, transient) => {
      for (const body of ['', '<html><body>Error</body></html>', 'Unauthorized']) {
        for (const translate of [translateAuthenticate, translateQuery, translateVerify]) {
          const error = caught(() => translate(body, status));
          expect(error.code).toBe(code);
          expect(error.transient).toBe(transient);
          expect(error.failure).toEqual({ kind: 'http', status });
          expect(error.satCode).toBe(String(status));
        }
      }
    });

    it('a 404 whose SolicitaDescarga answer has no IdSolicitud fails as HTTP 404', () => {
      for (const id of ['IdSolicitud=""', '']) {
        const xml = queryXml
          .replace(/IdSolicitud="[^"]*"/, id)
          .replace('CodEstatus="5000"', 'CodEstatus="404"');
        const error = caught(() => translateQuery(xml, 404));
        expect(error.failure).toEqual({ kind: 'http', status: 404 });
        expect(error.code).toBe('DM-5004');
      }
    });
  });

  describe('an HTTP error that still names its IdSolicitud', () => {
    it('returns the answer of a 404 with its id and the status, instead of throwing', () => {
      const xml = queryXml
        .replace('CodEstatus="5000"', 'CodEstatus="404"')
        .replace('Solicitud Aceptada', 'Error no Controlado');
      expect(translateQuery(xml, 404)).toEqual({
        codEstatus: '404',
        mensaje: 'Error no Controlado',
        idSolicitud: 'd49af78d-1c80-4221-a48d-345ace91626b',
        httpStatus: 404,
      });
    });

    it('returns it under any status, and even without CodEstatus: the id is what must not be lost', () => {
      const xml = queryXml.replace(' CodEstatus="5000"', '').replace(' Mensaje="Solicitud Aceptada"', '');
      expect(translateQuery(xml, 500)).toEqual({
        codEstatus: '',
        mensaje: '',
        idSolicitud: 'd49af78d-1c80-4221-a48d-345ace91626b',
        httpStatus: 500,
      });
    });

    it('only for SolicitaDescarga: Verifica under an HTTP error stays an error', () => {
      expect(caught(() => translateVerify(verifyXml, 404)).failure).toEqual({ kind: 'http', status: 404 });
    });
  });

  describe('HTTP 200 with no readable SAT answer: garbled', () => {
    it.each([
      ['malformed XML', () => translateVerify('<s:Envelope xmlns:s="x"><s:Body><', 200)],
      ['no result element', () => translateVerify(queryXml, 200)],
      ['no CodEstatus on Verifica', () => translateVerify(verifyXml.replace(/ CodEstatus="5000"/, ''), 200)],
      [
        'no CodEstatus nor IdSolicitud on SolicitaDescarga',
        () =>
          translateQuery(queryXml.replace(/ IdSolicitud="[^"]*"/, '').replace(' CodEstatus="5000"', ''), 200),
      ],
      [
        'no token in Autentica',
        () =>
          translateAuthenticate(
            fixture('phpcfdi/authenticate/response-with-token.xml').replace(
              /<AutenticaResult>[^<]*</,
              '<AutenticaResult><',
            ),
            200,
          ),
      ],
    ])('%s', (_case, translate) => {
      const error = caught(translate);
      expect(error.code).toBe('DM-5002');
      expect(error.failure).toEqual({ kind: 'garbled', status: 200 });
    });

    it('an answer too large to be SAT’s', async () => {
      const huge = Readable.from([Buffer.alloc(5 * 1024 * 1024, 32), Buffer.alloc(5 * 1024 * 1024, 32)]);
      await expect(readSmallBody(huge)).rejects.toMatchObject({
        code: 'DM-5002',
        failure: { kind: 'garbled', status: 200 },
      });
    });
  });

  it('an answer cut short while arriving: transport, delivered unknown', async () => {
    const broken = new Readable({
      read() {
        this.push('<s:Envelope');
        this.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
      },
    });
    await expect(readSmallBody(broken)).rejects.toMatchObject({
      code: 'DM-5001',
      transient: true,
      failure: { kind: 'transport', delivered: 'unknown' },
    });
  });
});

describe('translateDownload', () => {
  const withPackage = fixture('phpcfdi/download/response-with-package.xml');
  const base64 = /<Paquete>([^<]+)<\/Paquete>/.exec(withPackage)?.[1] ?? '';

  it('streams the real package out of the answer, byte for byte, whatever the chunking', async () => {
    const expected = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
    expect(expected.subarray(0, 2).toString()).toBe('PK');
    const expectedSha256 = createHash('sha256').update(expected).digest('hex');
    for (const size of [1, 7, 4096]) {
      const answer = await translateDownload(chunked(withPackage, size), 200);
      expect(answer.codEstatus).toBe('5000');
      const received = await sha256Of(answer.paquete as AsyncIterable<Buffer>);
      expect(received).toEqual({ sha256: expectedSha256, size: expected.length });
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
      httpStatus: 200,
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
      failure: { kind: 'garbled', status: 200 },
      operation: 'descarga',
    });
  });

  it('does not pass on an "accepted" answer without a Paquete element', async () => {
    const template = fixture('phpcfdi/download/response-with-package-template.xml');
    await expect(translateDownload(chunked(template), 200)).rejects.toMatchObject({
      code: 'DM-5002',
      failure: { kind: 'garbled', status: 200 },
    });
  });

  it('reports a package cut short as transient, on the package stream', async () => {
    const cut = withPackage.slice(0, withPackage.indexOf('<Paquete>') + 200);
    const answer = await translateDownload(chunked(cut), 200);
    await expect(sha256Of(answer.paquete as AsyncIterable<Buffer>)).rejects.toMatchObject({
      code: 'DM-5001',
      transient: true,
      failure: { kind: 'transport', delivered: 'unknown' },
      operation: 'descarga',
    });
  });

  it('reports a body that breaks while streaming as transport, delivered unknown', async () => {
    const head = withPackage.slice(0, withPackage.indexOf('<Paquete>') + 200);
    let sent = false;
    const broken = new Readable({
      read() {
        if (sent) this.destroy(new Error('socket hang up'));
        else this.push(head);
        sent = true;
      },
    });
    const answer = await translateDownload(broken, 200);
    await expect(sha256Of(answer.paquete as AsyncIterable<Buffer>)).rejects.toMatchObject({
      code: 'DM-5001',
      failure: { kind: 'transport', delivered: 'unknown' },
      operation: 'descarga',
    });
  });

  it('reads a package broken into lines, and one whose lines start partway, byte for byte', async () => {
    const expected = Buffer.from(base64, 'base64');
    const lines = (text: string): string => text.replace(/.{76}/g, '$&\r\n');
    const broken = [
      withPackage.replace(base64, lines(base64)),
      // Unbroken for the first chunks, then a line break: the rest is read the careful way.
      withPackage.replace(base64, `${base64.slice(0, 2000)}\n${lines(base64.slice(2000))}`),
    ];
    for (const answerText of broken) {
      for (const size of [7, 1024]) {
        const answer = await translateDownload(chunked(answerText, size), 200);
        const received = await sha256Of(answer.paquete as AsyncIterable<Buffer>);
        expect(received).toEqual({
          sha256: createHash('sha256').update(expected).digest('hex'),
          size: expected.length,
        });
      }
    }
  });

  it('refuses a package that stops being base64 partway', async () => {
    const middle = base64.length / 2 - ((base64.length / 2) % 4);
    const tampered = withPackage.replace(base64, `${base64.slice(0, middle)}*${base64.slice(middle + 1)}`);
    for (const size of [7, 1024]) {
      const answer = await translateDownload(chunked(tampered, size), 200);
      await expect(sha256Of(answer.paquete as AsyncIterable<Buffer>)).rejects.toMatchObject({
        code: 'DM-5002',
        failure: { kind: 'garbled', status: 200 },
      });
    }
  });

  it('refuses a package that is not base64', async () => {
    const tampered = withPackage.replace('<Paquete>UEsD', '<Paquete>UE&amp;sD');
    const answer = await translateDownload(chunked(tampered), 200);
    await expect(sha256Of(answer.paquete as AsyncIterable<Buffer>)).rejects.toMatchObject({
      code: 'DM-5002',
      failure: { kind: 'garbled', status: 200 },
    });
  });

  it('classifies a Fault answered with HTTP 500 before looking for a package', async () => {
    await expect(
      translateDownload(chunked(fixture('phpcfdi/authenticate/response-with-error.xml')), 500),
    ).rejects.toMatchObject({
      code: 'DM-5003',
      transient: false,
      failure: { kind: 'fault', fault: 'security', status: 500 },
    });
  });

  it('classifies a Fault streamed under HTTP 200 by its code', async () => {
    await expect(
      translateDownload(chunked(soapFault('a:InvalidSecurity', 'An error occurred'), 5), 200),
    ).rejects.toMatchObject({
      code: 'DM-5003',
      failure: { kind: 'fault', fault: 'security', status: 200 },
      operation: 'descarga',
    });
  });

  it.each([401, 403, 404, 503])('fails an HTTP %i without a Fault as an HTTP error', async (status) => {
    await expect(translateDownload(chunked('<html>no</html>'), status)).rejects.toMatchObject({
      failure: { kind: 'http', status },
    });
  });

  it('refuses an answer without the status header', async () => {
    const headless = withPackage.replace(/<s:Header>[\s\S]*<\/s:Header>/, '');
    const answer = translateDownload(chunked(headless), 200);
    await expect(answer).rejects.toMatchObject({
      code: 'DM-5002',
      failure: { kind: 'garbled', status: 200 },
    });
  });
});
