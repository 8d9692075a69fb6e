/**
 * Load generation for the SOAP benches: N concurrent clients POST prepared envelopes and time each
 * answer; plus the bare node-soap service (the Calculadora test WSDL, no guard, no authentication)
 * that the benches compare against. Used by bench/soap-infra.ts and bench/soap-api.ts.
 *
 * The clients run in a worker thread with their own event loop, so the client's work does not queue
 * behind the server's in one loop (each is still on the same 2-core machine as the server).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { listen } from 'soap';
import { CALCULADORA_PATH, CALCULADORA_WSDL } from '../../test/integration/soap-infra/calculadora-server';

/** One prepared call: what is sent, and a text its answer must contain (checked on every answer). */
export interface PreparedRequest {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly expect: string;
}

export interface LoadResult {
  readonly requests: number;
  readonly perSecond: number;
  /** Milliseconds. */
  readonly p50: number;
  readonly p99: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly clients: number;
  /** Sent in order, round-robin over the clients, until every one was answered. */
  readonly requests: readonly PreparedRequest[];
}

// Plain JavaScript evaluated in the worker (no TypeScript loader there). Each client takes the next
// request, awaits its answer and checks it; the first wrong answer stops the run.
const CLIENT_LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, clients, requests } = workerData;
(async () => {
  const latencies = new Float64Array(requests.length);
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < requests.length) {
      const index = next++;
      const request = requests[index];
      const t0 = process.hrtime.bigint();
      const response = await fetch(url, { method: 'POST', body: request.body, headers: request.headers });
      const text = await response.text();
      if (response.status !== 200 || !text.includes(request.expect)) {
        throw new Error('unexpected answer ' + response.status + ' to request ' + index + ': ' + text.slice(0, 300));
      }
      latencies[index] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  parentPort.postMessage({ seconds, latencies });
})().catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
`;

/** Runs the requests with `clients` concurrent clients; rejects on the first wrong answer. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const worker = new Worker(CLIENT_LOOP, {
    eval: true,
    workerData: { url: options.url, clients: options.clients, requests: options.requests },
  });
  return new Promise<LoadResult>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { seconds: number; latencies: Float64Array } | { error: string }) => {
      void worker.terminate();
      if ('error' in message) {
        reject(new Error(message.error));
        return;
      }
      const sorted = Array.from(message.latencies).sort((a, b) => a - b);
      const at = (q: number): number =>
        sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      resolve({
        requests: sorted.length,
        perSecond: sorted.length / message.seconds,
        p50: at(0.5),
        p99: at(0.99),
      });
    });
  });
}

/** `name   1234 req/s  p50 1.23 ms  p99 4.56 ms`. */
export function formatResult(name: string, result: LoadResult, width = 34): string {
  return (
    `${name.padEnd(width)} ${result.perSecond.toFixed(0).padStart(7)} req/s` +
    `  p50 ${result.p50.toFixed(2).padStart(8)} ms  p99 ${result.p99.toFixed(2).padStart(8)} ms`
  );
}

export interface BareService {
  /** The SOAP endpoint (POST). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * node-soap's own `listen` on a plain node HTTP server, serving the Calculadora WSDL: Eco answers with
 * what it got (or what `eco` makes of it), Sumar with A + B. No envelope guard, no authentication, no
 * fault mapping.
 */
export async function startBareCalculadora(eco?: (texto: string) => Promise<string>): Promise<BareService> {
  const server = createServer();
  const sum = (args: { A: string; B: string }) => ({ Resultado: String(Number(args.A) + Number(args.B)) });
  const echo = eco
    ? async (args: { Texto: string }) => ({ Texto: await eco(args.Texto) })
    : (args: unknown) => args;
  const methods = { Eco: echo, Sumar: sum };
  const services = { Calculadora: { CalculadoraSoap11: methods, CalculadoraSoap12: methods } };
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  await new Promise<void>((done, fail) =>
    listen(server, {
      path: CALCULADORA_PATH,
      services,
      xml: readFileSync(CALCULADORA_WSDL, 'utf8'),
      uri: CALCULADORA_WSDL,
      callback: (error: unknown) => (error ? fail(error) : done()),
    }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${CALCULADORA_PATH}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/** A SOAP 1.1 Eco call to the Calculadora binding, answered with the same Texto (or `expect`). */
export function ecoRequest(texto: string, expect = `>${texto}<`): PreparedRequest {
  return {
    body:
      '<?xml version="1.0" encoding="utf-8"?><e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/">' +
      `<e:Body><t:Eco xmlns:t="urn:soap-infra:prueba"><t:Texto>${texto}</t:Texto></t:Eco></e:Body></e:Envelope>`,
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"urn:soap-infra:prueba/Eco"' },
    expect,
  };
}
