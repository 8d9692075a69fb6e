import { Corpus } from '../../../src/sat-simulator/corpus';
import { fromMexicoTime } from '../../../src/sat-simulator/mexico-time';
import { finalState as finalRow } from '../../helpers/solicitud-checks';
import { startWithSimulatedSat, type SimulatedSatApp } from '../../helpers/simulated-sat-app';

/*
 * The whole product against the simulator's corpus: what a solicitud stores is checked against the
 * documents an independent reading of the same corpus (same seed) says the filter must return.
 */

const RFC = 'EKU9003173C9';
const SEED = 'pipeline-corpus';
const DOCUMENTS_PER_DAY = 6;
/** Low enough that a quarter's XML exceeds it and must be split, high enough for ten days. */
const MAX_CFDI = 40;

interface Registered {
  IdSolicitud?: string;
  Estado: string;
  Contexto: string;
  TipoSolicitud: string;
  IdsSolicitudExistentes?: { IdSolicitud?: string | string[] };
}

describe('solicitudes end to end against the simulated corpus', () => {
  let sat: SimulatedSatApp;
  const corpus = new Corpus({ documentsPerDay: DOCUMENTS_PER_DAY, seed: SEED });

  beforeAll(async () => {
    sat = await startWithSimulatedSat(
      {
        delaySeconds: 0,
        documentsPerDay: DOCUMENTS_PER_DAY,
        seed: SEED,
        perPackage: 5,
        maxCfdi: MAX_CFDI,
      },
      {
        name: 'dm_pipeline_corpus',
        env: { VERIFY_INITIAL_DELAY_SECONDS: '1' },
      },
    );
  });

  afterAll(() => sat.close());

  async function register(request: Record<string, unknown>): Promise<Registered[]> {
    const [answer] = await sat.client.RegistrarSolicitudAsync({ Rfc: RFC, ...request });
    return ([] as Registered[]).concat(answer.Resultados.Resultado);
  }

  async function finalState(idSolicitud: string): Promise<string> {
    return (await finalRow(sat.pg, idSolicitud, 60_000)).estado;
  }

  /** UUIDs indexed from the solicitud's stored packages, read back from storage by the indexer. */
  async function storedUuids(idSolicitud: string, tipo: string): Promise<string[]> {
    const table = tipo === 'Metadata' ? 'cfdi_metadata' : 'cfdi_documents';
    const { rows } = await sat.pg.query<{ uuid: string }>(
      `SELECT upper(d.uuid::text) AS uuid FROM ${table} d JOIN paquetes p ON p.id = d.paquete_id
        WHERE p.solicitud_id = $1 ORDER BY 1`,
      [idSolicitud],
    );
    return rows.map((row) => row.uuid);
  }

  /** What the filter must return, read from the corpus independently of the simulator's registry. */
  function expectedUuids(
    servicio: 'cfdi' | 'retenciones',
    contexto: 'Emitidos' | 'Recibidos',
    tipo: 'CFDI' | 'Metadata',
    from: string,
    to: string,
  ): string[] {
    const start = fromMexicoTime(from) as Date;
    const end = new Date((fromMexicoTime(to) as Date).getTime() + 1000);
    return [...corpus.documents(RFC, servicio, start, end)]
      .filter((document) => (contexto === 'Emitidos' ? document.rfcEmisor : document.rfcReceptor) === RFC)
      .filter((document) => contexto === 'Emitidos' || tipo === 'Metadata' || document.vigente)
      .map((document) => document.uuid)
      .sort();
  }

  // Metadata first: an XML solicitud whose period has no metadata yet has it downloaded to size
  // the period (a solicitud of its own, which a later Metadata registration would find Duplicada).
  it.each([
    ['Emitidos', 'Metadata', 'CFDI'],
    ['Emitidos', 'CFDI', 'CFDI'],
    ['Recibidos', 'Metadata', 'CFDI'],
    ['Recibidos', 'CFDI', 'CFDI'],
    ['Emitidos', 'Metadata', 'Retenciones'],
    ['Emitidos', 'CFDI', 'Retenciones'],
    ['Recibidos', 'Metadata', 'Retenciones'],
    ['Recibidos', 'CFDI', 'Retenciones'],
  ] as const)(
    '%s %s of %s reaches Completada holding exactly the corpus documents',
    async (contexto, tipo, tipoDocumento) => {
      const from = '2026-01-01T00:00:00';
      const to = '2026-01-10T23:59:59';
      const [registered] = await register({
        FechaInicial: from,
        FechaFinal: to,
        Contexto: contexto,
        TipoSolicitud: tipo,
        TipoDocumento: tipoDocumento,
      });
      expect(registered?.Estado).toBe('Registrada');
      const id = registered?.IdSolicitud as string;
      const expected = expectedUuids(
        tipoDocumento === 'CFDI' ? 'cfdi' : 'retenciones',
        contexto,
        tipo,
        from,
        to,
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(await finalState(id)).toBe('Completada');
      expect(await storedUuids(id, tipo)).toEqual(expected);
      const { rows } = await sat.pg.query<{ paquetes: number; hashed: number }>(
        `SELECT count(*)::int AS paquetes, count(*) FILTER (WHERE sha256 ~ '^[0-9a-f]{64}$')::int AS hashed
           FROM paquetes WHERE solicitud_id = $1`,
        [id],
      );
      expect(rows[0]?.paquetes).toBeGreaterThan(0);
      expect(rows[0]?.hashed).toBe(rows[0]?.paquetes);
    },
  );

  it('splits a period SAT finds too large into parts that cover it exactly, with the right documents', async () => {
    const from = '2026-03-01T00:00:00';
    const to = '2026-05-31T23:59:59';
    const expected = expectedUuids('cfdi', 'Emitidos', 'CFDI', from, to);
    expect(expected.length).toBeGreaterThan(MAX_CFDI);
    const [registered] = await register({
      FechaInicial: from,
      FechaFinal: to,
      Contexto: 'Emitidos',
      TipoSolicitud: 'CFDI',
      TipoDocumento: 'CFDI',
    });
    const id = registered?.IdSolicitud as string;
    expect(await finalState(id)).toBe('Completada');
    expect(await storedUuids(id, 'CFDI')).toEqual(expected);

    const { rows: parts } = await sat.pg.query<{ inicio: Date; fin: Date; estado: string }>(
      `SELECT periodo_inicio AS inicio, periodo_fin AS fin, estado FROM sat_requests
        WHERE solicitud_id = $1 AND estado <> 'Dividida' ORDER BY periodo_inicio`,
      [id],
    );
    expect(parts.length).toBeGreaterThan(1);
    // Contiguous, no overlap, together exactly the period asked for (FechaFinal inclusive).
    expect(parts[0]?.inicio.getTime()).toBe(fromMexicoTime(from)?.getTime());
    expect(parts.at(-1)?.fin.getTime()).toBe((fromMexicoTime(to) as Date).getTime() + 1000);
    for (let index = 1; index < parts.length; index += 1)
      expect(parts[index]?.inicio.getTime()).toBe(parts[index - 1]?.fin.getTime());
    const { rows: divided } = await sat.pg.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM sat_requests WHERE solicitud_id = $1 AND estado = 'Dividida'`,
      [id],
    );
    expect(divided[0]?.total).toBeGreaterThan(0);
  });

  it('asks SAT only for the gaps of a partly covered period, and nothing for a covered one', async () => {
    const base = {
      Contexto: 'Recibidos',
      TipoSolicitud: 'Metadata',
      TipoDocumento: 'CFDI',
    };
    const [first] = await register({
      ...base,
      FechaInicial: '2026-07-01T00:00:00',
      FechaFinal: '2026-07-15T23:59:59',
    });
    expect(await finalState(first?.IdSolicitud as string)).toBe('Completada');
    const before = sat.simulator.state.registry.all().length;

    const [covered] = await register({
      ...base,
      FechaInicial: '2026-07-03T00:00:00',
      FechaFinal: '2026-07-10T23:59:59',
    });
    expect(covered?.Estado).toBe('Duplicada');
    expect(([] as string[]).concat(covered?.IdsSolicitudExistentes?.IdSolicitud ?? [])).toEqual([
      first?.IdSolicitud,
    ]);
    expect(sat.simulator.state.registry.all().length).toBe(before);

    const [wider] = await register({
      ...base,
      FechaInicial: '2026-07-01T00:00:00',
      FechaFinal: '2026-07-31T23:59:59',
    });
    expect(wider?.Estado).toBe('Registrada');
    expect(await finalState(wider?.IdSolicitud as string)).toBe('Completada');
    const asked = sat.simulator.state.registry.all().slice(before);
    expect(
      asked.map((request) => [request.criteria.start?.getTime(), request.criteria.end?.getTime()]),
    ).toEqual([
      [
        fromMexicoTime('2026-07-16T00:00:00')?.getTime(),
        (fromMexicoTime('2026-07-31T23:59:59') as Date).getTime() + 1000,
      ],
    ]);
  });
});
