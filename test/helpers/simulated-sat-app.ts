import type { Client } from 'pg';
import type * as soap from 'soap';
import {
  startSatSimulator,
  type RunningSatSimulator,
  type SatSimulatorOptions,
} from '../../src/sat-simulator';
import { startTestApp, type PostgresTestApp, type TestAppOptions } from './app';

/** The application, the SAT simulator it talks to, and what a test drives them with. */
export interface SimulatedSatApp {
  readonly app: PostgresTestApp;
  /** The simulator as SAT_BASE_URL: its state is where a test injects faults and counts calls. */
  readonly simulator: RunningSatSimulator;
  /** The demo API user's client of /soap/DescargaMasiva. */
  readonly client: soap.Client;
  readonly pg: Client;
  /** Stops the application, then the simulator, and drops the database. */
  close(): Promise<void>;
}

/**
 * The end-to-end set-up: a SAT simulator of its own, and the application on a fresh database talking
 * to it (SAT_BASE_URL).
 */
export async function startWithSimulatedSat(
  simulatorOptions: SatSimulatorOptions,
  options: TestAppOptions,
): Promise<SimulatedSatApp> {
  const simulator = await startSatSimulator(simulatorOptions);
  let app: PostgresTestApp | undefined;
  try {
    app = await startTestApp({ ...options, env: { SAT_BASE_URL: simulator.url, ...options.env } });
    const started = app;
    return {
      app: started,
      simulator,
      client: await started.soapClient(),
      pg: started.pg,
      close: async () => {
        await started.close();
        await simulator.close();
      },
    };
  } catch (error) {
    await app?.close();
    await simulator.close();
    throw error;
  }
}
