import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SatError, satErrors } from '../../../src/errors';
import {
  Fiel,
  NodeSatTransport,
  SatClient,
  endpointsAt,
  type SatHttpRequest,
  type SatQueryParameters,
  type SatTransport,
} from '../../../src/sat';
import { type RunningSatSimulator } from '../../../src/sat-simulator';
import { sha256Of } from '../../helpers/streams';
import { TestCa, type MintedCredential } from '../../helpers/test-ca';
import { period, simulatorStarter, steer } from '../../helpers/simulator-steering';

/*
 * The simulator driven over real HTTP by the project's own SAT client through every request state,
 * every SAT code the notes list and every injectable fault. Faults and outcomes are steered through
 * the simulator's HTTP test API, as a test in any language would.
 */

const fielDir = path.join(__dirname, '../../../fixtures/fake-fiel');
const MINUTE = 60_000;

function fakeFiel(): Fiel {
  return Fiel.create({
    certificate: readFileSync(path.join(fielDir, 'EKU9003173C9.cer')),
    privateKey: readFileSync(path.join(fielDir, 'EKU9003173C9.key')),
    password: readFileSync(path.join(fielDir, 'EKU9003173C9-password.txt'), 'utf8'),
  });
}

function fielOf(credential: MintedCredential): Fiel {
  return Fiel.create({
    certificate: credential.certificate,
    privateKey: credential.privateKey,
    password: credential.password,
  });
}

/** A settable clock shared by a simulator and its clients (SAT and taxpayer agree on the time). */
function settableClock(start = new Date()): { now: () => Date; advance: (ms: number) => void } {
  let current = start.getTime();
  return { now: () => new Date(current), advance: (ms) => (current += ms) };
}

const transport = new NodeSatTransport({
  connectTimeoutMs: 2000,
  idleTimeoutMs: 1500,
  totalTimeoutMs: 20_000,
});

/** Changes what the client sends after it was signed: how malformed and forged requests are made. */
class TamperingTransport implements SatTransport {
  constructor(private readonly change: (body: string) => string) {}
  post(request: SatHttpRequest) {
    const signed = /Autentica/.test(request.soapAction) ? request.body : this.change(request.body);
    return transport.post({ ...request, body: signed });
  }
}

function clientFor(
  simulator: RunningSatSimulator,
  options: {
    fiel?: Fiel;
    transport?: SatTransport;
    clock?: () => Date;
    servicio?: 'cfdi' | 'retenciones';
  } = {},
): SatClient {
  return new SatClient({
    fiel: options.fiel ?? fakeFiel(),
    endpoints: endpointsAt(simulator.url, options.servicio ?? 'cfdi'),
    transport: options.transport ?? transport,
    clock: options.clock,
  });
}

async function satErrorOf(work: Promise<unknown>): Promise<SatError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SatError);
  return error as SatError;
}

const simulatorWith = simulatorStarter();

afterAll(() => transport.close());

