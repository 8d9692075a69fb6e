/**
 * Cost of the SOAP infrastructure: the Calculadora test binding through createSoapRouter (guard,
 * WS-Security, fault-safe dispatch) next to a bare node-soap service on the same WSDL, same run,
 * 32 concurrent clients. Prints requests/s, p50/p99 and the ratio. Run: npx tsx bench/soap-infra.ts
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
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
import { formatResult, runLoad, startBareCalculadora, type PreparedRequest } from './support/soap-load';

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
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

async function main(): Promise<void> {
  const servers = { router: await ours(), bare: await startBareCalculadora() };
  const sumarRequest: PreparedRequest = {
    body: envelope('1.1', sumar('20', '22')),
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"urn:soap-infra:prueba/Sumar"' },
    expect: '>42<',
  };
  const requests = Array.from({ length: REQUESTS }, () => sumarRequest);
  const load = (url: string) => runLoad({ url, clients: CLIENTS, requests });
  // The first round warms up both servers (JIT, connections); the second is measured.
  await load(servers.router.url);
  await load(servers.bare.url);
  const router = await load(servers.router.url);
  const plain = await load(servers.bare.url);
  console.log(`${REQUESTS} requests, ${CLIENTS} concurrent clients, Sumar (SOAP 1.1, PasswordText)`);
  console.log(formatResult('createSoapRouter', router, 22));
  console.log(formatResult('bare node-soap', plain, 22));
  console.log(`ratio router/bare: ${(router.perSecond / plain.perSecond).toFixed(2)}`);
  servers.router.close();
  await servers.bare.close();
}

main().catch((error: unknown) => {
  console.error(error);
  // Servers may still be listening; the figures are all this script is for.
  process.exit(1);
});
