import { Corpus } from '../../../src/sat-simulator/corpus';
import { fromMexicoTime } from '../../../src/sat-simulator/mexico-time';
import { eventually } from '../../helpers/eventually';
import { satNextDayThreshold } from '../../helpers/sat-day-threshold';
import {
  finalState as waitFinal,
  issuedUuids,
  registerSolicitud,
  storedUuids,
  type TipoSolicitud,
} from '../../helpers/solicitud-checks';
import { startWithSimulatedSat, type SimulatedSatApp } from '../../helpers/simulated-sat-app';

/*
 * SAT as it really behaves (issue 17), played by the simulator over HTTP against the whole service:
 * answers lost after SAT accepted, lifetime counts spent, tokens refused mid-cycle, the daily limit.
 * Each case ends Completada with exactly the simulator's documents, having asked SAT no more than the
 * case needs and never the same lifetime-limited criteria more than SAT allows.
 */

const RFC = 'EKU9003173C9';
const SEED = 'sat-behaviour';
const DOCUMENTS_PER_DAY = 6;
jest.setTimeout(240_000);

type Tipo = TipoSolicitud;

describe('SAT as it really behaves', () => {
  let sat: SimulatedSatApp;
  const corpus = new Corpus({ documentsPerDay: DOCUMENTS_PER_DAY, seed: SEED });

  beforeAll(async () => {
    sat = await startWithSimulatedSat(
      {
        delaySeconds: 0,
        documentsPerDay: DOCUMENTS_PER_DAY,
        seed: SEED,
        perPackage: 4,
      },
      {
        name: 'dm_sat_behaviour',
        env: {
          SAT_IDLE_TIMEOUT_MS: '1500',
          JOB_RETRY_DELAY_SECONDS: '1',
          VERIFY_INITIAL_DELAY_SECONDS: '1',
          SIZING_MAX_WAIT: '4s',
        },
      },
    );
  });

  afterAll(() => sat.close());

  async function register(
    tipo: Tipo,
    fechaInicial: string,
    fechaFinal: string,
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const [registered] = await registerSolicitud(sat.client, {
      Rfc: RFC,
      FechaInicial: fechaInicial,
      FechaFinal: fechaFinal,
      Contexto: 'Emitidos',
      TipoSolicitud: tipo,
      ...extra,
    });
    expect(registered?.Estado).toBe('Registrada');
    return registered?.IdSolicitud as string;
  }

  const finalState = (id: string): ReturnType<typeof waitFinal> => waitFinal(sat.pg, id);
  const issued = (from: string, to: string): string[] => issuedUuids(corpus, RFC, from, to);
  const stored = (id: string, tipo: Tipo): Promise<string[]> => storedUuids(sat.pg, id, tipo);

  /** The requests SAT accepted for the period starting at `from` (or one second earlier, widened). */
  function accepted(tipo: Tipo, from: string): { start: number | undefined; id: string }[] {
    const start = (fromMexicoTime(from) as Date).getTime();
    return sat.simulator.state.registry
      .all()
      .filter(
        (request) =>
          request.criteria.tipoSolicitud === tipo &&
          request.criteria.start !== undefined &&
          start - request.criteria.start.getTime() >= 0 &&
          start - request.criteria.start.getTime() <= 60_000,
      )
      .map((request) => ({ start: request.criteria.start?.getTime(), id: request.id }));
  }

  /** No criteria SAT limits was asked more than twice (XML; metadata too when the switch is on). */
  function noCriteriaOverspent(): void {
    const overspent = sat.simulator.state.registry
      .lifetimeCounts()
      .filter((entry) => entry.criteria.tipoSolicitud === 'CFDI' && entry.count > 2);
    expect(overspent).toEqual([]);
  }

  async function completes(id: string, tipo: Tipo, from: string, to: string): Promise<void> {
    expect(await finalState(id)).toEqual({ estado: 'Completada', codigo: null });
    expect(await stored(id, tipo)).toEqual(issued(from, to));
  }

  /** Indexes a period's metadata first, so that an XML solicitud of it is sent without sizing. */
  async function indexed(from: string, to: string): Promise<void> {
    await completes(await register('Metadata', from, to), 'Metadata', from, to);
  }

  describe('an accepted request whose answer was lost', () => {
    it.each(['acceptThenTimeout', 'acceptThenDrop'] as const)(
      '%s: the lost request is never sent again as it was; one second wider, it completes',
      async (fault) => {
        const from = fault === 'acceptThenTimeout' ? '2025-03-03T00:00:00' : '2025-03-10T00:00:00';
        const to = fault === 'acceptThenTimeout' ? '2025-03-04T23:59:59' : '2025-03-11T23:59:59';
        await indexed(from, to);
        const callsBefore = sat.simulator.state.calls.solicitud;
        sat.simulator.state.failNext('solicitud', fault);
        const id = await register('CFDI', from, to);
        await completes(id, 'CFDI', from, to);
        const start = (fromMexicoTime(from) as Date).getTime();
        // The lost one (SAT took it), then the same part one second wider: two requests, each criteria once.
        expect(
          accepted('CFDI', from)
            .map((request) => request.start)
            .sort(),
        ).toEqual([start - 1000, start]);
        expect(sat.simulator.state.calls.solicitud - callsBefore).toBe(2);
        const counts = sat.simulator.state.registry
          .lifetimeCounts()
          .filter((entry) => entry.criteria.tipoSolicitud === 'CFDI' && entry.criteria.start !== undefined)
          .filter((entry) => Math.abs((entry.criteria.start as Date).getTime() - start) <= 1000);
        expect(counts.map((entry) => entry.count)).toEqual([1, 1]);
        // One part, which records the period really asked for; the ledger counts both sends.
        const { rows } = await sat.pg.query<{ estado: string; inicio: Date }>(
          `SELECT estado, periodo_inicio AS inicio FROM sat_requests WHERE solicitud_id = $1`,
          [id],
        );
        expect(rows).toEqual([{ estado: 'Terminada', inicio: new Date(start - 1000) }]);
        const { rows: ledger } = await sat.pg.query<{ inicio: string; veces: number }>(
          `SELECT criterios->>'inicio' AS inicio, veces FROM sat_criteria_usage
            WHERE criterios->>'tipoSolicitud' = 'CFDI' AND criterios->>'fin' = $1 ORDER BY 1`,
          [new Date((fromMexicoTime(to) as Date).getTime() + 1000).toISOString()],
        );
        expect(ledger).toEqual([
          { inicio: new Date(start - 1000).toISOString(), veces: 1 },
          { inicio: new Date(start).toISOString(), veces: 1 },
        ]);
      },
    );

    it('acceptThen404: keeps the IdSolicitud the 404 carried and polls it: one request in all', async () => {
      const from = '2025-03-17T00:00:00';
      const to = '2025-03-18T23:59:59';
      await indexed(from, to);
      const callsBefore = sat.simulator.state.calls.solicitud;
      sat.simulator.state.failNext('solicitud', 'acceptThen404');
      const id = await register('CFDI', from, to);
      await completes(id, 'CFDI', from, to);
      const requests = accepted('CFDI', from);
      expect(requests).toHaveLength(1);
      expect(sat.simulator.state.calls.solicitud - callsBefore).toBe(1);
      const { rows } = await sat.pg.query<{ id: string }>(
        `SELECT id_solicitud_sat AS id FROM sat_requests WHERE solicitud_id = $1`,
        [id],
      );
      expect(rows.map((row) => row.id.toLowerCase())).toEqual([requests[0]?.id.toLowerCase()]);
    });
  });

  describe("SAT's lifetime count", () => {
    it('a third identical XML request goes one second wider instead of DM-9030 or 5002', async () => {
      const from = '2025-04-07T00:00:00';
      const to = '2025-04-08T23:59:59';
      await indexed(from, to);
      for (let time = 0; time < 3; time += 1) {
        await completes(await register('CFDI', from, to, { Forzar: true }), 'CFDI', from, to);
      }
      const starts = accepted('CFDI', from).map((request) => request.start);
      const start = (fromMexicoTime(from) as Date).getTime();
      expect(starts.sort()).toEqual([start - 1000, start, start]);
      // Every Solicita was accepted: we never earned a 5002.
      noCriteriaOverspent();
      const { rows } = await sat.pg.query<{ inicio: string; veces: number }>(
        `SELECT criterios->>'inicio' AS inicio, veces FROM sat_criteria_usage
          WHERE criterios->>'tipoSolicitud' = 'CFDI' AND criterios->>'fin' = $1 ORDER BY 1`,
        [new Date((fromMexicoTime(to) as Date).getTime() + 1000).toISOString()],
      );
      expect(rows).toEqual([
        { inicio: new Date(start - 1000).toISOString(), veces: 1 },
        { inicio: new Date(start).toISOString(), veces: 2 },
      ]);
    });

    it('metadata counted by SAT too: its 5002 is met by a wider period, and then avoided', async () => {
      sat.simulator.state.setCountMetadataLifetime(true);
      try {
        const from = '2025-04-14T00:00:00';
        const to = '2025-04-15T23:59:59';
        const callsBefore = sat.simulator.state.calls.solicitud;
        for (let time = 0; time < 4; time += 1) {
          await completes(await register('Metadata', from, to, { Forzar: true }), 'Metadata', from, to);
        }
        const start = (fromMexicoTime(from) as Date).getTime();
        expect(
          accepted('Metadata', from)
            .map((request) => request.start)
            .sort(),
        ).toEqual([start - 1000, start - 1000, start, start]);
        // Four accepted plus the one 5002 that taught us: the fourth went wider without asking.
        expect(sat.simulator.state.calls.solicitud - callsBefore).toBe(5);
      } finally {
        sat.simulator.state.setCountMetadataLifetime(false);
      }
    });
  });

  it('a token refused with 401, 403 or an InvalidSecurity fault mid-cycle is renewed, never an Error', async () => {
    const from = '2025-05-05T00:00:00';
    const to = '2025-05-07T23:59:59';
    await indexed(from, to);
    const tokensBefore = sat.simulator.state.tokensIssued();
    sat.simulator.state.failNext('solicitud', 'tokenRefusedFault');
    sat.simulator.state.failNext('verificacion', 'tokenRefused401');
    sat.simulator.state.failNext('descarga', 'tokenRefused403');
    sat.simulator.state.failNext('descarga', 'expiredToken');
    const id = await register('CFDI', from, to);
    await completes(id, 'CFDI', from, to);
    expect(sat.simulator.state.faults.pending()).toBe(0);
    expect(sat.simulator.state.tokensIssued() - tokensBefore).toBeGreaterThanOrEqual(4);
    expect(accepted('CFDI', from)).toHaveLength(1);
  });

  it("5011 waits for SAT's next day (00:00 Mexico City), then goes on", async () => {
    const from = '2025-05-12T00:00:00';
    const to = '2025-05-13T23:59:59';
    await indexed(from, to);
    sat.simulator.state.failNext('verificacion', { codEstatus: '5011' });
    const id = await register('CFDI', from, to);
    const waiting = await eventually(
      async () => {
        const { rows } = await sat.pg.query<{ id: string; next: Date }>(
          `SELECT id, next_check_at AS next FROM sat_requests
            WHERE solicitud_id = $1 AND next_check_at >= $2`,
          [id, satNextDayThreshold()],
        );
        expect(rows[0]).toBeDefined();
        return rows[0] as { id: string; next: Date };
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const next = waiting.next;
    const mexicoClock = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'America/Mexico_City',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(next);
    // Midnight in Mexico City, spread over the first ten minutes; the job is scheduled then.
    expect(mexicoClock).toMatch(/^00:0\d$/);
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3_600_000 + 10 * 60_000);
    const { rows: jobs } = await sat.pg.query<{ at: Date }>(
      `SELECT next_run_at AS at FROM agenda_jobs WHERE name = 'verificar' AND data->>'key' = $1`,
      [waiting.id],
    );
    expect(jobs[0]?.at.getTime()).toBe(next.getTime());
    expect((await sat.pg.query('SELECT estado FROM solicitudes WHERE id = $1', [id])).rows[0]?.estado).toBe(
      'EnProceso',
    );
    // The day passes.
    await sat.pg.query(`UPDATE sat_requests SET next_check_at = now() WHERE id = $1`, [waiting.id]);
    await sat.pg.query(
      `UPDATE agenda_jobs SET next_run_at = now() WHERE name = 'verificar' AND data->>'key' = $1`,
      [waiting.id],
    );
    await completes(id, 'CFDI', from, to);
  });

  it('XML does not wait for sizing metadata SAT keeps at state 1: after SIZING_MAX_WAIT it is asked by day', async () => {
    const from = '2025-07-07T00:00:00';
    const to = '2025-07-09T23:59:59';
    sat.simulator.state.setHoldAccepted({ Metadata: 3600 });
    try {
      const id = await register('CFDI', from, to);
      await completes(id, 'CFDI', from, to);
      const xml = accepted('CFDI', from);
      expect(xml).toHaveLength(1);
      const days = sat.simulator.state.registry
        .all()
        .filter(
          (request) =>
            request.criteria.tipoSolicitud === 'CFDI' &&
            request.criteria.start !== undefined &&
            request.criteria.start >= (fromMexicoTime(from) as Date) &&
            request.criteria.start <= (fromMexicoTime(to) as Date),
        );
      expect(days).toHaveLength(3);
      // The sizing metadata is still at state 1 at SAT; it goes on, for later periods.
      const sizing = sat.simulator.state.registry
        .all()
        .filter((request) => request.criteria.tipoSolicitud === 'Metadata' && !request.outcome);
      expect(sizing.length).toBeGreaterThanOrEqual(1);
      expect(sat.simulator.state.registry.status(sizing[0]!, new Date())).toEqual({ estado: 1 });
      // Released, the sizing metadata completes too (and leaves no download behind for later tests).
      sat.simulator.state.setHoldAccepted({});
      const { rows } = await sat.pg.query<{ id: string }>(
        `SELECT id FROM solicitudes WHERE referencia_cliente = 'dimensionar:' || $1`,
        [id],
      );
      expect(await finalState(rows[0]?.id as string)).toEqual({ estado: 'Completada', codigo: null });
    } finally {
      sat.simulator.state.setHoldAccepted({});
    }
  });

  describe('metadata packages SAT sends malformed', () => {
    it('a .txt without its header is reported on the package (file and line), never Indexado with 0 rows in silence', async () => {
      const from = '2025-06-02T00:00:00';
      const to = '2025-06-03T23:59:59';
      sat.simulator.state.failNext('descarga', 'metadataWithoutHeader');
      const id = await register('Metadata', from, to);
      expect(await finalState(id)).toEqual({ estado: 'Completada', codigo: null });
      const { rows } = await sat.pg.query<{ estado: string; codigo: string; mensaje: string; rows: number }>(
        `SELECT p.estado, p.codigo, p.mensaje,
                (SELECT count(*)::int FROM cfdi_metadata m WHERE m.paquete_id = p.id) AS rows
           FROM paquetes p WHERE p.solicitud_id = $1`,
        [id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ estado: 'Indexado', codigo: 'DM-5201', rows: 0 });
      expect(rows[0]?.mensaje).toMatch(/El archivo \S+-0001\.txt no tiene el encabezado .* línea 1/);
    });

    it('a .txt in Windows-1252 is indexed with every name right, and the package says which encoding', async () => {
      const from = '2025-06-09T00:00:00';
      const to = '2025-06-10T23:59:59';
      sat.simulator.state.failNext('descarga', 'metadataWindows1252');
      const id = await register('Metadata', from, to);
      await completes(id, 'Metadata', from, to);
      const { rows: paquetes } = await sat.pg.query<{ codigo: string; mensaje: string }>(
        `SELECT codigo, mensaje FROM paquetes WHERE solicitud_id = $1`,
        [id],
      );
      expect(paquetes).toEqual([
        { codigo: 'DM-5205', mensaje: expect.stringContaining('metadata en Windows-1252 (no UTF-8)') },
      ]);
      const start = fromMexicoTime(from) as Date;
      const end = new Date((fromMexicoTime(to) as Date).getTime() + 1000);
      const names = new Map(
        [...corpus.documents(RFC, 'cfdi', start, end)].map((document) => [
          document.uuid,
          [document.nombreEmisor, document.nombreReceptor],
        ]),
      );
      const { rows } = await sat.pg.query<{ uuid: string; emisor: string; receptor: string }>(
        `SELECT upper(m.uuid::text) AS uuid, m.nombre_emisor AS emisor, m.nombre_receptor AS receptor
           FROM cfdi_metadata m JOIN paquetes p ON p.id = m.paquete_id WHERE p.solicitud_id = $1`,
        [id],
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.some((row) => /[ÑÍÚ]/.test(`${row.emisor}${row.receptor}`))).toBe(true);
      for (const row of rows) expect([row.emisor, row.receptor]).toEqual(names.get(row.uuid));
    });
  });
});