describe('request states', () => {
  it('goes Aceptada -> EnProceso -> Terminada with the configured timing, then Vencida after 72 h (5007)', async () => {
    const clock = settableClock();
    const simulator = await simulatorWith({ delaySeconds: 60, clock: clock.now });
    const client = clientFor(simulator, { clock: clock.now });
    const query = await client.query(period('2026-01-01', '2026-01-31'));
    expect(query.codEstatus).toBe('5000');
    const id = query.idSolicitud as string;
    expect(await client.verify(id)).toMatchObject({ codEstatus: '5000', estadoSolicitud: 1, paquetes: [] });
    clock.advance(61_000);
    expect(await client.verify(id)).toMatchObject({ estadoSolicitud: 2, numeroCfdis: 0, paquetes: [] });
    clock.advance(60_000);
    const done = await client.verify(id);
    expect(done).toMatchObject({ estadoSolicitud: 3, codigoEstadoSolicitud: '5000' });
    expect(done.paquetes.length).toBeGreaterThan(0);
    expect(done.numeroCfdis).toBeGreaterThan(0);
    clock.advance(73 * 60 * MINUTE);
    expect(await client.verify(id)).toMatchObject({ estadoSolicitud: 6 });
    const expired = await client.download(done.paquetes[0] as string);
    expect(expired).toMatchObject({ codEstatus: '5007', paquete: undefined });
  });

  it('ends a request in Error (4) or Rechazada (5) when told to, and keeps a stuck one EnProceso', async () => {
    const simulator = await simulatorWith();
    const client = clientFor(simulator);
    expect(await steer(simulator, 'outcomes', { outcome: 'Error' })).toBe(201);
    const failed = await client.query(period('2026-02-01', '2026-02-10'));
    expect(await client.verify(failed.idSolicitud as string)).toMatchObject({
      estadoSolicitud: 4,
      paquetes: [],
    });
    expect(await steer(simulator, 'outcomes', { outcome: 'Rechazada', rfc: 'EKU9003173C9' })).toBe(201);
    const rejected = await client.query(period('2026-02-11', '2026-02-20'));
    expect(await client.verify(rejected.idSolicitud as string)).toMatchObject({
      estadoSolicitud: 5,
      codigoEstadoSolicitud: '5004',
    });
    expect(await steer(simulator, 'outcomes', { outcome: 'Stuck' })).toBe(201);
    const stuck = await client.query(period('2026-02-21', '2026-02-28'));
    expect(await client.verify(stuck.idSolicitud as string)).toMatchObject({ estadoSolicitud: 2 });
    expect(await steer(simulator, 'outcomes', { outcome: 'Maybe' })).toBe(400);
  });

  it('rejects a request matching nothing (5004) and one over the maximum (5003)', async () => {
    const simulator = await simulatorWith({ maxCfdi: 3 });
    const client = clientFor(simulator);
    const nothing = await client.query(period('2026-03-01', '2026-03-31', { complemento: 'iedu' }));
    expect(await client.verify(nothing.idSolicitud as string)).toMatchObject({
      estadoSolicitud: 5,
      codigoEstadoSolicitud: '5004',
      numeroCfdis: 0,
    });
    const many = await client.query(period('2026-03-01', '2026-03-31'));
    const verify = await client.verify(many.idSolicitud as string);
    expect(verify).toMatchObject({ estadoSolicitud: 5, codigoEstadoSolicitud: '5003', paquetes: [] });
    expect(verify.numeroCfdis).toBeGreaterThan(3);
  });
});

