import { Corpus } from '../../../src/sat-simulator/corpus';
import { fromMexicoTime } from '../../../src/sat-simulator/mexico-time';
import { finalState as finalRow, issuedUuids } from '../../helpers/solicitud-checks';
import { Browser } from '../../helpers/web-browser';
import { startWithSimulatedSat, type SimulatedSatApp } from '../../helpers/simulated-sat-app';

/*
 * The quota-aware planner against the simulator, with SAT's caps scaled down (200 XML / 2,000
 * metadata rows per request, in the simulator and in our configuration alike): a 458-document period
 * is sized by one metadata request and planned into parts that each fit, so SAT never answers 5003;
 * the third identical XML request is asked one second wider by us, so SAT never answers 5002 (nor 5005); a dry run
 * answers the plan and the simulator sees no call at all.
 */

const RFC = 'EKU9003173C9';
const SEED = 'pipeline-quota';
const DOCUMENTS_PER_DAY = 40;
const MAX_CFDI = 200;
const MAX_METADATA = 2000;
// Sizing, three parts and their packages, then two more requests: well under a minute alone.
jest.setTimeout(240_000);

interface Resultado {
  IdSolicitud?: string;
  Estado: string;
  Codigo?: string;
  Mensaje?: string;
  SolicitudesSat?: number;
  DocumentosEstimados?: number;
  Dimensionado?: boolean;
  PeriodosSolicitados?: { Periodo?: { Inicio: string; Fin: string } | { Inicio: string; Fin: string }[] };
}

