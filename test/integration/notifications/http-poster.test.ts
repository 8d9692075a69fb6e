import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpWebhookPoster } from '../../../src/services/notifications';

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly body: string;
  readonly headers: IncomingMessage['headers'];
}

/** A loopback server whose answer per path is a function; it records what it was sent. */
async function serve(
  answer: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ url: string; port: number; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({
        method: request.method ?? '',
        path: request.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        headers: request.headers,
      });
      answer(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, seen, server };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('the webhook HTTP client', () => {
  const poster = new HttpWebhookPoster({ timeoutMs: 1_500 });
  const servers: Server[] = [];

  async function receiver(answer: (request: IncomingMessage, response: ServerResponse) => void) {
    const started = await serve(answer);
    servers.push(started.server);
    return started;
  }

  afterAll(async () => {
    for (const server of servers) await close(server);
  });

  it('POSTs the body with the given headers and reports a 2xx as delivered', async () => {
    const target = await receiver((_request, response) => response.writeHead(202).end());
    const outcome = await poster.post(`${target.url}/hook?x=1`, '{"a":1}', {
      'Content-Type': 'application/json',
      'X-DescargaMasiva-Event': 'solicitud.estado',
    });
    expect(outcome).toEqual({ statusCode: 202, error: null, durationMs: expect.any(Number) });
    expect(target.seen).toEqual([
      expect.objectContaining({ method: 'POST', path: '/hook?x=1', body: '{"a":1}' }),
    ]);
    expect(target.seen[0]?.headers['x-descargamasiva-event']).toBe('solicitud.estado');
    expect(target.seen[0]?.headers['content-length']).toBe('7');
  });

  it('reports an error answer with its status and the start of its body', async () => {
    const target = await receiver((_request, response) =>
      response.writeHead(401).end('firma\n inválida'.padEnd(1_000, '.')),
    );
    const outcome = await poster.post(target.url, '{}', {});
    expect(outcome.statusCode).toBe(401);
    expect(outcome.error).toMatch(/^HTTP 401: firma inválida\.+$/);
    expect(outcome.error?.length).toBeLessThanOrEqual(220);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const target = await receiver(() => undefined);
    const started = Date.now();
    const outcome = await poster.post(target.url, '{}', {});
    expect(outcome).toMatchObject({ statusCode: null, error: 'no answer within 1500 ms' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reads only the start of an endless answer and returns with its status', async () => {
    let written = 0;
    const target = await receiver((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = (): void => {
        while (!response.destroyed && written < 512 * 1024 * 1024) {
          written += chunk.length;
          if (!response.write(chunk)) {
            response.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const outcome = await poster.post(target.url, '{}', {});
    expect(outcome).toMatchObject({ statusCode: 200, error: null });
    // The receiver was cut off long before it could send what it meant to.
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('follows a 307 to the same host, sending the same body again', async () => {
    const target = await receiver((request, response) => {
      if (request.url === '/viejo') response.writeHead(307, { Location: '/nuevo' }).end();
      else response.writeHead(200).end();
    });
    const outcome = await poster.post(`${target.url}/viejo`, '{"b":2}', { 'X-Prueba': 'si' });
    expect(outcome).toMatchObject({ statusCode: 200, error: null });
    expect(target.seen.map((seen) => [seen.method, seen.path, seen.body, seen.headers['x-prueba']])).toEqual([
      ['POST', '/viejo', '{"b":2}', 'si'],
      ['POST', '/nuevo', '{"b":2}', 'si'],
    ]);
  });

  it('never follows a redirect to another host, nor one that would turn the POST into a GET', async () => {
    const elsewhere = await receiver((_request, response) => response.writeHead(200).end());
    const target = await receiver((request, response) => {
      // Same port, another host name: the signed body must not go there.
      if (request.url === '/fuera') {
        response.writeHead(308, { Location: `http://localhost:${elsewhere.port}/robado` }).end();
      } else response.writeHead(302, { Location: '/otro' }).end();
    });
    const away = await poster.post(`${target.url}/fuera`, '{}', {});
    expect(away).toMatchObject({ statusCode: 308, error: 'redirect (HTTP 308) not followed: another host' });
    const found = await poster.post(`${target.url}/encontrado`, '{}', {});
    expect(found.statusCode).toBe(302);
    expect(found.error).toMatch(/^redirect \(HTTP 302\) not followed/);
    expect(elsewhere.seen).toHaveLength(0);
    expect(target.seen.map((seen) => seen.path)).toEqual(['/fuera', '/encontrado']);
  });

  it('stops after a few redirects in a loop', async () => {
    const target = await receiver((_request, response) =>
      response.writeHead(307, { Location: '/otra-vez' }).end(),
    );
    const outcome = await poster.post(target.url, '{}', {});
    expect(outcome.error).toBe('redirect (HTTP 307) not followed: more than 3 redirects');
    expect(target.seen).toHaveLength(4);
  });

  it('says when nobody listens', async () => {
    const gone = await serve(() => undefined);
    await close(gone.server);
    const outcome = await poster.post(gone.url, '{}', {});
    expect(outcome).toMatchObject({ statusCode: null, error: 'connection refused' });
  });
});
