import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import express from 'express';
import { AuthenticationError, ValidationError, generalErrors } from '../../../src/errors';
import { createLogger } from '../../../src/logging';
import {
  type ApiUserAuthenticator,
  type SoapBindingOptions,
  type SoapCallOutcome,
  type SoapOperationHandler,
  createSoapRouter,
  verifyPasswordDigest,
} from '../../../src/soap';

export const CALCULADORA_WSDL = resolve(__dirname, '../../../fixtures/soap-infra/Calculadora.wsdl');
export const CALCULADORA_PATH = '/soap/Calculadora';
export const FAULT_DETAIL = { namespace: 'urn:soap-infra:prueba', name: 'Falla', prefix: 'p' };

/** The only API user of the test binding: demo / s3cr3t-demo in tenant t1. */
export const testAuthenticator: ApiUserAuthenticator = {
  async authenticate(credentials) {
    const ok =
      credentials.username === 'demo' &&
      (credentials.scheme === 'password'
        ? credentials.password === 's3cr3t-demo'
        : verifyPasswordDigest(credentials, 's3cr3t-demo'));
    if (!ok) throw new AuthenticationError(generalErrors.unauthenticated);
    return { tenantId: 't1', userId: 'u1', username: 'demo' };
  },
};

export const calculadoraHandlers: Record<string, SoapOperationHandler> = {
  // Texto tells how many Etiqueta came, and whether as an array (the normalisation under test).
  Eco: (input, context) => ({
    Texto: `${String(input.Texto)}:${Array.isArray(input.Etiqueta) ? input.Etiqueta.length : 'no-array'}`,
    Etiqueta: input.Etiqueta,
    Usuario: context.principal?.username,
  }),
  Sumar: async (input) => {
    if (input.A === 'appError') {
      throw new ValidationError(generalErrors.fieldInvalid, {
        params: { field: 'A', reason: 'no es número' },
      });
    }
    if (input.A === 'typeError') throw new TypeError('secret-detail password=hunter2');
    if (input.A === 'circular') {
      const loop: Record<string, unknown> = {};
      loop.self = loop;
      return { Resultado: loop };
    }
    return { Resultado: String(Number(input.A) + Number(input.B)) };
  },
};

export interface RunningCalculadora {
  readonly url: string;
  readonly logLines: () => string[];
  readonly outcomes: SoapCallOutcome[];
  close(): Promise<void>;
}

export async function startCalculadora(
  overrides: Partial<SoapBindingOptions> = {},
): Promise<RunningCalculadora> {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const outcomes: SoapCallOutcome[] = [];
  const router = await createSoapRouter({
    wsdlPath: CALCULADORA_WSDL,
    handlers: calculadoraHandlers,
    faultDetail: FAULT_DETAIL,
    authenticator: testAuthenticator,
    maxBodyBytes: 64 * 1024,
    logger: createLogger({ level: 'debug', stream }),
    onCallCompleted: (outcome) => {
      outcomes.push(outcome);
    },
    ...overrides,
  });
  const app = express();
  app.use(CALCULADORA_PATH, router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((done) => server.once('listening', () => done()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${CALCULADORA_PATH}`,
    logLines: () => [...lines],
    outcomes,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