describe('the quota-aware planner against the simulator', () => {
  let sat: SimulatedSatApp;
  const corpus = new Corpus({ documentsPerDay: DOCUMENTS_PER_DAY, seed: SEED });

  beforeAll(async () => {
    sat = await startWithSimulatedSat(
      {
        delaySeconds: 0,
        documentsPerDay: DOCUMENTS_PER_DAY,
        seed: SEED,
        perPackage: 50,
        maxCfdi: MAX_CFDI,
        maxMetadata: MAX_METADATA,
      },
      {
        name: 'dm_pipeline_quota',
        env: {
          SAT_MAX_XML_PER_REQUEST: String(MAX_CFDI),
          SAT_MAX_METADATA_PER_REQUEST: String(MAX_METADATA),
          VERIFY_INITIAL_DELAY_SECONDS: '1',
        },
      },
    );
  });

  afterAll(() => sat.close());

  async function register(request: Record<string, unknown>): Promise<Resultado[]> {
    const [answer] = await sat.client.RegistrarSolicitudAsync({
      Rfc: RFC,
      Contexto: 'Emitidos',
      TipoSolicitud: 'CFDI',
      ...request,
    });
    return ([] as Resultado[]).concat(answer.Resultados.Resultado);
  }

  const finalState = (id: string) => finalRow(sat.pg, id, 180_000);
  const issued = (from: string, to: string) => issuedUuids(corpus, RFC, from, to);

  /** Every Solicita call the simulator answered was an acceptance: no 5002, 5005 or other refusal. */
  function everySolicitaAccepted(): void {
    expect(sat.simulator.state.calls.solicitud).toBe(sat.simulator.state.registry.all().length);
  }

  function simulatorCalls(): string {
    return JSON.stringify({
      calls: sat.simulator.state.calls,
      requests: sat.simulator.state.registry.all().length,
    });
  }

  const big = { FechaInicial: '2026-02-01T00:00:00', FechaFinal: '2026-03-17T23:59:59' };

  it('sizes a period over the cap with one metadata request and plans parts that each fit: no 5003', async () => {
    const expected = issued(big.FechaInicial, big.FechaFinal);
    expect(expected.length).toBeGreaterThan(2 * MAX_CFDI);
    const [registered] = await register(big);
    // Not indexed yet: one metadata request sizes it, then at least one XML request.
    expect(registered).toMatchObject({ Estado: 'Registrada', SolicitudesSat: 2, Dimensionado: false });
    const id = registered?.IdSolicitud as string;
    expect(await finalState(id)).toEqual({ estado: 'Completada', codigo: null });

    const { rows: documents } = await sat.pg.query<{ uuid: string }>(
      `SELECT upper(d.uuid::text) AS uuid FROM cfdi_documents d JOIN paquetes p ON p.id = d.paquete_id
        WHERE p.solicitud_id = $1 ORDER BY 1`,
      [id],
    );
    expect(documents.map((row) => row.uuid)).toEqual(expected);

    const { rows: parts } = await sat.pg.query<{ inicio: Date; fin: Date; cfdis: number; estimados: number }>(
      `SELECT periodo_inicio AS inicio, periodo_fin AS fin, numero_cfdis AS cfdis,
              documentos_estimados AS estimados
         FROM sat_requests WHERE solicitud_id = $1 AND estado <> 'Dividida' ORDER BY periodo_inicio`,
      [id],
    );
    expect(parts.length).toBe(Math.ceil(expected.length / MAX_CFDI));
    expect(parts[0]?.inicio.getTime()).toBe(fromMexicoTime(big.FechaInicial)?.getTime());
    expect(parts.at(-1)?.fin.getTime()).toBe((fromMexicoTime(big.FechaFinal) as Date).getTime() + 1000);
    for (const [index, part] of parts.entries()) {
      expect(part.cfdis).toBeLessThanOrEqual(MAX_CFDI);
      // The estimate came from the metadata of the same documents.
      expect(part.estimados).toBe(part.cfdis);
      if (index > 0) expect(part.inicio.getTime()).toBe(parts[index - 1]?.fin.getTime());
      // Cut at midnight in Mexico City (06:00 UTC in 2026).
      if (index > 0) expect(part.inicio.toISOString()).toMatch(/T06:00:00\.000Z$/);
    }

    // SAT saw one metadata request for the whole period, then exactly the planned XML parts.
    const start = fromMexicoTime(big.FechaInicial)?.getTime();
    const asked = sat.simulator.state.registry.all();
    expect(
      asked
        .filter((request) => request.criteria.tipoSolicitud === 'Metadata')
        .map((request) => request.criteria.start?.getTime()),
    ).toEqual([start]);
    expect(asked.filter((request) => request.criteria.tipoSolicitud === 'CFDI')).toHaveLength(parts.length);
    expect(asked.filter((request) => request.outcome?.codigo === '5003')).toEqual([]);
    everySolicitaAccepted();

    // The sizing request is a metadata solicitud of the same registration, kept like any other, and
    // listed right below the solicitud it sized (newest first, the client's own is on top).
    const { rows: sizing } = await sat.pg.query<{ id: string; estado: string; tipo: string; same: boolean }>(
      `SELECT s.id, s.estado, s.tipo_solicitud AS tipo, s.registro_id = x.registro_id AS same
         FROM solicitudes s JOIN solicitudes x ON x.id = $1
        WHERE s.referencia_cliente = 'dimensionar:' || $1 AND s.created_at < x.created_at`,
      [id],
    );
    expect(sizing).toEqual([{ id: expect.any(String), estado: 'Completada', tipo: 'Metadata', same: true }]);
    expect(registered?.Mensaje).toContain(sizing[0]?.id);
  });

  const small = { FechaInicial: '2026-06-01T00:00:00', FechaFinal: '2026-06-03T23:59:59' };

  it('asks a third identical XML request one second wider itself: SAT never answers 5002', async () => {
    const [first] = await register(small);
    expect(await finalState(first?.IdSolicitud as string)).toEqual({ estado: 'Completada', codigo: null });
    // The same period again twice, at once: one is SAT's second identical request, the other would be
    // the third. Whichever way they interleave, the guard lets exactly one through as it is.
    const [[second], [third]] = await Promise.all([
      register({ ...small, Forzar: true }),
      register({ ...small, Forzar: true }),
    ]);
    for (const result of [second, third]) {
      expect(await finalState(result?.IdSolicitud as string)).toEqual({ estado: 'Completada', codigo: null });
    }
    const start = fromMexicoTime(small.FechaInicial)?.getTime() as number;
    const asked = sat.simulator.state.registry
      .all()
      .filter(
        (request) =>
          request.criteria.tipoSolicitud === 'CFDI' &&
          request.criteria.start !== undefined &&
          start - request.criteria.start.getTime() <= 1000 &&
          start - request.criteria.start.getTime() >= 0,
      )
      .map((request) => request.criteria.start?.getTime())
      .sort();
    expect(asked).toEqual([start - 1000, start, start]);
    everySolicitaAccepted();
    const { rows: usage } = await sat.pg.query<{ inicio: string; veces: number }>(
      `SELECT criterios->>'inicio' AS inicio, veces FROM sat_criteria_usage
        WHERE criterios->>'tipoSolicitud' = 'CFDI' AND criterios->>'fin' = $1 ORDER BY 1`,
      [new Date((fromMexicoTime(small.FechaFinal) as Date).getTime() + 1000).toISOString()],
    );
    expect(usage).toEqual([
      { inicio: new Date(start - 1000).toISOString(), veces: 1 },
      { inicio: new Date(start).toISOString(), veces: 2 },
    ]);
  });

  it('dry run (SOAP Simular, web form) answers the plan and sends nothing to SAT', async () => {
    const before = simulatorCalls();
    const [{ total: solicitudesBefore }] = (
      await sat.pg.query<{ total: number }>(
        `SELECT (SELECT count(*) FROM solicitudes) + (SELECT count(*) FROM registros)
              + (SELECT count(*) FROM sat_requests) + (SELECT count(*) FROM ledger_periodos)
              + (SELECT coalesce(sum(veces), 0) FROM sat_criteria_usage) AS total`,
      )
    ).rows as [{ total: number }];

    // The big period again: sized from our own index now, so the exact plan is known.
    const [indexed] = await register({ ...big, Forzar: true, Simular: true });
    const { rows: planned } = await sat.pg.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM sat_requests r JOIN solicitudes s ON s.id = r.solicitud_id
        WHERE s.tipo_solicitud = 'CFDI' AND s.fecha_inicial = $1 AND r.estado <> 'Dividida' AND s.forzar = false`,
      [fromMexicoTime(big.FechaInicial)],
    );
    expect(indexed).toMatchObject({
      Estado: 'Simulada',
      SolicitudesSat: planned[0]?.count,
      DocumentosEstimados: issued(big.FechaInicial, big.FechaFinal).length,
      Dimensionado: true,
    });
    expect(indexed?.IdSolicitud).toBeUndefined();
    expect(([] as unknown[]).concat(indexed?.PeriodosSolicitados?.Periodo ?? [])).toHaveLength(
      planned[0]?.count as number,
    );
    // A period SAT already gave twice: the dry run plans it (it will be asked one second wider).
    const [spent] = await register({ ...small, Forzar: true, Simular: true });
    expect(spent).toMatchObject({ Estado: 'Simulada', SolicitudesSat: 1 });
    // A period nobody sized: the dry run does not ask SAT, it says a metadata request must size it.
    const [unknown] = await register({
      FechaInicial: '2026-08-01T00:00:00',
      FechaFinal: '2026-08-31T23:59:59',
      Simular: true,
    });
    expect(unknown).toMatchObject({ Estado: 'Simulada', SolicitudesSat: 2, Dimensionado: false });
    expect(unknown?.DocumentosEstimados).toBeUndefined();

    // The web form's "dry run only" box does the same.
    const browser = new Browser(sat.app.url);
    await browser.signIn('demo', 'demo');
    const csrf = await browser.csrfOf('/solicitudes/nueva');
    const page = await browser.post('/solicitudes/nueva', {
      _csrf: csrf,
      rfc: RFC,
      fechaInicial: '2026-02-01T00:00',
      fechaFinal: '2026-03-17T23:59:59',
      contexto: 'Emitidos',
      tipoSolicitud: 'CFDI',
      tipoDocumento: 'CFDI',
      forzar: 'true',
      simular: 'true',
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-estado="Simulada"');
    expect(html).toContain(`data-solicitudes-sat="${planned[0]?.count}"`);

    expect(simulatorCalls()).toBe(before);
    const [{ total: solicitudesAfter }] = (
      await sat.pg.query<{ total: number }>(
        `SELECT (SELECT count(*) FROM solicitudes) + (SELECT count(*) FROM registros)
              + (SELECT count(*) FROM sat_requests) + (SELECT count(*) FROM ledger_periodos)
              + (SELECT coalesce(sum(veces), 0) FROM sat_criteria_usage) AS total`,
      )
    ).rows as [{ total: number }];
    expect(solicitudesAfter).toBe(solicitudesBefore);
  });
});