describe('SAT codes', () => {
  let simulator: RunningSatSimulator;
  beforeAll(async () => {
    simulator = await simulatorWith({ folioRequestsPerDay: 1 });
  });

  it('answers 301 to a request that is not well-formed XML', async () => {
    const client = clientFor(simulator, {
      transport: new TamperingTransport((body) => body.slice(0, body.length - 30)),
    });
    expect((await client.query(period('2026-01-01', '2026-01-02'))).codEstatus).toBe('301');
    expect((await client.verify('00000000-0000-4000-8000-000000000000')).codEstatus).toBe('301');
    expect((await client.download('00000000-0000-4000-8000-000000000000_01')).codEstatus).toBe('301');
  });

  it('answers 302 once a single signed byte of the request was changed', async () => {
    const client = clientFor(simulator, {
      transport: new TamperingTransport((body) => body.replace('T23:59:59"', 'T23:59:58"')),
    });
    expect((await client.query(period('2026-01-01', '2026-01-02'))).codEstatus).toBe('302');
  });

  it('answers 304 for a revoked certificate and for one that expired after authenticating', async () => {
    const ca = new TestCa();
    const revoked = ca.mint({ rfc: 'REV010101AB1' });
    const clock = settableClock();
    const expiring = ca.mint({ rfc: 'EXP010101AB1', validTo: new Date(clock.now().getTime() + 2 * MINUTE) });
    const strict = await simulatorWith({ trustedAuthorities: [ca.certificate], clock: clock.now });
    const revokedClient = clientFor(strict, { fiel: fielOf(revoked), clock: clock.now });
    expect((await revokedClient.query(period('2026-01-01', '2026-01-02'))).codEstatus).toBe('5000');
    expect(await steer(strict, 'revocations', { serial: revoked.certificateNumber })).toBe(201);
    expect((await revokedClient.query(period('2026-01-03', '2026-01-04'))).codEstatus).toBe('304');

    const expiringClient = clientFor(strict, { fiel: fielOf(expiring), clock: clock.now });
    await expiringClient.authenticate();
    clock.advance(3 * MINUTE);
    expect((await expiringClient.query(period('2026-01-01', '2026-01-02'))).codEstatus).toBe('304');
  });

  it("answers 305 to a certificate SAT authenticates but does not accept (its test CA's)", async () => {
    const testCa = new TestCa('AC UAT');
    const restricted = await simulatorWith({ restrictedAuthorities: [testCa.certificate] });
    const client = clientFor(restricted, { fiel: fielOf(testCa.mint({ rfc: 'UAT010101AB1' })) });
    await expect(client.authenticate()).resolves.toMatch(/wrap_subject/);
    expect((await client.query(period('2026-01-01', '2026-01-02'))).codEstatus).toBe('305');
  });

  it('answers 5002 to a third identical CFDI request and 5005 to a duplicate of an active one', async () => {
    const client = clientFor(simulator);
    const same = period('2026-04-01', '2026-04-02');
    expect((await client.query(same)).codEstatus).toBe('5000');
    expect((await client.query(same)).codEstatus).toBe('5000');
    expect((await client.query(same)).codEstatus).toBe('5002');
    // Metadata is not limited that way.
    for (let index = 0; index < 3; index += 1)
      expect((await client.query({ ...same, tipoSolicitud: 'Metadata' })).codEstatus).toBe('5000');

    const slow = await simulatorWith({ delaySeconds: 60 });
    const slowClient = clientFor(slow);
    expect((await slowClient.query(same)).codEstatus).toBe('5000');
    expect((await slowClient.query(same)).codEstatus).toBe('5005');
  });

  it('answers 5004 for an unknown request or package and 5008 on the third download', async () => {
    const client = clientFor(simulator);
    expect((await client.verify('00000000-0000-4000-8000-000000000000')).codEstatus).toBe('5004');
    expect((await client.download('00000000-0000-4000-8000-000000000000_01')).codEstatus).toBe('5004');
    const query = await client.query(period('2026-05-01', '2026-05-10'));
    const [first] = (await client.verify(query.idSolicitud as string)).paquetes;
    for (let download = 1; download <= 2; download += 1) {
      const answer = await client.download(first as string);
      expect(answer.codEstatus).toBe('5000');
      expect((await sha256Of(answer.paquete as AsyncIterable<Buffer>)).size).toBeGreaterThan(0);
    }
    expect(await client.download(first as string)).toMatchObject({ codEstatus: '5008', paquete: undefined });
  });

  it('answers 5011 past the daily folio limit and 5012 for the folio of a cancelled document', async () => {
    const client = clientFor(simulator);
    const metadata = await client.query(period('2026-06-01', '2026-06-30', { tipoSolicitud: 'Metadata' }));
    await client.verify(metadata.idSolicitud as string);
    const request = simulator.state.registry.get(metadata.idSolicitud as string);
    const documents = [...simulator.state.registry.matching(request!, new Date())];
    const active = documents.filter((document) => document.vigente);
    const cancelled = documents.find((document) => !document.vigente);
    expect(cancelled).toBeDefined();
    const folio = (uuid: string): SatQueryParameters => ({
      contexto: 'Emitidos',
      tipoSolicitud: 'CFDI',
      rfcContrapartes: [],
      folio: uuid,
    });
    expect((await client.query(folio(cancelled!.uuid))).codEstatus).toBe('5012');
    const first = await client.query(folio(active[0]!.uuid));
    expect(await client.verify(first.idSolicitud as string)).toMatchObject({
      codEstatus: '5000',
      numeroCfdis: 1,
    });
    const second = await client.query(folio(active[1]!.uuid));
    expect((await client.verify(second.idSolicitud as string)).codEstatus).toBe('5011');
  });

  it('answers 404 (Error no Controlado) when SAT fails internally', async () => {
    const client = clientFor(simulator);
    expect(await steer(simulator, 'faults', { fault: { codEstatus: '404' }, operation: 'solicitud' })).toBe(
      201,
    );
    expect((await client.query(period('2026-07-01', '2026-07-02'))).codEstatus).toBe('404');
  });

  it('serves Retenciones on its own paths with its own token', async () => {
    const client = clientFor(simulator, { servicio: 'retenciones' });
    const query = await client.query(period('2026-01-01', '2026-01-31'));
    expect(query.codEstatus).toBe('5000');
    const verify = await client.verify(query.idSolicitud as string);
    expect(verify.estadoSolicitud).toBe(3);
    // A CFDI request is unknown to the Retenciones service.
    const cfdi = await clientFor(simulator).query(period('2026-02-01', '2026-02-28'));
    expect((await client.verify(cfdi.idSolicitud as string)).codEstatus).toBe('5004');
  });
});

