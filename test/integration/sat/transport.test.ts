import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { SatError } from '../../../src/errors';
import { Fiel, NodeSatTransport, SatClient, endpointsAt, readSmallBody } from '../../../src/sat';

const fixtures = path.join(__dirname, '../../../fixtures');
const fixture = (name: string): string => readFileSync(path.join(fixtures, 'sat', name), 'utf8');
const fielDir = path.join(fixtures, 'fake-fiel');
const fiel = Fiel.create({
  certificate: readFileSync(path.join(fielDir, 'EKU9003173C9.cer')),
  privateKey: readFileSync(path.join(fielDir, 'EKU9003173C9.key')),
  password: readFileSync(path.join(fielDir, 'EKU9003173C9-password.txt'), 'utf8'),
});

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** A scriptable stand-in for SAT's hosts: each test says how the next calls are answered. */
describe('NodeSatTransport and SatClient against misbehaving servers', () => {
  let server: http.Server;
  let baseUrl: string;
  let handler: Handler = () => undefined;
  const seen: { url: string; soapAction: string; authorization: string | undefined }[] = [];
  const transport = new NodeSatTransport({
    connectTimeoutMs: 1000,
    idleTimeoutMs: 400,
    totalTimeoutMs: 1500,
  });

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      seen.push({
        url: request.url ?? '',
        soapAction: String(request.headers.soapaction ?? ''),
        authorization: request.headers.authorization,
      });
      request.resume();
      request.on('end', () => handler(request, response));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    transport.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  function client(): SatClient {
    return new SatClient({ fiel, endpoints: endpointsAt(baseUrl, 'cfdi'), transport });
  }

  function post() {
    return transport.post({
      url: `${baseUrl}/VerificaSolicitudDescargaService.svc`,
      soapAction: 'x',
      body: '<x/>',
    });
  }

  async function failure(promise: Promise<unknown>): Promise<SatError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SatError);
    return error as SatError;
  }

  const tokenAnswer = (): string => {
    const now = new Date();
    return fixture('phpcfdi/authenticate/response-with-token.xml')
      .replace(/<u:Created>[^<]+</, `<u:Created>${now.toISOString()}<`)
      .replace(/<u:Expires>[^<]+</, `<u:Expires>${new Date(now.getTime() + 300_000).toISOString()}<`);
  };

  /** Answers Autentica with a fresh token, and everything else with `other`. */
  function withToken(other: Handler): Handler {
    return (request, response) => {
      if (request.url?.startsWith('/Autenticacion')) response.end(tokenAnswer());
      else other(request, response);
    };
  }

  it('turns a server that stops talking into a transient idle timeout', async () => {
    handler = (_request, response) => response.writeHead(200); // headers never flushed, body never sent
    const error = await failure(post());
    expect(error).toMatchObject({ code: 'DM-5001', transient: true });
    expect(error.messageEn).toMatch(/idle|no answer/);
    // The request went out on a live connection: SAT may have it.
    expect(error.failure).toEqual({ kind: 'transport', delivered: 'unknown' });
  });

  it('reports a server that accepts and never answers as delivered unknown, on a fresh connection', async () => {
    handler = () => undefined; // reads the request, says nothing
    const fresh = new NodeSatTransport({ connectTimeoutMs: 1000, idleTimeoutMs: 300, totalTimeoutMs: 1500 });
    try {
      const error = await failure(
        fresh.post({ url: `${baseUrl}/VerificaSolicitudDescargaService.svc`, soapAction: 'x', body: '<x/>' }),
      );
      expect(error).toMatchObject({ code: 'DM-5001', transient: true });
      expect(error.messageEn).toMatch(/idle for 300 ms/);
      expect(error.failure).toEqual({ kind: 'transport', delivered: 'unknown' });
    } finally {
      fresh.close();
    }
  });

  it('reports a reset right after the request was read as delivered unknown, fresh or reused socket', async () => {
    const fresh = new NodeSatTransport({ connectTimeoutMs: 1000, idleTimeoutMs: 1000, totalTimeoutMs: 2000 });
    const call = () =>
      fresh.post({ url: `${baseUrl}/VerificaSolicitudDescargaService.svc`, soapAction: 'x', body: '<x/>' });
    try {
      handler = (request) => request.socket.resetAndDestroy();
      const first = await failure(call());
      expect(first).toMatchObject({ code: 'DM-5001', transient: true });
      expect(first.failure).toEqual({ kind: 'transport', delivered: 'unknown' });

      // A keep-alive socket that served one answer, then breaks on the next request it carries.
      const sockets: Socket[] = [];
      handler = (request, response) => {
        sockets.push(request.socket);
        response.end('<ok/>');
      };
      await readSmallBody((await call()).body);
      handler = (request) => {
        sockets.push(request.socket);
        request.socket.destroy();
      };
      const reused = await failure(call());
      expect(sockets[1]).toBe(sockets[0]);
      expect(reused.failure).toEqual({ kind: 'transport', delivered: 'unknown' });
    } finally {
      fresh.close();
    }
  });

  it('bounds the whole call even when bytes keep trickling in', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/xml' });
      const timer = setInterval(() => response.write(' '), 100);
      response.on('close', () => clearInterval(timer));
    };
    const started = Date.now();
    const answer = await post();
    const error = await failure(readSmallBody(answer.body));
    expect(error).toMatchObject({ code: 'DM-5001', transient: true });
    expect(error.failure).toEqual({ kind: 'transport', delivered: 'unknown' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports a refused connection as transient and never delivered', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(
      transport.post({ url: `http://127.0.0.1:${port}/x`, soapAction: 'x', body: '<x/>' }),
    );
    expect(error).toMatchObject({ code: 'DM-5001', transient: true });
    expect(error.messageEn).toMatch(/ECONNREFUSED/);
    expect(error.failure).toEqual({ kind: 'transport', delivered: 'no' });
  });

  it('reports a host that does not resolve as never delivered', async () => {
    const error = await failure(
      transport.post({ url: 'http://sat-host.invalid/x', soapAction: 'x', body: '<x/>' }),
    );
    expect(error).toMatchObject({ code: 'DM-5001', transient: true });
    expect(error.failure).toEqual({ kind: 'transport', delivered: 'no' });
  });

  it('a refused Autentica, made for a signed call, is reported as autenticacion', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const sat = new SatClient({
      fiel,
      endpoints: endpointsAt(`http://127.0.0.1:${port}`, 'cfdi'),
      transport,
    });
    const error = await failure(sat.verify('x'));
    expect(error).toMatchObject({
      operation: 'autenticacion',
      failure: { kind: 'transport', delivered: 'no' },
    });
  });

  it('reports a connection reset in the middle of a package as transient, on the package stream', async () => {
    const full = fixture('phpcfdi/download/response-with-package.xml');
    handler = withToken((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/xml' });
      response.write(full.slice(0, full.indexOf('<Paquete>') + 400));
      setTimeout(() => response.socket?.destroy(), 50);
    });
    const answer = await client().download('X_01');
    expect(answer.codEstatus).toBe('5000');
    const chunks: Buffer[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of answer.paquete as AsyncIterable<Buffer>) chunks.push(chunk);
      })(),
    );
    expect(error.transient).toBe(true);
    expect(error).toMatchObject({
      failure: { kind: 'transport', delivered: 'unknown' },
      operation: 'descarga',
    });
  });

  it('reports a reset in the middle of a small answer as transient', async () => {
    handler = withToken((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/xml' });
      response.write('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Bo');
      setTimeout(() => response.socket?.destroy(), 50);
    });
    const error = await failure(client().verify('x'));
    expect(error).toMatchObject({
      code: 'DM-5001',
      transient: true,
      failure: { kind: 'transport', delivered: 'unknown' },
      operation: 'verificacion',
    });
  });

  it('reads gzip-compressed answers, as SAT may send them', async () => {
    handler = withToken((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Encoding': 'gzip' });
      response.end(zlib.gzipSync(fixture('phpcfdi/verify/response-2-packages.xml')));
    });
    const answer = await client().verify('x');
    expect(answer).toMatchObject({ estadoSolicitud: 3, numeroCfdis: 12345 });
  });

  it('returns a refused token (CodEstatus 300) as it is, without renewing it or calling again', async () => {
    handler = withToken((_request, response) => {
      response.end(
        fixture('phpcfdi/verify/response-2-packages.xml').replace('CodEstatus="5000"', 'CodEstatus="300"'),
      );
    });
    const answers: string[] = [];
    const sat = new SatClient({
      fiel,
      endpoints: endpointsAt(baseUrl, 'cfdi'),
      transport,
      onAnswer: (operation, code) => answers.push(`${operation}:${code}`),
    });
    const answer = await sat.verify('x');
    expect(answer).toMatchObject({ codEstatus: '300', httpStatus: 200 });
    expect(seen.map((call) => call.url)).toEqual([
      '/Autenticacion/Autenticacion.svc',
      '/VerificaSolicitudDescargaService.svc',
    ]);
    expect(seen[1]?.authorization).toMatch(/^WRAP access_token="eyJ/);
    expect(answers).toEqual(['verificacion:300']);

    // Still the cached token on the next call; a new one only once the caller forgets it.
    await sat.verify('x');
    sat.forgetToken();
    await sat.verify('x');
    expect(seen.map((call) => call.url.startsWith('/Autenticacion'))).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
  });

  it('throws an InvalidSecurity Fault on a signed call as a security fault, without calling again', async () => {
    handler = withToken((_request, response) => {
      response.writeHead(500, { 'Content-Type': 'text/xml' });
      response.end(fixture('phpcfdi/authenticate/response-with-error.xml'));
    });
    const error = await failure(client().download('X_01'));
    expect(error).toMatchObject({
      code: 'DM-5003',
      operation: 'descarga',
      failure: { kind: 'fault', fault: 'security', status: 500 },
    });
    expect(seen.map((call) => call.url)).toEqual([
      '/Autenticacion/Autenticacion.svc',
      '/DescargaMasivaService.svc',
    ]);
  });

  it('names Autentica as the failed operation when the e.firma is refused for a signed call', async () => {
    handler = (_request, response) => {
      response.writeHead(500, { 'Content-Type': 'text/xml' });
      response.end(fixture('phpcfdi/authenticate/response-with-error.xml'));
    };
    const error = await failure(client().verify('x'));
    expect(error).toMatchObject({
      code: 'DM-5003',
      operation: 'autenticacion',
      failure: { kind: 'fault', fault: 'security', status: 500 },
    });
    expect(seen).toHaveLength(1);
  });

  it.each([401, 403])('reports an HTTP %i to a signed call as such, once', async (status) => {
    handler = withToken((_request, response) => {
      response.writeHead(status);
      response.end();
    });
    const error = await failure(client().verify('x'));
    expect(error).toMatchObject({
      code: 'DM-5004',
      operation: 'verificacion',
      failure: { kind: 'http', status },
    });
    expect(seen.filter((call) => call.url.startsWith('/Verifica'))).toHaveLength(1);
  });

  it('returns the IdSolicitud of a SolicitaDescarga answered with HTTP 404', async () => {
    handler = withToken((_request, response) => {
      response.writeHead(404, { 'Content-Type': 'text/xml' });
      response.end(
        fixture('phpcfdi/query/response-issued.xml')
          .replace('CodEstatus="5000"', 'CodEstatus="404"')
          .replace('Solicitud Aceptada', 'Error no Controlado'),
      );
    });
    const answer = await client().query({
      contexto: 'Emitidos',
      tipoSolicitud: 'Metadata',
      fechaInicial: '2026-01-01T00:00:00',
      fechaFinal: '2026-01-02T00:00:00',
      rfcContrapartes: [],
    });
    expect(answer).toEqual({
      codEstatus: '404',
      mensaje: 'Error no Controlado',
      idSolicitud: 'd49af78d-1c80-4221-a48d-345ace91626b',
      httpStatus: 404,
    });
  });

  it('sends a query that breaks SAT rules nowhere', async () => {
    handler = withToken((_request, response) => response.end(fixture('phpcfdi/query/response-issued.xml')));
    const error = await client()
      .query({
        contexto: 'Recibidos',
        tipoSolicitud: 'CFDI',
        estadoComprobante: 'Cancelado',
        fechaInicial: '2026-01-01T00:00:00',
        fechaFinal: '2026-01-02T00:00:00',
        rfcContrapartes: [],
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'DM-9008' });
    expect(seen).toHaveLength(0);
  });

  it('uses SAT paths and quoted SOAPActions for every operation', async () => {
    handler = withToken((request, response) => {
      if (request.url?.startsWith('/SolicitaDescarga'))
        response.end(fixture('phpcfdi/query/response-issued.xml'));
      else response.end(fixture('phpcfdi/verify/response-0-packages.xml'));
    });
    const sat = client();
    await sat.query({
      contexto: 'Emitidos',
      tipoSolicitud: 'Metadata',
      fechaInicial: '2026-01-01T00:00:00',
      fechaFinal: '2026-01-02T00:00:00',
      rfcContrapartes: [],
    });
    await sat.verify('x');
    expect(seen.map((call) => [call.url, call.soapAction])).toEqual([
      ['/Autenticacion/Autenticacion.svc', '"http://DescargaMasivaTerceros.gob.mx/IAutenticacion/Autentica"'],
      [
        '/SolicitaDescargaService.svc',
        '"http://DescargaMasivaTerceros.sat.gob.mx/ISolicitaDescargaService/SolicitaDescargaEmitidos"',
      ],
      [
        '/VerificaSolicitudDescargaService.svc',
        '"http://DescargaMasivaTerceros.sat.gob.mx/IVerificaSolicitudDescargaService/VerificaSolicitudDescarga"',
      ],
    ]);
  });

  it('renews the token before it expires, by the configured margin', async () => {
    handler = withToken((_request, response) =>
      response.end(fixture('phpcfdi/verify/response-0-packages.xml')),
    );
    let now = new Date();
    const sat = new SatClient({
      fiel,
      endpoints: endpointsAt(baseUrl, 'cfdi'),
      transport,
      tokenRenewMarginSeconds: 60,
      clock: () => now,
    });
    await sat.verify('a');
    now = new Date(now.getTime() + 200_000); // 100 s of the 300 s token left: still reused
    await sat.verify('b');
    now = new Date(now.getTime() + 50_000); // 50 s left, inside the 60 s margin: renewed
    await sat.verify('c');
    expect(seen.map((call) => call.url.startsWith('/Autenticacion'))).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
  });

  it('tells its observer about each call with secrets redacted, never the token', async () => {
    const events: { before?: string; status?: number | undefined }[] = [];
    const observed = new NodeSatTransport({
      connectTimeoutMs: 1000,
      idleTimeoutMs: 1000,
      totalTimeoutMs: 2000,
      observer: {
        before: (request) => events.push({ before: request.body }),
        after: (event) => events.push({ status: event.status }),
      },
    });
    handler = withToken((_request, response) =>
      response.end(fixture('phpcfdi/verify/response-0-packages.xml')),
    );
    try {
      await new SatClient({ fiel, endpoints: endpointsAt(baseUrl, 'cfdi'), transport: observed }).verify('x');
    } finally {
      observed.close();
    }
    expect(events.map((event) => event.status ?? 'before')).toEqual(['before', 200, 'before', 200]);
    const bodies = events.map((event) => event.before ?? '').join('');
    expect(bodies).not.toContain('eyJ');
    expect(bodies).toContain('VerificaSolicitudDescarga');
  });
});
