import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';
import type * as soap from 'soap';
import { createDataSource, Tenant } from '../../../src/db';
import { startSatSimulator, type RunningSatSimulator } from '../../../src/sat-simulator';
import { ApiUserService } from '../../../src/services/accounts';
import { FielVault, SecretBox, masterKeyFrom } from '../../../src/services/secrets';
import { WebUserService } from '../../../src/services/web-access';
import { spawnCli } from '../../helpers/cli';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';
import { signedSoapClient } from '../../helpers/demo-soap-client';
import { pause, until as polled } from '../../helpers/eventually';
import { Browser } from '../../helpers/web-browser';

const RFC = 'EKU9003173C9';
const MASTER_KEY = Buffer.alloc(32, 21).toString('base64');
const fielDir = path.join(__dirname, '../../../fixtures/fake-fiel');
jest.setTimeout(240_000);

interface AvisoSat {
  Servicio: string;
  Operacion: string;
  Estado: string;
  PorcentajeExito?: string;
  Mensaje: string;
  MensajeEn: string;
}

interface Detalle {
  Estado: string;
  Mensaje?: string;
  AvisoSat?: AvisoSat;
}

/*
 * Issue 8 end to end through the running service and a separate simulator: the raw SAT trail of a
 * tenant that opted in (through the CLI), nothing for one that did not; then Descarga failing at SAT
 * moves the health signal in /metrics, on the web page and in RecuperarSolicitud, while the solicitud
 * waits, and the solicitud completes once SAT recovers.
 */
