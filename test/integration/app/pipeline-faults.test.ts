import { PassThrough } from 'node:stream';
import { Client } from 'pg';
import * as soap from 'soap';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logging';
import { startApplication, type RunningApplication } from '../../../src/main';
import { startSatSimulator, type RunningSatSimulator } from '../../../src/sat-simulator';
import { Corpus } from '../../../src/sat-simulator/corpus';
import { createEmptyDatabase, type EmptyDatabase } from '../../helpers/empty-database';

/*
 * SAT on a bad day: one call in five fails (HTTP 500, no answer until the client's timeout, a dropped
 * connection, a token expired on arrival). A hundred solicitudes must all still end Completada with
 * exactly their documents, each package stored once.
 */

const RFC = 'EKU9003173C9';
const SEED = 'pipeline-faults';
const DOCUMENTS_PER_DAY = 6;
const SOLICITUDES = 100;
const DAY_MS = 86_400_000;
// About 30 s alone before XML periods were sized first; each XML solicitud now waits for one metadata
// solicitud, so twice the SAT work: the wait below allows 420 s for a loaded CI machine, and so must Jest.
jest.setTimeout(480_000);

describe('a hundred solicitudes through a SAT failing 20% of its calls', () => {
  let database: EmptyDatabase;
  let simulator: RunningSatSimulator;
  let application: RunningApplication;
  let pg: Client;

  beforeAll(async () => {
    database = await createEmptyDatabase('dm_pipeline_faults');
    simulator = await startSatSimulator({
      delaySeconds: 0,
      documentsPerDay: DOCUMENTS_PER_DAY,
      seed: SEED,
      perPackage: 3,
      faultRate: 0.2,
      faultSeed: 'twenty-percent',
      randomFaults: ['http500', 'timeout', 'drop', 'expiredToken'],
    });
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
      SAT_MODE: 'simulator',
      SAT_BASE_URL: simulator.url,
      SAT_IDLE_TIMEOUT_MS: '1500',
      JOB_RETRY_DELAY_SECONDS: '1',
      VERIFY_INITIAL_DELAY_SECONDS: '1',
      WORKER_CONCURRENCY: '12',
      WORKER_RFC_CONCURRENCY: '10',
      DATA_DIR: '/tmp/dm-pipeline-faults-test',
    });
    application = await startApplication(config, createLogger({ stream: new PassThrough() }), {
      announce: () => undefined,
    });
    pg = new Client({ connectionString: database.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await application.close();
    await simulator.close();
    await database.drop();
  });

  it('ends every one Completada, with its exact documents and every package stored once', async () => {
    const corpus = new Corpus({ documentsPerDay: DOCUMENTS_PER_DAY, seed: SEED });
    // Two-day windows of 2025 that hold issued documents, alternately asked as XML and as metadata.
    const windows: { start: Date; tipo: 'CFDI' | 'Metadata'; expected: string[] }[] = [];
    for (let day = Date.UTC(2025, 0, 1); windows.length < SOLICITUDES; day += 2 * DAY_MS) {
      // 06:00 UTC is midnight in Mexico City (no DST since 2022).
      const start = new Date(day + 6 * 3_600_000);
      const expected = [...corpus.documents(RFC, 'cfdi', start, new Date(start.getTime() + 2 * DAY_MS))]
        .filter((document) => document.rfcEmisor === RFC)
        .map((document) => document.uuid)
        .sort();
      if (expected.length > 0)
        windows.push({ start, tipo: windows.length % 2 ? 'Metadata' : 'CFDI', expected });
    }

    const client = await soap.createClientAsync(`${application.url}/soap/DescargaMasiva?wsdl`);
    client.setSecurity(new soap.WSSecurity('demo', 'demo', { passwordType: 'PasswordText' }));
    const ids: string[] = [];
    for (const window of windows) {
      const day = window.start.toISOString().slice(0, 10);
      const last = new Date(window.start.getTime() + DAY_MS).toISOString().slice(0, 10);
      const [answer] = await client.RegistrarSolicitudAsync({
        Rfc: RFC,
        FechaInicial: `${day}T00:00:00`,
        FechaFinal: `${last}T23:59:59`,
        Contexto: 'Emitidos',
        TipoSolicitud: window.tipo,
      });
      const [registered] = [].concat(answer.Resultados.Resultado) as {
        IdSolicitud: string;
        Estado: string;
      }[];
      expect(registered?.Estado).toBe('Registrada');
      ids.push(registered?.IdSolicitud as string);
    }

    const deadline = Date.now() + 420_000;
    let open = ids.length;
    while (open > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const { rows } = await pg.query<{ open: number }>(
        `SELECT count(*)::int AS open FROM solicitudes
          WHERE id = ANY($1) AND estado NOT IN ('Completada', 'SinDatos', 'Rechazada', 'Error', 'Vencida')`,
        [ids],
      );
      open = rows[0]?.open ?? -1;
    }
    // Grouped with the code and message, so that a failure says why a solicitud did not complete.
    const { rows: states } = await pg.query<{ estado: string; codigo: string | null; total: number }>(
      `SELECT estado, codigo, mensaje, count(*)::int AS total FROM solicitudes
        WHERE id = ANY($1) GROUP BY estado, codigo, mensaje`,
      [ids],
    );
    expect(states).toEqual([{ estado: 'Completada', codigo: null, mensaje: null, total: SOLICITUDES }]);

    // Faults really happened, of every kind, on about a fifth of the calls.
    const calls = Object.values(simulator.state.calls).reduce((sum, count) => sum + count, 0);
    const injected = [...simulator.state.faultsInjected.values()].reduce((sum, count) => sum + count, 0);
    expect([...simulator.state.faultsInjected.keys()].sort()).toEqual([
      'drop',
      'expiredToken',
      'http500',
      'timeout',
    ]);
    expect(injected / calls).toBeGreaterThan(0.12);

    for (const [index, id] of ids.entries()) {
      const window = windows[index]!;
      const table = window.tipo === 'Metadata' ? 'cfdi_metadata' : 'cfdi_documents';
      const { rows } = await pg.query<{ uuid: string }>(
        `SELECT upper(d.uuid::text) AS uuid FROM ${table} d JOIN paquetes p ON p.id = d.paquete_id
          WHERE p.solicitud_id = $1 ORDER BY 1`,
        [id],
      );
      expect({ id, uuids: rows.map((row) => row.uuid) }).toEqual({ id, uuids: window.expected });
    }
    const { rows: packages } = await pg.query<{ total: number; stored: number; distinct: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE sha256 IS NOT NULL)::int AS stored,
              count(DISTINCT id_paquete)::int AS distinct FROM paquetes WHERE solicitud_id = ANY($1)`,
      [ids],
    );
    expect(packages[0]?.stored).toBe(packages[0]?.total);
    expect(packages[0]?.distinct).toBe(packages[0]?.total);
    // What operators watch saw it too: SAT calls by operation and code, failures without an answer,
    // latencies, and the bytes of every stored package.
    const metrics = await (await fetch(`${application.url}/metrics`)).text();
    for (const operation of ['autenticacion', 'solicitud', 'verificacion', 'descarga'])
      expect(metrics).toMatch(
        new RegExp(`descarga_masiva_sat_calls_total\\{operation="${operation}",code="\\w+"\\} [1-9]`),
      );
    expect(metrics).toMatch(/descarga_masiva_sat_calls_total\{operation="\w+",code="network"\} [1-9]/);
    expect(metrics).toMatch(/descarga_masiva_job_runs_total\{job="[\w-]+",result="retry"\} [1-9]/);
    expect(metrics).toMatch(/descarga_masiva_sat_call_duration_seconds_count\{operation="descarga"\} [1-9]/);
    const { rows: bytes } = await pg.query<{ total: string }>(
      `SELECT sum(tamano)::text AS total FROM paquetes WHERE solicitud_id = ANY($1)`,
      [ids],
    );
    const storedBytes = Number(/descarga_masiva_package_bytes_stored_total (\d+)/.exec(metrics)?.[1]);
    expect(storedBytes).toBeGreaterThanOrEqual(Number(bytes[0]?.total));
    // No package was fetched more than SAT allows (a third download would have been refused).
    expect(Math.max(...simulator.state.downloads.values())).toBeLessThanOrEqual(2);
  });
});
