import { Corpus } from '../../../src/sat-simulator/corpus';
import { fromMexicoTime } from '../../../src/sat-simulator/mexico-time';
import { finalState as finalRow } from '../../helpers/solicitud-checks';
import { startWithSimulatedSat, type SimulatedSatApp } from '../../helpers/simulated-sat-app';

/*
 * Since SAT's v1.5 it is metadata requests that users see stuck in state 1 for days, while XML
 * requests still finish. The simulator keeps the sizing metadata request in progress for good; past
 * SIZING_MAX_WAIT the XML period is asked for by Mexico City day instead of waiting on it, and the
 * solicitud completes with exactly the corpus of the period. The metadata request is left running.
 */

const RFC = 'EKU9003173C9';
const SEED = 'sizing-time-box';
const DOCUMENTS_PER_DAY = 40;
const MAX_WAIT_SECONDS = 4;
// The wait itself, three day requests and their packages: well under a minute alone.
jest.setTimeout(180_000);

interface Resultado {
  IdSolicitud?: string;
  Estado: string;
  SolicitudesSat?: number;
  Dimensionado?: boolean;
}

describe('sizing is time-boxed (SIZING_MAX_WAIT)', () => {
  let sat: SimulatedSatApp;
  const corpus = new Corpus({ documentsPerDay: DOCUMENTS_PER_DAY, seed: SEED });

  beforeAll(async () => {
    sat = await startWithSimulatedSat(
      {
        delaySeconds: 0,
        documentsPerDay: DOCUMENTS_PER_DAY,
        seed: SEED,
        perPackage: 50,
      },
      {
        name: 'dm_sizing_time_box',
        env: {
          VERIFY_INITIAL_DELAY_SECONDS: '1',
          SIZING_MAX_WAIT: `${MAX_WAIT_SECONDS}s`,
        },
      },
    );
  });

  afterAll(() => sat.close());

  const finalState = (id: string) => finalRow(sat.pg, id, 120_000);

  const period = { FechaInicial: '2026-09-01T00:00:00', FechaFinal: '2026-09-03T23:59:59' };
  const mexico = (text: string): number => (fromMexicoTime(text) as Date).getTime();

  it('asks for the XML by Mexico City day once the sizing metadata is overdue, and completes', async () => {
    // The first request SAT accepts for the RFC is the sizing metadata one: it never finishes.
    sat.simulator.state.registry.force('Stuck', RFC);
    const [answer] = await sat.client.RegistrarSolicitudAsync({
      Rfc: RFC,
      Contexto: 'Emitidos',
      TipoSolicitud: 'CFDI',
      ...period,
    });
    const [registered] = ([] as Resultado[]).concat(answer.Resultados.Resultado);
    // Nothing indexed: a metadata request must size it first.
    expect(registered).toMatchObject({ Estado: 'Registrada', SolicitudesSat: 2, Dimensionado: false });
    const id = registered?.IdSolicitud as string;
    expect(await finalState(id)).toEqual({ estado: 'Completada', codigo: null });

    // Exactly the corpus of the period, no document missing, none twice.
    const expected = [
      ...corpus.documents(
        RFC,
        'cfdi',
        new Date(mexico(period.FechaInicial)),
        new Date(mexico(period.FechaFinal) + 1000),
      ),
    ]
      .filter((document) => document.rfcEmisor === RFC)
      .map((document) => document.uuid)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    const { rows: documents } = await sat.pg.query<{ uuid: string }>(
      `SELECT upper(d.uuid::text) AS uuid FROM cfdi_documents d JOIN paquetes p ON p.id = d.paquete_id
        WHERE p.solicitud_id = $1 ORDER BY 1`,
      [id],
    );
    expect(documents.map((row) => row.uuid)).toEqual(expected);

    // SAT saw the metadata request (still in progress) and three XML requests, one per Mexico City
    // day, all sent after SIZING_MAX_WAIT.
    const asked = sat.simulator.state.registry.all();
    const metadata = asked.filter((request) => request.criteria.tipoSolicitud === 'Metadata');
    expect(metadata).toHaveLength(1);
    expect(metadata[0]?.forced).toBe('Stuck');
    expect(metadata[0]?.outcome).toBeUndefined();
    const days = asked
      .filter((request) => request.criteria.tipoSolicitud === 'CFDI')
      .map((request) => [request.criteria.start?.getTime(), request.criteria.end?.getTime()])
      .sort(([a], [b]) => (a ?? 0) - (b ?? 0));
    expect(days).toEqual([
      [mexico('2026-09-01T00:00:00'), mexico('2026-09-02T00:00:00')],
      [mexico('2026-09-02T00:00:00'), mexico('2026-09-03T00:00:00')],
      [mexico('2026-09-03T00:00:00'), mexico('2026-09-04T00:00:00')],
    ]);

    const { rows: parent } = await sat.pg.query<{ created: Date; estado: string; mensaje: string }>(
      `SELECT created_at AS created, estado, mensaje FROM sat_requests
        WHERE solicitud_id = $1 AND parent_id IS NULL`,
      [id],
    );
    expect(parent).toEqual([
      { created: expect.any(Date), estado: 'Dividida', mensaje: expect.stringContaining('SIZING_MAX_WAIT') },
    ]);
    const waited = (parent[0]?.created as Date).getTime() + MAX_WAIT_SECONDS * 1000;
    for (const request of asked.filter((one) => one.criteria.tipoSolicitud === 'CFDI'))
      expect(request.createdAt.getTime()).toBeGreaterThanOrEqual(waited);
    const { rows: children } = await sat.pg.query<{ inicio: Date; estado: string; estimados: number | null }>(
      `SELECT periodo_inicio AS inicio, estado, documentos_estimados AS estimados FROM sat_requests
        WHERE solicitud_id = $1 AND parent_id IS NOT NULL ORDER BY periodo_inicio`,
      [id],
    );
    // Sizes unknown (the index describes none of these days); a day without documents is SinDatos.
    const dayHolds = (start: number) =>
      [...corpus.documents(RFC, 'cfdi', new Date(start), new Date(start + 86_400_000))].some(
        (document) => document.rfcEmisor === RFC,
      );
    expect(children).toEqual(
      days.map(([start]) => ({
        inicio: new Date(start as number),
        estado: dayHolds(start as number) ? 'Terminada' : 'SinDatos',
        estimados: null,
      })),
    );

    // The sizing metadata solicitud was not given up: it is still being polled.
    const { rows: sizing } = await sat.pg.query<{ estado: string; partes: string[] }>(
      `SELECT s.estado, array_agg(r.estado) AS partes FROM solicitudes s
         JOIN sat_requests r ON r.solicitud_id = s.id
        WHERE s.referencia_cliente = 'dimensionar:' || $1 GROUP BY s.id`,
      [id],
    );
    expect(sizing).toHaveLength(1);
    expect(['Solicitada', 'EnProceso']).toContain(sizing[0]?.partes[0]);
    expect(sizing[0]?.estado).toBe('EnProceso');
  });
});
