import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SatCallStat } from '../../../src/db';
import { Metrics, registerSatHealthGauges } from '../../../src/metrics';
import { Fiel, NodeSatTransport, SatClient, endpointsAt } from '../../../src/sat';
import { startSatSimulator, type RunningSatSimulator } from '../../../src/sat-simulator';
import { SatCallRecorder, SatHealth, type EndpointHealth } from '../../../src/services/sat-health';
import { ObservedSatTransport } from '../../../src/services/sat-observation';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { sha256Of } from '../../helpers/streams';

const fielDir = path.join(__dirname, '../../../fixtures/fake-fiel');

function fakeFiel(): Fiel {
  return Fiel.create({
    certificate: readFileSync(path.join(fielDir, 'EKU9003173C9.cer')),
    privateKey: readFileSync(path.join(fielDir, 'EKU9003173C9.key')),
    password: readFileSync(path.join(fielDir, 'EKU9003173C9-password.txt'), 'utf8'),
  });
}

/*
 * The health signal against real SAT traffic: the simulator fails 60% of Descarga calls with HTTP 500,
 * the client's calls go through the observed transport into sat_call_stats, and the signal read back
 * (state, /metrics, the SOAP note) must say Descarga is down, then ok once SAT recovers and the bad
 * minutes leave the window. The health clock is moved instead of waiting five minutes.
 */