describe('SAT health signal and raw SAT trail in the running service', () => {
  let simulator: RunningSatSimulator;
  let application: PostgresTestApp;
  let pg: Client;
  let demo: soap.Client;
  let otra: soap.Client;
  let trailed = '';

  beforeAll(async () => {
    simulator = await startSatSimulator({ delaySeconds: 0, documentsPerDay: 6, perPackage: 2 });
    application = await startTestApp({
      name: 'dm_sat_observability',
      env: {
        MASTER_KEY,
        SAT_BASE_URL: simulator.url,
        JOB_RETRY_DELAY_SECONDS: '1',
        VERIFY_INITIAL_DELAY_SECONDS: '1',
      },
    });
    pg = application.pg;

    // A second tenant with the same e.firma, that never opted into the trail.
    const dataSource = createDataSource({ url: application.database.url, poolSize: 1 });
    await dataSource.initialize();
    try {
      const box = new SecretBox(masterKeyFrom(Buffer.from(MASTER_KEY, 'base64')), []);
      const tenant = await dataSource.getRepository(Tenant).save({ slug: 'otra', nombre: 'Otra' });
      await new ApiUserService(dataSource, box).create(tenant.id, 'otra', { secret: 'otra-secreta-123' });
      const demoTenant = await dataSource.getRepository(Tenant).findOneByOrFail({ slug: 'demo' });
      await new WebUserService(dataSource, { maxFailures: 5, lockoutMinutes: 15 }).create(
        demoTenant.id,
        'capturista',
        'clave-captura',
        { role: 'user' },
      );
      await new FielVault(dataSource, box).store({
        tenantId: tenant.id,
        rfc: RFC,
        certificate: readFileSync(path.join(fielDir, `${RFC}.cer`)),
        privateKey: readFileSync(path.join(fielDir, `${RFC}.key`)),
        password: readFileSync(path.join(fielDir, `${RFC}-password.txt`), 'utf8'),
        serial: '30001000000500003415',
        validFrom: new Date('2023-05-18T00:00:00Z'),
        validTo: new Date('2027-05-17T00:00:00Z'),
      });
    } finally {
      await dataSource.destroy();
    }
    demo = await application.soapClient();
    otra = await signedSoapClient(application.url, 'otra', 'otra-secreta-123');
  });

  afterAll(async () => {
    await application.close();
    await simulator.close();
  });

  async function register(
    client: soap.Client,
    first: string,
    last: string,
    tipoSolicitud: 'CFDI' | 'Metadata' = 'CFDI',
  ): Promise<string> {
    const [answer] = await client.RegistrarSolicitudAsync({
      Rfc: RFC,
      FechaInicial: `${first}T00:00:00`,
      FechaFinal: `${last}T23:59:59`,
      Contexto: 'Emitidos',
      TipoSolicitud: tipoSolicitud,
    });
    const [result] = [].concat(answer.Resultados.Resultado) as { IdSolicitud: string; Estado: string }[];
    expect(result?.Estado).toBe('Registrada');
    return result?.IdSolicitud ?? '';
  }

  async function detalle(client: soap.Client, id: string): Promise<Detalle> {
    const [answer] = await client.RecuperarSolicitudAsync({ IdSolicitud: id });
    return answer.Solicitud as Detalle;
  }

  function until<T>(what: string, probe: () => Promise<T | undefined>, seconds = 90): Promise<T> {
    return polled(what, probe, { timeoutMs: seconds * 1000, intervalMs: 500 });
  }

  async function completed(client: soap.Client, id: string): Promise<void> {
    const estado = await until(`solicitud ${id}`, async () => {
      const { Estado } = await detalle(client, id);
      return ['Completada', 'SinDatos', 'Rechazada', 'Error', 'Vencida'].includes(Estado)
        ? Estado
        : undefined;
    });
    expect(estado).toBe('Completada');
  }

  it('keeps every SAT envelope of an opted-in tenant, without token or package, and nothing of another', async () => {
    // Spawned, not run synchronously: this process also serves the application meanwhile.
    const env = { DATABASE_URL: application.database.url, MASTER_KEY };
    const cli = await spawnCli(['tenant', 'set', 'demo', '--sat-trail', 'on'], env).finished;
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toContain('Tenant demo: SAT trail on.');
    const refused = await spawnCli(['tenant', 'set', 'demo', '--sat-trail', 'maybe'], env).finished;
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('on or off');

    trailed = await register(demo, '2026-02-01', '2026-02-05');
    await completed(demo, trailed);
    const untrailed = await register(otra, '2026-02-01', '2026-02-05');
    await completed(otra, untrailed);
    // The last answers' rows are written just after the call; give them a moment.
    await pause(500);

    const { rows } = await pg.query<{
      solicitud_id: string;
      operacion: string;
      http_status: number;
      request_envelope: string;
      response_envelope: string;
    }>(`SELECT * FROM sat_exchanges ORDER BY id`);
    // Only the opted-in tenant's solicitudes (a registration may bring companions, e.g. its metadata).
    const { rows: mine } = await pg.query<{ id: string }>(
      `SELECT s.id FROM solicitudes s JOIN tenants t ON t.id = s.tenant_id WHERE t.slug = 'demo'`,
    );
    expect(new Set(rows.map((row) => row.solicitud_id))).toContain(trailed);
    expect(rows.every((row) => mine.some((solicitud) => solicitud.id === row.solicitud_id))).toBe(true);
    expect(rows.every((row) => row.solicitud_id !== untrailed)).toBe(true);
    expect(new Set(rows.map((row) => row.operacion))).toEqual(
      new Set(['Autentica', 'SolicitaDescargaEmitidos', 'VerificaSolicitudDescarga', 'Descargar']),
    );
    const { rows: packages } = await pg.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM paquetes WHERE solicitud_id = $1`,
      [trailed],
    );
    expect(rows.filter((row) => row.operacion === 'Descargar' && row.solicitud_id === trailed)).toHaveLength(
      packages[0]?.total ?? -1,
    );
    for (const row of rows) {
      expect(row.http_status).toBe(200);
      const both = `${row.request_envelope}\n${row.response_envelope}`;
      // No token (a JWT), no WRAP header, no package (a ZIP's base64 starts UEsDB).
      expect(both).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+|WRAP|access_token|UEsDB/);
      expect(both.length).toBeLessThan(20_000);
      expect(row.request_envelope).toContain('Envelope');
    }
    const autentica = rows.find((row) => row.operacion === 'Autentica');
    expect(autentica?.response_envelope).toContain('AutenticaResult>[REDACTED]</');
    // What was signed is kept: the certificate is public, the signature is the evidence.
    expect(autentica?.request_envelope).toContain('BinarySecurityToken');
    const descarga = rows.find((row) => row.operacion === 'Descargar');
    expect(descarga?.request_envelope).toContain('IdPaquete=');
    expect(descarga?.response_envelope).toMatch(
      /CodEstatus="5000"[\s\S]*<Paquete>\[paquete omitido: \d+ caracteres base64\]<\/Paquete>/,
    );

    // An administrator reads them on the solicitud's page.
    const admin = new Browser(application.url);
    await admin.signIn('demo', 'demo');
    expect(await (await admin.get(`/solicitudes/${trailed}`)).text()).toContain(
      `/solicitudes/${trailed}/rastro-sat`,
    );
    const page = await (await admin.get(`/solicitudes/${trailed}/rastro-sat`)).text();
    expect(page).toContain('El rastro SAT está activado para esta cuenta.');
    expect(page.match(/data-intercambio=/g)).toHaveLength(
      rows.filter((row) => row.solicitud_id === trailed).length,
    );
    expect(page).toContain('[paquete omitido:');

    // Only administrators see envelopes or flip the switch; everyone sees SAT's state.
    const user = new Browser(application.url);
    await user.signIn('capturista', 'clave-captura');
    expect((await user.get(`/solicitudes/${trailed}/rastro-sat`)).status).toBe(403);
    expect(await (await user.get(`/solicitudes/${trailed}`)).text()).not.toContain('rastro-sat');
    const csrf = await user.csrfOf('/solicitudes');
    expect((await user.post('/rastro-sat', { _csrf: csrf, activo: 'false' })).status).toBe(403);
    expect((await user.get('/estado-sat')).status).toBe(200);
    const off = await admin.post('/rastro-sat', {
      _csrf: await admin.csrfOf(`/solicitudes/${trailed}/rastro-sat`),
      activo: 'false',
      volver: `/solicitudes/${trailed}/rastro-sat`,
    });
    expect(off.status).toBe(303);
    expect(off.headers.get('location')).toBe(`/solicitudes/${trailed}/rastro-sat?rastro=off`);
    const { rows: flags } = await pg.query<{ on: boolean }>(
      `SELECT sat_audit_enabled AS "on" FROM tenants WHERE slug = 'demo'`,
    );
    expect(flags[0]?.on).toBe(false);
    expect(await (await admin.get(`/solicitudes/${trailed}/rastro-sat?rastro=off`)).text()).toContain(
      'Se desactivó el rastro SAT de esta cuenta.',
    );
  });

  it('shows SAT’s Descarga failing in /metrics, on the web and in RecuperarSolicitud, and recovers', async () => {
    await fetch(`${simulator.url}/_simulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ fault: 'http500', operation: 'descarga', times: 1000 }),
    });
    // Metadata: a request for XML may wait for its period's metadata first (quota planning).
    const waiting = await register(demo, '2026-02-10', '2026-02-14', 'Metadata');
    const troubled =
      /descarga_masiva_sat_endpoint_state\{endpoint="cfdi\.descarga",state="(down|degraded)"\} 1/;
    // Wait until SAT's failures show and this solicitud is the one waiting on Descarga.
    const solicitud = await until('the health signal', async () => {
      const metrics = await (await fetch(`${application.url}/metrics`)).text();
      const current = await detalle(demo, waiting);
      if (!troubled.test(metrics)) return undefined;
      return current.Estado === 'Descargando' && current.AvisoSat ? current : undefined;
    });
    const metrics = await (await fetch(`${application.url}/metrics`)).text();
    expect(metrics).toMatch(troubled);
    expect(metrics).toMatch(
      /descarga_masiva_sat_endpoint_success_ratio\{endpoint="cfdi\.descarga",window="5m"\} 0\.\d+/,
    );
    expect(metrics).toContain(
      'descarga_masiva_sat_endpoint_state{endpoint="cfdi.verificacion",state="ok"} 1',
    );

    // The ERP asking about its solicitud learns that SAT, not its request, is the problem.
    expect(solicitud.AvisoSat).toMatchObject({ Servicio: 'CFDI', Operacion: 'Descarga' });
    expect(['Caido', 'Degradado']).toContain(solicitud.AvisoSat?.Estado);
    expect(solicitud.AvisoSat?.Mensaje).toMatch(/^Aviso: el servicio de Descarga del SAT \(CFDI\)/);
    expect(solicitud.AvisoSat?.MensajeEn).toMatch(/^Notice: SAT's Download service \(CFDI\)/);
    expect(solicitud.Mensaje).toBe(solicitud.AvisoSat?.Mensaje);
    // A finished solicitud has nothing to wait for: no note.
    expect((await detalle(demo, trailed)).AvisoSat).toBeUndefined();

    const user = new Browser(application.url);
    await user.signIn('demo', 'demo');
    const page = await (await user.get('/estado-sat')).text();
    expect(page).toMatch(/data-endpoint="cfdi\.descarga" data-estado-sat="(down|degraded)"/);
    expect(page).toContain('data-endpoint="cfdi.verificacion" data-estado-sat="ok"');
    expect(page).toContain('href="/estado-sat"');

    // SAT recovers: the retries go through and the solicitud completes.
    await fetch(`${simulator.url}/_simulator/faults`, { method: 'DELETE' });
    await completed(demo, waiting);
    expect((await detalle(demo, waiting)).AvisoSat).toBeUndefined();
  });
});
