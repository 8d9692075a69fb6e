import type { SatQueryParameters } from '../../src/sat';
import {
  startSatSimulator,
  type RunningSatSimulator,
  type SatSimulatorOptions,
} from '../../src/sat-simulator';

/** Issued CFDI of whole Mexico City days, `from` to `to` (YYYY-MM-DD), with any other parameter given. */
export function period(
  from: string,
  to: string,
  extra: Partial<SatQueryParameters> = {},
): SatQueryParameters {
  return {
    contexto: 'Emitidos',
    tipoSolicitud: 'CFDI',
    fechaInicial: `${from}T00:00:00`,
    fechaFinal: `${to}T23:59:59`,
    rfcContrapartes: [],
    ...extra,
  };
}

/** A POST to the simulator's control API (`/_simulator/<route>`); the HTTP status it answered. */
export async function steer(simulator: RunningSatSimulator, route: string, body: unknown): Promise<number> {
  const response = await fetch(`${simulator.url}/_simulator/${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.status;
}

/**
 * Starts simulators for one test file (no delay, six documents a day, five per package, unless told);
 * each one started is closed once the file's tests are done.
 */
export function simulatorStarter(): (options?: SatSimulatorOptions) => Promise<RunningSatSimulator> {
  const started: RunningSatSimulator[] = [];
  afterAll(async () => {
    await Promise.all(started.map((simulator) => simulator.close()));
  });
  return async (options = {}) => {
    const simulator = await startSatSimulator({
      delaySeconds: 0,
      documentsPerDay: 6,
      perPackage: 5,
      ...options,
    });
    started.push(simulator);
    return simulator;
  };
}