describe('SAT health signal over the simulator', () => {
  let database: TestDatabase;
  let simulator: RunningSatSimulator;
  let now = new Date();
  const clock = (): Date => now;
  const network = new NodeSatTransport({
    connectTimeoutMs: 2000,
    idleTimeoutMs: 5000,
    totalTimeoutMs: 20000,
  });

  beforeAll(async () => {
    database = await createTestDatabase('sat_health');
    simulator = await startSatSimulator({ delaySeconds: 0, documentsPerDay: 6, perPackage: 1 });
  });

  afterAll(async () => {
    network.close();
    await simulator.close();
    await database.drop();
  });

  function client(recorder: SatCallRecorder): SatClient {
    return new SatClient({
      fiel: fakeFiel(),
      endpoints: endpointsAt(simulator.url, 'cfdi'),
      transport: new ObservedSatTransport(network, [(event) => recorder.record(event)], { clock }),
    });
  }

  /** Downloads a package and reads it whole; false when the call failed. */
  async function download(sat: SatClient, idPaquete: string): Promise<boolean> {
    try {
      const answer = await sat.download(idPaquete);
      if (!answer.paquete) return false;
      await sha256Of(answer.paquete as AsyncIterable<Buffer>);
      return true;
    } catch {
      return false;
    }
  }

  function endpoint(snapshot: { endpoints: readonly EndpointHealth[] }, name: string): EndpointHealth {
    const found = snapshot.endpoints.find((item) => item.endpoint === name);
    if (!found) throw new Error(`no ${name}`);
    return found;
  }

  it('moves cfdi.descarga to down while 60% of downloads fail, shows it in /metrics and the SOAP note, and back to ok', async () => {
    const recorder = new SatCallRecorder(database.dataSource);
    const sat = client(recorder);
    const health = new SatHealth(database.dataSource, { clock, cacheMs: 0 });
    const query = await sat.query({
      contexto: 'Emitidos',
      tipoSolicitud: 'CFDI',
      fechaInicial: '2026-02-01T00:00:00',
      fechaFinal: '2026-02-10T23:59:59',
      rfcContrapartes: [],
    });
    const paquetes = (await sat.verify(query.idSolicitud as string)).paquetes;
    expect(paquetes.length).toBeGreaterThanOrEqual(10);

    // Ten downloads, six answered with a WCF fault (HTTP 500): 60 %.
    const results: boolean[] = [];
    for (const [index, idPaquete] of paquetes.slice(0, 10).entries()) {
      if (index % 5 < 3) simulator.state.failNext('descarga', 'http500');
      results.push(await download(sat, idPaquete));
    }
    expect(results.filter((ok) => !ok)).toHaveLength(6);
    await recorder.flush();

    const sick = await health.snapshot();
    const descarga = endpoint(sick, 'cfdi.descarga');
    expect(descarga).toMatchObject({
      state: 'down',
      recent: { calls: 10, failures: 6, transportFailures: 0 },
    });
    expect(descarga.recent.successRate).toBeCloseTo(0.4);
    expect(descarga.recent.codes).toEqual({ http_500: 6, '5000': 4 });
    expect(descarga.recent.p50Ms).toBeGreaterThan(0);
    // One call each: too few to judge, and certainly not "down".
    expect(endpoint(sick, 'cfdi.solicitud').state).toBe('unknown');
    expect(endpoint(sick, 'retenciones.descarga')).toMatchObject({ state: 'unknown', recent: { calls: 0 } });

    const metrics = new Metrics();
    registerSatHealthGauges(metrics, () => health.snapshot());
    const text = await metrics.registry.metrics();
    expect(text).toContain('descarga_masiva_sat_endpoint_state{endpoint="cfdi.descarga",state="down"} 1');
    expect(text).toContain('descarga_masiva_sat_endpoint_state{endpoint="cfdi.descarga",state="ok"} 0');
    expect(text).toContain(
      'descarga_masiva_sat_endpoint_success_ratio{endpoint="cfdi.descarga",window="5m"} 0.4',
    );
    expect(text).toContain('descarga_masiva_sat_endpoint_calls{endpoint="cfdi.descarga",window="5m"} 10');

    // What RecuperarSolicitud carries: only a solicitud waiting on Descarga, of CFDI, gets the note.
    const notice = await health.noticeFor('CFDI', 'Descargando');
    expect(notice).toMatchObject({ endpoint: 'cfdi.descarga', state: 'down', successRate: 0.4 });
    expect(notice?.es).toContain('Descarga del SAT (CFDI) está caído: 40 %');
    expect(notice?.en).toContain('is down: 40%');
    expect(await health.noticeFor('CFDI', 'EnProceso')).toBeUndefined();
    expect(await health.noticeFor('CFDI', 'Completada')).toBeUndefined();
    expect(await health.noticeFor('Retenciones', 'Descargando')).toBeUndefined();

    // SAT recovers; six minutes later the failures have left the five-minute window.
    now = new Date(now.getTime() + 6 * 60_000);
    const retried: boolean[] = [];
    for (const [index, idPaquete] of paquetes.slice(0, 10).entries())
      if (!results[index]) retried.push(await download(sat, idPaquete));
    expect(retried).toEqual([true, true, true, true, true, true]);
    await recorder.flush();
    const well = await health.snapshot();
    expect(endpoint(well, 'cfdi.descarga')).toMatchObject({
      state: 'ok',
      recent: { calls: 6, failures: 0, successRate: 1 },
      hour: { calls: 16, failures: 6 },
    });
    expect(await health.noticeFor('CFDI', 'Descargando')).toBeUndefined();
    expect(await metrics.registry.metrics()).toContain(
      'descarga_masiva_sat_endpoint_state{endpoint="cfdi.descarga",state="ok"} 1',
    );
  });

  it('counts a connection that dies as a transport failure and a refused request as no failure', async () => {
    const recorder = new SatCallRecorder(database.dataSource);
    const sat = client(recorder);
    now = new Date(now.getTime() + 60 * 60_000);
    const health = new SatHealth(database.dataSource, { clock, cacheMs: 0 });
    // SAT answers, and refuses: the request (or the taxpayer's lifetime quota) is the problem, not SAT.
    for (let index = 0; index < 3; index += 1) {
      simulator.state.failNext('verificacion', { codEstatus: '5004' });
      expect((await sat.verify('00000000-0000-4000-8000-00000000000' + index)).codEstatus).toBe('5004');
    }
    for (let index = 0; index < 3; index += 1) {
      simulator.state.failNext('verificacion', 'drop');
      await expect(sat.verify('00000000-0000-4000-8000-000000000009')).rejects.toMatchObject({
        code: 'DM-5001',
      });
    }
    await recorder.flush();
    const verificacion = endpoint(await health.snapshot(), 'cfdi.verificacion');
    expect(verificacion).toMatchObject({
      state: 'down',
      recent: { calls: 6, failures: 3, transportFailures: 3, codes: { '5004': 3, network: 3 } },
    });
  });

  it('adds up the calls of several processes in the same minute rows', async () => {
    const at = new Date('2030-01-01T10:00:30Z');
    const processes = [new SatCallRecorder(database.dataSource), new SatCallRecorder(database.dataSource)];
    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        processes[index % 2]!.write({
          endpoint: 'retenciones.solicitud',
          at: new Date(at.getTime() + index * 1000),
          outcome: index % 4 === 0 ? 'failure' : 'ok',
          code: index % 4 === 0 ? 'http_503' : '5000',
          ms: index % 2 === 0 ? 80 : 3_000,
        }),
      ),
    );
    const rows = await database.dataSource
      .getRepository(SatCallStat)
      .find({ where: { endpoint: 'retenciones.solicitud' }, order: { bucket: 'ASC' } });
    // 40 calls, one a second from 10:00:30: two minutes.
    expect(rows.map((row) => row.bucket.toISOString())).toEqual([
      '2030-01-01T10:00:00.000Z',
      '2030-01-01T10:01:00.000Z',
    ]);
    expect(rows.reduce((sum, row) => sum + row.calls, 0)).toBe(40);
    expect(rows.reduce((sum, row) => sum + row.failures, 0)).toBe(10);
    expect(rows.reduce((sum, row) => sum + (row.codes.http_503 ?? 0), 0)).toBe(10);
    const histogram = rows.map((row) => row.latencyBuckets.reduce((sum, count) => sum + count, 0));
    expect(histogram.reduce((sum, count) => sum + count, 0)).toBe(40);
    expect(Math.max(...rows.map((row) => row.maxMs))).toBe(3_000);
    const health = new SatHealth(database.dataSource, {
      clock: () => new Date('2030-01-01T10:02:00Z'),
      cacheMs: 0,
    });
    const solicitud = endpoint(await health.snapshot(), 'retenciones.solicitud');
    expect(solicitud).toMatchObject({
      state: 'degraded',
      recent: { calls: 40, failures: 10, p50Ms: 100, p95Ms: 3_000 },
    });
    // The purge keeps the last hour: 10:00 goes (with every older row of the other tests), 10:01 stays.
    const purged = await new SatCallRecorder(database.dataSource).purgeOlderThan(
      1,
      new Date('2030-01-01T11:00:30Z'),
    );
    expect(purged).toBeGreaterThanOrEqual(1);
    const left = await database.dataSource.getRepository(SatCallStat).find();
    expect(left.map((row) => `${row.endpoint} ${row.bucket.toISOString()}`)).toEqual([
      'retenciones.solicitud 2030-01-01T10:01:00.000Z',
    ]);
  });
});
