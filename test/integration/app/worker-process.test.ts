import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import * as soap from 'soap';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logging';
import { startApplication, type RunningApplication } from '../../../src/main';
import { startSatSimulator, type RunningSatSimulator } from '../../../src/sat-simulator';
import { runCliProcess } from '../../helpers/cli';
import { createEmptyDatabase, type EmptyDatabase } from '../../helpers/empty-database';

const root = path.join(__dirname, '../../..');

describe('descarga-masiva worker (a separate process doing the SAT work)', () => {
  let database: EmptyDatabase;
  let simulator: RunningSatSimulator;
  let api: RunningApplication;
  let worker: ChildProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createEmptyDatabase('dm_worker');
    simulator = await startSatSimulator({ delaySeconds: 0 });
    env = {
      DATABASE_URL: database.url,
      MASTER_KEY: Buffer.alloc(32, 6).toString('base64'),
      SAT_MODE: 'simulator',
      SAT_BASE_URL: simulator.url,
      VERIFY_INITIAL_DELAY_SECONDS: '1',
      DATA_DIR: '/tmp/dm-worker-test',
      LOG_LEVEL: 'warn',
    };
    // The API process registers; it runs no workers itself.
    api = await startApplication(
      loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1', WORKERS_ENABLED: 'false' }),
      createLogger({ stream: new PassThrough() }),
      { announce: () => undefined },
    );
  });

  afterAll(async () => {
    worker?.kill('SIGTERM');
    await api.close();
    await simulator.close();
    await database.drop();
  });

  it('refuses to start in simulator mode without the shared simulator URL', () => {
    const { SAT_BASE_URL: _omitted, ...withoutUrl } = env;
    void _omitted;
    const result = runCliProcess(['worker'], withoutUrl);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/DM-1001 .*SAT_BASE_URL/);
  });

  it('completes a solicitud registered through the API process', async () => {
    worker = spawn(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), path.join(root, 'src/cli/main.ts'), 'worker'],
      {
        env: { PATH: process.env.PATH, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json'), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      worker?.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Worker running')) resolve();
      });
      worker?.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    });

    const client = await soap.createClientAsync(`${api.url}/soap/DescargaMasiva?wsdl`);
    client.setSecurity(new soap.WSSecurity('demo', 'demo', { passwordType: 'PasswordText' }));
    const [registered] = await client.RegistrarSolicitudAsync({
      Rfc: 'EKU9003173C9',
      FechaInicial: '2026-03-01T00:00:00',
      FechaFinal: '2026-03-10T23:59:59',
      Contexto: 'Emitidos',
      TipoSolicitud: 'Metadata',
    });
    const idSolicitud = (registered.Resultados.Resultado as { IdSolicitud: string }[])[0]?.IdSolicitud;
    const deadline = Date.now() + 45_000;
    let estado = '';
    while (Date.now() < deadline) {
      const [answer] = await client.RecuperarSolicitudAsync({ IdSolicitud: idSolicitud });
      estado = (answer.Solicitud as { Estado: string }).Estado;
      if (estado === 'Completada' || estado === 'Error' || estado === 'SinDatos') break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(estado).toBe('Completada');
    expect(simulator.state.calls.solicitud).toBe(1);
  });
});
