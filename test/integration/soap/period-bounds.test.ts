import { Client } from 'pg';
import { toMexicoWallClock } from '../../../src/services/periods/mexico-time';
import { S11, S12, post, textOf, type RawAnswer } from '../soap-infra/soap-fetch';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';
import { demoDigestHeader } from '../../helpers/soap-auth-calls';

/*
 * Period bounds through real HTTP on both bindings: a FechaFinal on a later day is refused before
 * anything is stored (a FechaFinal later today is taken up to now), and a range whose start is later
 * than its end is a client Fault with its own code, not an internal error.
 */

const DM = 'urn:descarga-masiva:v1';
const MYSUITE = 'http://www.fact.com.mx/schema/ws';
const DEMO_REQUESTOR = '11111111-2222-3333-4444-555555555555';
const b64 = (text: string): string => Buffer.from(text).toString('base64');

function elements(fields: Record<string, string | Record<string, string>>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<dm:${name}>${typeof value === 'string' ? value : elements(value)}</dm:${name}>`)
    .join('');
}

describe('period bounds on both bindings', () => {
  let application: PostgresTestApp;
  let pg: Client;

  function dm(
    operation: string,
    fields: Record<string, string | Record<string, string>>,
    version: '1.1' | '1.2' = '1.1',
  ): Promise<RawAnswer> {
    const body = `<dm:${operation} xmlns:dm="${DM}">${elements(fields)}</dm:${operation}>`;
    const xml = `<env:Envelope xmlns:env="${version === '1.1' ? S11 : S12}"><env:Header>${demoDigestHeader()}</env:Header><env:Body>${body}</env:Body></env:Envelope>`;
    return post(`${application.url}/soap/DescargaMasiva`, xml, { version, action: `${DM}/${operation}` });
  }

  async function mysuite(transaction: string, data: Record<string, string>): Promise<Record<string, string>> {
    const entries = Object.entries(data)
      .map(([key, value]) => `<Entry k="${key}" v="${value}"/>`)
      .join('');
    const xml =
      `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${S11}" xmlns:ws="${MYSUITE}"><soap:Body>` +
      `<ws:RequestTransaction><ws:Requestor>${DEMO_REQUESTOR}</ws:Requestor><ws:Transaction>${transaction}</ws:Transaction>` +
      `<ws:Country>MX</ws:Country><ws:Entity>EKU9003173C9</ws:Entity><ws:User>${DEMO_REQUESTOR}</ws:User>` +
      `<ws:UserName>periodos</ws:UserName><ws:Data1>${b64(`<Dictionary name="Params">${entries}</Dictionary>`)}</ws:Data1>` +
      `</ws:RequestTransaction></soap:Body></soap:Envelope>`;
    const answer = await post(`${application.url}/mx.com.fact.wsfront/FactWSFront.asmx`, xml, {
      action: `${MYSUITE}/RequestTransaction`,
    });
    expect(answer.status).toBe(200);
    const field = (name: string): string => textOf(answer.document, MYSUITE, name) ?? '';
    return { Result: field('Result'), Code: field('Code'), Description: field('Description') };
  }

  async function solicitudes(): Promise<number> {
    const { rows } = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM solicitudes');
    return rows[0]?.n ?? -1;
  }

  function fault(answer: RawAnswer): { code?: string; campo?: string; faultcode?: string } {
    return {
      code: textOf(answer.document, DM, 'Codigo'),
      campo: textOf(answer.document, DM, 'Campo'),
      faultcode: textOf(answer.document, null, 'faultcode'),
    };
  }

  beforeAll(async () => {
    application = await startTestApp({
      name: 'dm_period_bounds',
      env: {
        WORKERS_ENABLED: 'false',
      },
    });
    pg = new Client({ connectionString: application.database.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await application.close();
  });

  const registration = {
    Rfc: 'EKU9003173C9',
    FechaInicial: '2026-01-01T00:00:00',
    FechaFinal: '2999-12-31T23:59:59',
    Contexto: 'Emitidos',
    TipoSolicitud: 'Metadata',
  };

  it('refuses RegistrarSolicitud with a FechaFinal on a later day (DM-9050), dry run or not, storing nothing', async () => {
    const before = await solicitudes();
    for (const extra of [{}, { Simular: 'true' }, { Forzar: 'true' }] as Record<string, string>[]) {
      const answer = await dm('RegistrarSolicitud', { ...registration, ...extra });
      expect(answer.status).toBe(500);
      expect(fault(answer)).toEqual({ code: 'DM-9050', campo: 'FechaFinal', faultcode: 'soap:Client' });
      expect(textOf(answer.document, DM, 'MensajeEn')).toContain('2999-12-31T23:59:59');
    }
    expect(await solicitudes()).toBe(before);
  });

  it('refuses MYSuite’s registration with a FechaFinal on a later day in-band (9050), storing nothing', async () => {
    const before = await solicitudes();
    const answer = await mysuite('REGISTRAR_SOLICITUD_DM_SAT', {
      FechaInicial: '2026-01-01 00:00:00',
      FechaFinal: '2999-12-31 23:59:59',
      Servicio: 'AMBOS',
      TipoSolicitud: 'AMBOS',
      TipoTaxID: 'AMBOS',
    });
    expect(answer).toMatchObject({ Result: 'false', Code: '9050' });
    expect(answer.Description).toContain('FechaFinal');
    expect(await solicitudes()).toBe(before);
  });

  it('takes a FechaFinal later today up to now, and replays it for the same ReferenciaCliente', async () => {
    // Not in the last seconds of Mexico City's day, so that "later today" exists.
    while (toMexicoWallClock(new Date()).slice(11) >= '23:59:55')
      await new Promise((r) => setTimeout(r, 1000));
    const today = toMexicoWallClock(new Date()).slice(0, 10);
    const asked = {
      ...registration,
      FechaInicial: `${today}T00:00:00`,
      FechaFinal: `${today}T23:59:59`,
      ReferenciaCliente: 'hoy-hasta-ahora',
    };
    const first = await dm('RegistrarSolicitud', asked);
    const afterFirst = Date.now();
    expect(first.status).toBe(200);
    expect(textOf(first.document, DM, 'Estado')).toBe('Registrada');
    const id = textOf(first.document, DM, 'IdSolicitud') ?? '';
    const { rows } = await pg.query<{ fecha_final: Date }>(
      'SELECT fecha_final FROM solicitudes WHERE id = $1',
      [id],
    );
    // Stored half-open: the period ends (exclusive) one second after now, at the latest.
    expect(rows[0]?.fecha_final.getTime()).toBeLessThanOrEqual(afterFirst + 1000);
    // The answer shows the period asked of SAT: it ends now, not at 23:59:59.
    const fin = textOf(first.document, DM, 'Fin') ?? '';
    expect(fin.slice(0, 10)).toBe(today);
    expect(fin <= toMexicoWallClock(new Date(afterFirst))).toBe(true);

    const again = await dm('RegistrarSolicitud', asked);
    expect(again.status).toBe(200);
    expect(textOf(again.document, DM, 'IdSolicitud')).toBe(id);
  });

  it('answers PeriodoDesde later than PeriodoHasta with a client Fault DM-9051 (SOAP 1.1 and 1.2)', async () => {
    const filtro = { Filtro: { PeriodoDesde: '2026-02-01T00:00:00', PeriodoHasta: '2026-01-01T00:00:00' } };
    const v11 = await dm('RecuperarListaSolicitudes', filtro);
    expect(v11.status).toBe(500);
    expect(fault(v11)).toEqual({ code: 'DM-9051', campo: 'PeriodoDesde', faultcode: 'soap:Client' });
    const v12 = await dm('RecuperarListaSolicitudes', filtro, '1.2');
    expect(v12.status).toBe(400);
    expect(textOf(v12.document, DM, 'Codigo')).toBe('DM-9051');
  });

  it('lists with an open-ended period (PeriodoDesde alone) instead of failing', async () => {
    const answer = await dm('RecuperarListaSolicitudes', { Filtro: { PeriodoDesde: '2026-01-01T00:00:00' } });
    expect(answer.status).toBe(200);
    expect(Number(textOf(answer.document, DM, 'Total'))).toBeGreaterThan(0);
  });

  it('answers other inverted ranges the same way: RegistradaDesde/Hasta, ConsultarCfdi, MYSuite BETWEEN', async () => {
    const registradas = await dm('RecuperarListaSolicitudes', {
      Filtro: { RegistradaDesde: '2026-02-01T00:00:00', RegistradaHasta: '2026-01-01T00:00:00' },
    });
    expect(fault(registradas)).toEqual({
      code: 'DM-9051',
      campo: 'RegistradaDesde',
      faultcode: 'soap:Client',
    });
    const cfdi = await dm('ConsultarCfdi', {
      Filtro: { FechaDesde: '2026-02-01T00:00:00', FechaHasta: '2026-01-01T00:00:00' },
    });
    expect(fault(cfdi)).toEqual({ code: 'DM-9051', campo: 'FechaDesde', faultcode: 'soap:Client' });
    const between = await mysuite('OBTENER_LISTA_SOLICITUDES_DM_SAT', {
      Filters: b64(
        '<Filters><Filter Name="FechaInicial" Oper="BETWEEN" Value1="2026-02-01 00:00:00" Value2="2026-01-01 00:00:00"/></Filters>',
      ),
    });
    expect(between).toMatchObject({ Result: 'false', Code: '9051' });
    expect(between.Description).toContain('FechaInicial');
  });
});
