import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StallingProxy {
  readonly url: string;
  /**
   * From now on, the answer to a GET whose path contains `pathPart` sends its headers and its first
   * `bytes` bytes, then nothing more, ever: a download frozen half-way, at a known point.
   */
  stall(pathPart: string, bytes: number): void;
  close(): Promise<void>;
}

/**
 * An HTTP pass-through in front of another server (an S3 server here). Requests go through with their
 * headers untouched, so signed requests (AWS SigV4 signs the Host header) still verify upstream.
 */
export async function startStallingProxy(target: string): Promise<StallingProxy> {
  const upstream = new URL(target);
  const stalls: { pathPart: string; bytes: number }[] = [];
  const server = http.createServer((request, response) => {
    const forwarded = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: request.url,
        method: request.method,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        const stall =
          request.method === 'GET' ? stalls.find((rule) => request.url?.includes(rule.pathPart)) : undefined;
        if (!stall) {
          answer.pipe(response);
          return;
        }
        let sent = 0;
        answer.on('data', (chunk: Buffer) => {
          if (sent >= stall.bytes) return;
          const slice = chunk.subarray(0, stall.bytes - sent);
          sent += slice.length;
          response.write(slice);
        });
      },
    );
    forwarded.on('error', () => response.destroy());
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stall: (pathPart, bytes) => {
      stalls.push({ pathPart, bytes });
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
