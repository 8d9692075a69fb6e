import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as the receiver saw it. */
export interface ReceivedWebhook {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly at: number;
}

/** Answers a request with a status; receives the request and how many times its delivery came before. */
export type Behaviour = (request: ReceivedWebhook, earlierAttempts: number) => number;

/**
 * A webhook receiver on loopback, as an ERP would run one: records every POST and answers per path
 * with the behaviour registered for it (200 when none).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private server: Server | undefined;
  url = '';

  on(path: string, behaviour: Behaviour): void {
    this.behaviours.set(path, behaviour);
  }

  at(path: string): ReceivedWebhook[] {
    return this.received.filter((request) => request.path === path);
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received: ReceivedWebhook = {
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      const delivery = request.headers['x-descargamasiva-delivery'];
      const earlier = this.received.filter(
        (item) => item.path === received.path && item.headers['x-descargamasiva-delivery'] === delivery,
      ).length;
      this.received.push(received);
      const status = this.behaviours.get(received.path)?.(received, earlier) ?? 200;
      response.writeHead(status, { 'Content-Type': 'text/plain' });
      response.end(status < 300 ? 'ok' : 'no');
    });
  }
}

/**
 * Verifies a delivery the way docs/integration.md tells a receiver to, written here without the
 * service's code: HMAC-SHA256 over "<timestamp>.<body>" with the secret, compared in constant time,
 * and a timestamp no further than `windowSeconds` from now (replays of old deliveries are refused).
 */
export function verifySignature(
  request: ReceivedWebhook,
  secret: string,
  windowSeconds = 300,
  now = Date.now(),
): boolean {
  const timestamp = String(request.headers['x-descargamasiva-timestamp'] ?? '');
  const signature = String(request.headers['x-descargamasiva-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > windowSeconds) return false;
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex')}`;
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b);
}
