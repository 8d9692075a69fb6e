/**
 * Cost of the SOAP infrastructure: the Calculadora test binding through createSoapRouter (guard,
 * WS-Security, fault-safe dispatch) next to a bare node-soap service on the same WSDL, same run,
 * 32 concurrent clients. Prints requests/s, p50/p99 and the ratio. Run: npx tsx bench/soap-infra.ts
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { listen } from 'soap';
import { createLogger } from '../src/logging';
import { createSoapRouter } from '../src/soap';
import {
  CALCULADORA_PATH,
  CALCULADORA_WSDL,
  FAULT_DETAIL,
  calculadoraHandlers,
  testAuthenticator,
} from '../test/integration/soap-infra/calculadora-server';
import { envelope, sumar } from '../test/integration/soap-infra/soap-fetch';

const CLIENTS = 32;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 6000);

async function ours(): Promise<{ url: string; close: () => void }> {
  const router = await createSoapRouter({
    wsdlPath: CALCULADORA_WSDL,
    handlers: calculadoraHandlers,
    faultDetail: FAULT_DETAIL,
    authenticator: testAuthenticator,
    maxBodyBytes: 1024 * 1024,
    logger: createLogger({ level: 'warn' }),
  });
  const app = express();
  app.use(CALCULADORA_PATH, router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${CALCULADORA_PATH}`,
    close: () => server.close(),
  };
}

async function bare(): Promise<{ url: string; close: () => void }> {
  const server = createServer();
  const sum = (args: { A: string; B: string }) => ({ Resultado: String(Number(args.A) + Number(args.B)) });
  const methods = { Eco: (args: unknown) => args, Sumar: sum };
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
    close: () => server.close(),
  };
}

async function load(url: string): Promise<{ perSecond: number; p50: number; p99: number }> {
  const body = envelope('1.1', sumar('20', '22'));
  const headers = { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"urn:soap-infra:prueba/Sumar"' };
  const latencies: number[] = [];
  let sent = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (sent < REQUESTS) {
        sent += 1;
        const t0 = process.hrtime.bigint();
        const response = await fetch(url, { method: 'POST', body, headers });
        const text = await response.text();
        if (!text.includes('>42<'))
          throw new Error(`unexpected answer ${response.status}: ${text.slice(0, 200)}`);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99) };
}

async function main(): Promise<void> {
  const servers = { router: await ours(), bare: await bare() };
  await load(servers.router.url);
  await load(servers.bare.url);
  const router = await load(servers.router.url);
  const plain = await load(servers.bare.url);
  const line = (name: string, r: typeof router) =>
    `${name.padEnd(22)} ${r.perSecond.toFixed(0).padStart(7)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms`;
  console.log(`${REQUESTS} requests, ${CLIENTS} concurrent clients, Sumar (SOAP 1.1, PasswordText)`);
  console.log(line('createSoapRouter', router));
  console.log(line('bare node-soap', plain));
  console.log(`ratio router/bare: ${(router.perSecond / plain.perSecond).toFixed(2)}`);
  servers.router.close();
  servers.bare.close();
}

main().catch((error: unknown) => {
  console.error(error);
  // Servers may still be listening; the figures are all this script is for.
  process.exit(1);
});
