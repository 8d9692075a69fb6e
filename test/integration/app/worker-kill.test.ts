import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from 'pg';
import * as soap from 'soap';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logging';
import { startApplication, type RunningApplication } from '../../../src/main';
import {
  startSatSimulator,
  type RunningSatSimulator,
  type SimulatedRequest,
} from '../../../src/sat-simulator';
import { Corpus } from '../../../src/sat-simulator/corpus';
import { fromMexicoTime } from '../../../src/sat-simulator/mexico-time';
import { createEmptyDatabase, type EmptyDatabase } from '../../helpers/empty-database';

/*
 * A worker process killed with SIGKILL in the middle of each step (a SAT call in flight for solicita and
 * verifica, a package half-way through its download, a package just stored for indexing), then a new
 * worker started: the solicitud completes with every package stored once, its hash matching its bytes,
 * its documents those of the corpus, and SAT asked once.
 */

const root = path.join(__dirname, '../../..');
const RFC = 'EKU9003173C9';
const SEED = 'worker-kill';
const DOCUMENTS_PER_DAY = 6;
// Each case starts two worker processes and waits out a lock lifetime: slow CI machines need headroom.
jest.setTimeout(150_000);

describe('workers killed mid-step (SIGKILL) and replaced', () => {
  let database: EmptyDatabase;
  let simulator: RunningSatSimulator;
  let api: RunningApplication;
  let client: soap.Client;
  let pg: Client;
  let env: Record<string, string>;
  const workers: ChildProcess[] = [];
  const corpus = new Corpus({ documentsPerDay: DOCUMENTS_PER_DAY, seed: SEED });

  beforeAll(async () => {
    database = await createEmptyDatabase('dm_worker_kill');
    simulator = await startSatSimulator({
      delaySeconds: 0,
      documentsPerDay: DOCUMENTS_PER_DAY,
      seed: SEED,
      perPackage: 4,
    });
    env = {
      DATABASE_URL: database.url,
      MASTER_KEY: Buffer.alloc(32, 8).toString('base64'),
      SAT_MODE: 'simulator',
      SAT_BASE_URL: simulator.url,
      VERIFY_INITIAL_DELAY_SECONDS: '1',
      JOB_RETRY_DELAY_SECONDS: '1',
      // A dead worker's job is taken over once its lock lapses.
      JOB_LOCK_SECONDS: '4',
      DATA_DIR: '/tmp/dm-worker-kill-test',
      LOG_LEVEL: 'warn',
    };
    api = await startApplication(
      loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1', WORKERS_ENABLED: 'false' }),
      createLogger({ stream: new PassThrough() }),
      { announce: () => undefined },
    );
    client = await soap.createClientAsync(`${api.url}/soap/DescargaMasiva?wsdl`);
    client.setSecurity(new soap.WSSecurity('demo', 'demo', { passwordType: 'PasswordText' }));
    pg = new Client({ connectionString: database.url });
    await pg.connect();
  });

  // Exactly one live worker at each kill: a survivor of the previous case would take the step instead.
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => killed(worker)));
  });

  afterAll(async () => {
    await pg.end();
    await api.close();
    await simulator.close();
    await database.drop();
  });

  async function startWorker(): Promise<ChildProcess> {
    const worker = spawn(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), path.join(root, 'src/cli/main.ts'), 'worker'],
      {
        env: { PATH: process.env.PATH, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json'), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    workers.push(worker);
    await new Promise<void>((resolve, reject) => {
      worker.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Worker running')) resolve();
      });
      worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    });
    return worker;
  }

  async function killed(worker: ChildProcess): Promise<void> {
    if (worker.exitCode !== null || worker.signalCode !== null) return;
    const exit = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGKILL');
    await exit;
  }

  async function until<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    timeoutMs = 120_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function estado(id: string): Promise<string> {
    const { rows } = await pg.query<{ estado: string }>('SELECT estado FROM solicitudes WHERE id = $1', [id]);
    return rows[0]?.estado ?? 'missing';
  }

  async function register(from: string, to: string): Promise<string> {
    const [answer] = await client.RegistrarSolicitudAsync({
      Rfc: RFC,
      FechaInicial: `${from}T00:00:00`,
      FechaFinal: `${to}T23:59:59`,
      Contexto: 'Emitidos',
      TipoSolicitud: 'CFDI',
    });
    return ([].concat(answer.Resultados.Resultado) as { IdSolicitud: string }[])[0]?.IdSolicitud as string;
  }

  /** Completada, SAT asked once, every package stored once with a hash that matches its bytes. */
  /**
   * `sizingWidenedSeconds`: a Solicita cut short by the kill may have reached SAT, so the next worker
   * never sends those criteria again as they were: it asks one second wider (issue 17).
   */
  async function expectIntact(id: string, from: string, to: string, sizingWidenedSeconds = 0): Promise<void> {
    expect(
      await until('Completada', async () => ((await estado(id)) === 'Completada' ? true : undefined)),
    ).toBe(true);
    const start = fromMexicoTime(`${from}T00:00:00`) as Date;
    const end = new Date((fromMexicoTime(`${to}T23:59:59`) as Date).getTime() + 1000);
    const asked = (tipo: 'CFDI' | 'Metadata', at: number): SimulatedRequest[] =>
      simulator.state.registry
        .all()
        .filter(
          (request) => request.criteria.tipoSolicitud === tipo && request.criteria.start?.getTime() === at,
        );
    // The XML request, and the metadata request that sized its period first: each asked once.
    const xml = asked('CFDI', start.getTime());
    expect(xml).toHaveLength(1);
    expect(asked('Metadata', start.getTime() - sizingWidenedSeconds * 1000)).toHaveLength(1);
    if (sizingWidenedSeconds > 0) expect(asked('Metadata', start.getTime())).toHaveLength(0);

    const expected = [...corpus.documents(RFC, 'cfdi', start, end)]
      .filter((document) => document.rfcEmisor === RFC)
      .map((document) => document.uuid)
      .sort();
    const { rows: documents } = await pg.query<{ uuid: string }>(
      `SELECT upper(d.uuid::text) AS uuid FROM cfdi_documents d JOIN paquetes p ON p.id = d.paquete_id
        WHERE p.solicitud_id = $1 ORDER BY 1`,
      [id],
    );
    expect(documents.map((row) => row.uuid)).toEqual(expected);

    const { rows: paquetes } = await pg.query<{ id_paquete: string; sha256: string; tamano: string }>(
      `SELECT id_paquete, sha256, tamano FROM paquetes WHERE solicitud_id = $1`,
      [id],
    );
    expect(new Set(paquetes.map((paquete) => paquete.id_paquete)).size).toBe(paquetes.length);
    expect(paquetes.length).toBe((xml[0]?.outcome?.paquetes ?? []).length);
    for (const paquete of paquetes) {
      const [link] = await client.RecuperarLinkDescargaAsync({
        IdSolicitud: id,
        IdPaquete: paquete.id_paquete,
      });
      const bytes = Buffer.from(await (await fetch(link.Url as string)).arrayBuffer());
      expect(bytes.length).toBe(Number(paquete.tamano));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(paquete.sha256);
    }
  }

  it('during Solicita: the call in flight is lost, the next worker asks SAT once (one second wider)', async () => {
    const worker = await startWorker();
    const before = simulator.state.calls.solicitud;
    simulator.state.failNext('solicitud', { latencyMs: 15_000 });
    const id = await register('2026-01-01', '2026-01-06');
    await until('the Solicita call', async () =>
      simulator.state.calls.solicitud > before ? true : undefined,
    );
    await killed(worker);
    await startWorker();
    // The first Solicita is the metadata that sizes the period: that is the one cut short.
    await expectIntact(id, '2026-01-01', '2026-01-06', 1);
  });

  it('during Verifica: the next worker verifies again and downloads', async () => {
    const worker = await startWorker();
    const before = simulator.state.calls.verificacion;
    simulator.state.failNext('verificacion', { latencyMs: 15_000 });
    const id = await register('2026-02-01', '2026-02-06');
    await until('the Verifica call', async () =>
      simulator.state.calls.verificacion > before ? true : undefined,
    );
    await killed(worker);
    await startWorker();
    await expectIntact(id, '2026-02-01', '2026-02-06');
    // The call cut short by the kill, then the new worker's own.
    expect(simulator.state.calls.verificacion).toBeGreaterThanOrEqual(before + 2);
  });

  it('half-way through a package download: nothing half-stored, downloaded again whole', async () => {
    const worker = await startWorker();
    const before = simulator.state.calls.descarga;
    simulator.state.failNext('descarga', { stallMidPackageMs: 15_000 });
    const id = await register('2026-03-01', '2026-03-06');
    await until('the Descarga call', async () =>
      simulator.state.calls.descarga > before ? true : undefined,
    );
    // Let the first half of the package reach the store before the worker dies.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await killed(worker);
    await startWorker();
    await expectIntact(id, '2026-03-01', '2026-03-06');
    expect(Math.max(...simulator.state.downloads.values())).toBeLessThanOrEqual(2);
  });

  it('as soon as a package is stored (around indexing): indexed once, nothing lost', async () => {
    const worker = await startWorker();
    const id = await register('2026-04-01', '2026-04-06');
    await until('a stored package', async () => {
      const { rows } = await pg.query(
        `SELECT 1 FROM paquetes WHERE solicitud_id = $1 AND stored_at IS NOT NULL`,
        [id],
      );
      return rows.length > 0 ? true : undefined;
    });
    await killed(worker);
    await startWorker();
    await expectIntact(id, '2026-04-01', '2026-04-06');
  });
});
