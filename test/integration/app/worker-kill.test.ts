import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { SimulatedRequest } from '../../../src/sat-simulator';
import { Corpus } from '../../../src/sat-simulator/corpus';
import { fromMexicoTime } from '../../../src/sat-simulator/mexico-time';
import { pause, until as polled } from '../../helpers/eventually';
import { issuedUuids, storedUuids } from '../../helpers/solicitud-checks';
import { spawnWorker } from '../../helpers/worker-process';
import { startWithSimulatedSat, type SimulatedSatApp } from '../../helpers/simulated-sat-app';

/*
 * A worker process killed with SIGKILL in the middle of each step (a SAT call in flight for solicita and
 * verifica, a package half-way through its download, a package just stored for indexing), then a new
 * worker started: the solicitud completes with every package stored once, its hash matching its bytes,
 * its documents those of the corpus, and SAT asked once.
 */

const RFC = 'EKU9003173C9';
const SEED = 'worker-kill';
const DOCUMENTS_PER_DAY = 6;
// Each case starts two worker processes and waits out a lock lifetime: slow CI machines need headroom.
jest.setTimeout(150_000);

describe('workers killed mid-step (SIGKILL) and replaced', () => {
  let sat: SimulatedSatApp;
  let env: Record<string, string>;
  const workers: ChildProcess[] = [];
  const corpus = new Corpus({ documentsPerDay: DOCUMENTS_PER_DAY, seed: SEED });

  beforeAll(async () => {
    sat = await startWithSimulatedSat(
      { delaySeconds: 0, documentsPerDay: DOCUMENTS_PER_DAY, seed: SEED, perPackage: 4 },
      {
        name: 'dm_worker_kill',
        env: {
          VERIFY_INITIAL_DELAY_SECONDS: '1',
          JOB_RETRY_DELAY_SECONDS: '1',
          // A dead worker's job is taken over once its lock lapses.
          JOB_LOCK_SECONDS: '4',
          LOG_LEVEL: 'warn',
          WORKERS_ENABLED: 'false',
        },
      },
    );
    // The workers share its database, key and files (a worker process runs its jobs whatever this says).
    env = { ...sat.app.env };
  });

  // Exactly one live worker at each kill: a survivor of the previous case would take the step instead.
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => killed(worker)));
  });

  afterAll(() => sat.close());

  async function startWorker(): Promise<ChildProcess> {
    const worker = await spawnWorker(env);
    workers.push(worker);
    return worker;
  }

  async function killed(worker: ChildProcess): Promise<void> {
    if (worker.exitCode !== null || worker.signalCode !== null) return;
    const exit = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGKILL');
    await exit;
  }

  const until = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> =>
    polled(what, probe, { timeoutMs: 120_000, intervalMs: 100 });

  async function estado(id: string): Promise<string> {
    const { rows } = await sat.pg.query<{ estado: string }>('SELECT estado FROM solicitudes WHERE id = $1', [
      id,
    ]);
    return rows[0]?.estado ?? 'missing';
  }

  async function register(from: string, to: string): Promise<string> {
    const [answer] = await sat.client.RegistrarSolicitudAsync({
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
    const asked = (tipo: 'CFDI' | 'Metadata', at: number): SimulatedRequest[] =>
      sat.simulator.state.registry
        .all()
        .filter(
          (request) => request.criteria.tipoSolicitud === tipo && request.criteria.start?.getTime() === at,
        );
    // The XML request, and the metadata request that sized its period first: each asked once.
    const xml = asked('CFDI', start.getTime());
    expect(xml).toHaveLength(1);
    expect(asked('Metadata', start.getTime() - sizingWidenedSeconds * 1000)).toHaveLength(1);
    if (sizingWidenedSeconds > 0) expect(asked('Metadata', start.getTime())).toHaveLength(0);

    const expected = issuedUuids(corpus, RFC, `${from}T00:00:00`, `${to}T23:59:59`);
    expect(await storedUuids(sat.pg, id, 'CFDI', { distinct: false })).toEqual(expected);

    const { rows: paquetes } = await sat.pg.query<{ id_paquete: string; sha256: string; tamano: string }>(
      `SELECT id_paquete, sha256, tamano FROM paquetes WHERE solicitud_id = $1`,
      [id],
    );
    expect(new Set(paquetes.map((paquete) => paquete.id_paquete)).size).toBe(paquetes.length);
    expect(paquetes.length).toBe((xml[0]?.outcome?.paquetes ?? []).length);
    for (const paquete of paquetes) {
      const [link] = await sat.client.RecuperarLinkDescargaAsync({
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
    const before = sat.simulator.state.calls.solicitud;
    sat.simulator.state.failNext('solicitud', { latencyMs: 15_000 });
    const id = await register('2026-01-01', '2026-01-06');
    await until('the Solicita call', async () =>
      sat.simulator.state.calls.solicitud > before ? true : undefined,
    );
    await killed(worker);
    await startWorker();
    // The first Solicita is the metadata that sizes the period: that is the one cut short.
    await expectIntact(id, '2026-01-01', '2026-01-06', 1);
  });

  it('during Verifica: the next worker verifies again and downloads', async () => {
    const worker = await startWorker();
    const before = sat.simulator.state.calls.verificacion;
    sat.simulator.state.failNext('verificacion', { latencyMs: 15_000 });
    const id = await register('2026-02-01', '2026-02-06');
    await until('the Verifica call', async () =>
      sat.simulator.state.calls.verificacion > before ? true : undefined,
    );
    await killed(worker);
    await startWorker();
    await expectIntact(id, '2026-02-01', '2026-02-06');
    // The call cut short by the kill, then the new worker's own.
    expect(sat.simulator.state.calls.verificacion).toBeGreaterThanOrEqual(before + 2);
  });

  it('half-way through a package download: nothing half-stored, downloaded again whole', async () => {
    const worker = await startWorker();
    const before = sat.simulator.state.calls.descarga;
    sat.simulator.state.failNext('descarga', { stallMidPackageMs: 15_000 });
    const id = await register('2026-03-01', '2026-03-06');
    await until('the Descarga call', async () =>
      sat.simulator.state.calls.descarga > before ? true : undefined,
    );
    // Let the first half of the package reach the store before the worker dies.
    await pause(300);
    await killed(worker);
    await startWorker();
    await expectIntact(id, '2026-03-01', '2026-03-06');
    expect(Math.max(...sat.simulator.state.downloads.values())).toBeLessThanOrEqual(2);
  });

  it('as soon as a package is stored (around indexing): indexed once, nothing lost', async () => {
    const worker = await startWorker();
    const id = await register('2026-04-01', '2026-04-06');
    await until('a stored package', async () => {
      const { rows } = await sat.pg.query(
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
