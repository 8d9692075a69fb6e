import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSatSimulatorApp, type SatSimulatorOptions } from './app';
import type { SimulatorState } from './state';

export interface RunningSatSimulator {
  /** Base URL: CFDI services at `<url>/<SAT path>`, Retenciones at `<url>/retenciones/<SAT path>`. */
  readonly url: string;
  readonly port: number;
  readonly state: SimulatorState;
  close(): Promise<void>;
}

export async function startSatSimulator(
  options: SatSimulatorOptions & { readonly port?: number; readonly host?: string } = {},
): Promise<RunningSatSimulator> {
  const { app, state } = createSatSimulatorApp(options);
  const host = options.host ?? '127.0.0.1';
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, host);
    listening.once('listening', () => resolve(listening));
    listening.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    state,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
