import type { ChildProcess } from 'node:child_process';
import { startSatSimulator, type RunningSatSimulator } from '../../../src/sat-simulator';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';
import { runCliProcess } from '../../helpers/cli';
import { eventually } from '../../helpers/eventually';
import { spawnWorker } from '../../helpers/worker-process';

describe('descarga-masiva worker (a separate process doing the SAT work)', () => {
  let simulator: RunningSatSimulator;
  let api: PostgresTestApp;
  let worker: ChildProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    simulator = await startSatSimulator({ delaySeconds: 0 });
    // The API process registers; it runs no workers itself.
    api = await startTestApp({
      name: 'dm_worker',
      env: {
        SAT_BASE_URL: simulator.url,
        VERIFY_INITIAL_DELAY_SECONDS: '1',
        LOG_LEVEL: 'warn',
        WORKERS_ENABLED: 'false',
      },
    });
    // The worker shares its database, key and files (a worker process runs its jobs whatever this says).
    env = { ...api.env };
  });

  afterAll(async () => {
    worker?.kill('SIGTERM');
    await api.close();
    await simulator.close();
  });

  it('refuses to start in simulator mode without the shared simulator URL', () => {
    const { SAT_BASE_URL: _omitted, ...withoutUrl } = env;
    void _omitted;
    const result = runCliProcess(['worker'], withoutUrl);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/DM-1001 .*SAT_BASE_URL/);
  });

  it('completes a solicitud registered through the API process', async () => {
    worker = await spawnWorker(env);

    const client = await api.soapClient();
    const [registered] = await client.RegistrarSolicitudAsync({
      Rfc: 'EKU9003173C9',
      FechaInicial: '2026-03-01T00:00:00',
      FechaFinal: '2026-03-10T23:59:59',
      Contexto: 'Emitidos',
      TipoSolicitud: 'Metadata',
    });
    const idSolicitud = (registered.Resultados.Resultado as { IdSolicitud: string }[])[0]?.IdSolicitud;
    const estado = await eventually(
      async () => {
        const [answer] = await client.RecuperarSolicitudAsync({ IdSolicitud: idSolicitud });
        const current = (answer.Solicitud as { Estado: string }).Estado;
        if (!['Completada', 'Error', 'SinDatos'].includes(current)) throw new Error(`still ${current}`);
        return current;
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );
    expect(estado).toBe('Completada');
    expect(simulator.state.calls.solicitud).toBe(1);
  });
});