describe('faults', () => {
  let simulator: RunningSatSimulator;
  beforeAll(async () => {
    simulator = await simulatorWith();
  });

  async function fail(fault: unknown, operation: string): Promise<void> {
    expect(await steer(simulator, 'faults', { fault, operation })).toBe(201);
  }

  it.each([
    ['http500', satErrors.unexpectedAnswer.code],
    ['http503', satErrors.unexpectedAnswer.code],
    ['drop', satErrors.unreachable.code],
    ['timeout', satErrors.unreachable.code],
    ['malformedXml', satErrors.unexpectedAnswer.code],
  ])('turns %s into the transient typed error %s', async (fault, code) => {
    const client = clientFor(simulator);
    await client.authenticate();
    await fail(fault, 'verificacion');
    const error = await satErrorOf(client.verify('00000000-0000-4000-8000-000000000000'));
    expect(error.code).toBe(code);
    expect(error.transient).toBe(true);
    // The fault was used once: the next call is answered.
    expect((await client.verify('00000000-0000-4000-8000-000000000000')).codEstatus).toBe('5004');
  });

  it('delays an answer by the injected latency', async () => {
    const client = clientFor(simulator);
    await client.authenticate();
    await fail({ latencyMs: 400 }, 'verificacion');
    const before = Date.now();
    expect((await client.verify('00000000-0000-4000-8000-000000000000')).codEstatus).toBe('5004');
    expect(Date.now() - before).toBeGreaterThanOrEqual(390);
  });

  it('cuts a package mid-way, which the client reports instead of storing a short file', async () => {
    const client = clientFor(simulator);
    const query = await client.query(period('2026-08-01', '2026-08-31'));
    const [first] = (await client.verify(query.idSolicitud as string)).paquetes;
    await fail('dropMidPackage', 'descarga');
    const answer = await client.download(first as string);
    expect(answer.codEstatus).toBe('5000');
    const error = await satErrorOf(sha256Of(answer.paquete as AsyncIterable<Buffer>));
    expect(error.transient).toBe(true);
  });

  it('expires a token early: the call answers 300 Usuario No Válido, and a fresh token works', async () => {
    const client = clientFor(simulator);
    await client.authenticate();
    const before = simulator.state.calls.autenticacion;
    await fail('expiredToken', 'verificacion');
    // Whether to authenticate again is the caller's decision, not the client's.
    expect((await client.verify('00000000-0000-4000-8000-000000000000')).codEstatus).toBe('300');
    client.forgetToken();
    expect((await client.verify('00000000-0000-4000-8000-000000000000')).codEstatus).toBe('5004');
    expect(simulator.state.calls.autenticacion - before).toBe(1);
  });

  it('refuses an unknown fault or operation with a 400', async () => {
    expect(await steer(simulator, 'faults', { fault: 'explode' })).toBe(400);
    expect(await steer(simulator, 'faults', { fault: 'drop', operation: 'everything' })).toBe(400);
    expect(await steer(simulator, 'faults', { fault: 'drop', times: 0 })).toBe(400);
  });

  it('fails a seeded share of calls at random, the same calls on every run', async () => {
    async function pattern(): Promise<string> {
      const random = await simulatorWith({ faultRate: 0.3, faultSeed: 'replay' });
      const client = clientFor(random);
      let outcomes = '';
      for (let call = 0; call < 30; call += 1) {
        outcomes += await client.verify('00000000-0000-4000-8000-000000000000').then(
          () => '.',
          () => 'x',
        );
      }
      return outcomes;
    }
    const first = await pattern();
    expect(first).toContain('x');
    expect(first).toContain('.');
    expect(await pattern()).toBe(first);
  });
});

describe('inspection API', () => {
  it('reports calls per RFC, tokens issued and requests with their state', async () => {
    const simulator = await simulatorWith();
    const client = clientFor(simulator);
    const query = await client.query(period('2026-01-01', '2026-01-05'));
    await client.verify(query.idSolicitud as string);
    const state = (await (await fetch(`${simulator.url}/_simulator/state`)).json()) as {
      tokensIssued: number;
      callsByRfc: Record<string, Record<string, number>>;
      requests: { idSolicitud: string; rfc: string; estado: string }[];
    };
    expect(state.tokensIssued).toBe(1);
    expect(state.callsByRfc.EKU9003173C9).toMatchObject({ autenticacion: 1, solicitud: 1, verificacion: 1 });
    expect(state.requests).toEqual([
      expect.objectContaining({ idSolicitud: query.idSolicitud, rfc: 'EKU9003173C9', estado: 'Terminada' }),
    ]);
  });

  it('is not served in production', async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const production = await simulatorWith();
      expect((await fetch(`${production.url}/_simulator/state`)).status).toBe(404);
    } finally {
      process.env.NODE_ENV = previous;
    }
  });
});
