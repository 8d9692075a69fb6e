import { readFileSync } from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import {
  Fiel,
  NodeSatTransport,
  SatClient,
  downloadRequest,
  endpointsAt,
  queryRequest,
  verifyRequest,
  type SatQueryParameters,
  type SignedRequest,
} from '../../../src/sat';
import { PATHS, SOAP_ACTIONS, type RunningSatSimulator } from '../../../src/sat-simulator';
import { METADATA_HEADER } from '../../../src/sat-simulator/package-builder';
import { TestCa } from '../../helpers/test-ca';
import { period, simulatorStarter, steer } from '../../helpers/simulator-steering';

/*
 * The ways the real SAT misbehaves (issue 17), played by the simulator and seen on the wire. Calls
 * are built with the client's envelope builders and posted raw, so what is asserted is exactly what
 * SAT's answer looks like (status, body), not what a client makes of it. The client is used only to
 * obtain tokens.
 */

const fielDir = path.join(__dirname, '../../../fixtures/fake-fiel');
const SECOND = 1000;
const MINUTE = 60 * SECOND;

function fakeFiel(): Fiel {
  return Fiel.create({
    certificate: readFileSync(path.join(fielDir, 'EKU9003173C9.cer')),
    privateKey: readFileSync(path.join(fielDir, 'EKU9003173C9.key')),
    password: readFileSync(path.join(fielDir, 'EKU9003173C9-password.txt'), 'utf8'),
  });
}

/** A settable clock shared by a simulator and its caller (SAT and taxpayer agree on the time). */
function settableClock(start: string): { now: () => Date; advance: (ms: number) => void } {
  let current = new Date(start).getTime();
  return { now: () => new Date(current), advance: (ms) => (current += ms) };
}

const transport = new NodeSatTransport({
  connectTimeoutMs: 2000,
  idleTimeoutMs: 5000,
  totalTimeoutMs: 20_000,
});

const simulatorWith = simulatorStarter();

afterAll(() => transport.close());

interface Wire {
  readonly status: number;
  readonly body: string;
}

type Kind = 'solicitud' | 'verificacion' | 'descarga';

/** One taxpayer talking to the simulator: tokens from the client, signed calls posted raw. */
class Caller {
  private readonly client: SatClient;

  constructor(
    private readonly simulator: RunningSatSimulator,
    readonly fiel: Fiel = fakeFiel(),
    clock?: () => Date,
  ) {
    this.client = new SatClient({ fiel, endpoints: endpointsAt(simulator.url, 'cfdi'), transport, clock });
  }

  /** The current token (a new one after `renew()`, or once the old one is near its end). */
  token(): Promise<string> {
    return this.client.authenticate();
  }

  renew(): void {
    this.client.forgetToken();
  }

  async post(
    kind: Kind,
    request: SignedRequest,
    options: { token?: string; soapAction?: string | null; timeoutMs?: number } = {},
  ): Promise<Wire> {
    const headers: Record<string, string> = { 'Content-Type': 'text/xml; charset=utf-8' };
    const action = options.soapAction === undefined ? request.soapAction : options.soapAction;
    if (action !== null) headers.SOAPAction = `"${action}"`;
    headers.Authorization = `WRAP access_token="${options.token ?? (await this.token())}"`;
    const response = await fetch(this.simulator.url + PATHS[kind], {
      method: 'POST',
      headers,
      body: request.body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    return { status: response.status, body: await response.text() };
  }

  query(parameters: SatQueryParameters, options?: Parameters<Caller['post']>[2]): Promise<Wire> {
    return this.post('solicitud', queryRequest(this.fiel, parameters), options);
  }

  verify(idSolicitud: string, options?: Parameters<Caller['post']>[2]): Promise<Wire> {
    return this.post('verificacion', verifyRequest(this.fiel, idSolicitud), options);
  }

  download(idPaquete: string, options?: Parameters<Caller['post']>[2]): Promise<Wire> {
    return this.post('descarga', downloadRequest(this.fiel, idPaquete), options);
  }
}

function attribute(wire: Wire, name: string): string | undefined {
  return new RegExp(`${name}="([^"]*)"`).exec(wire.body)?.[1];
}

function packagesOf(wire: Wire): string[] {
  return [...wire.body.matchAll(/<IdsPaquetes>([^<]+)<\/IdsPaquetes>/g)].map((match) => match[1] as string);
}

async function stateOf(simulator: RunningSatSimulator): Promise<Record<string, unknown>> {
  return (await (await fetch(`${simulator.url}/_simulator/state`)).json()) as Record<string, unknown>;
}

/** The files of the ZIP inside a Descarga answer, as raw bytes. */
async function packageFiles(wire: Wire): Promise<Map<string, Buffer>> {
  const base64 = /<Paquete>([^<]*)<\/Paquete>/.exec(wire.body)?.[1];
  expect(base64).toBeTruthy();
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(Buffer.from(base64 as string, 'base64'), { lazyEntries: true }, (error, file) =>
      error || !file ? reject(error) : resolve(file),
    ),
  );
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          files.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return files;
}

function metadataText(files: Map<string, Buffer>): Buffer {
  const name = [...files.keys()].find((file) => /-\d{4}\.txt$/.test(file));
  expect(name).toBeDefined();
  return files.get(name as string) as Buffer;
}

describe('an accepted request whose answer is lost', () => {
  it.each([
    ['acceptThenTimeout', 'never answered'],
    ['acceptThenDrop', 'connection closed'],
  ] as const)(
    '%s: the request is registered and active although the caller got no answer (%s)',
    async (fault, _what) => {
      const simulator = await simulatorWith({ delaySeconds: 60 });
      const caller = new Caller(simulator);
      const asked = period('2026-10-01', '2026-10-05');
      simulator.state.failNext('solicitud', fault);
      await expect(caller.query(asked, { timeoutMs: 1500 })).rejects.toThrow();

      const [registered, ...more] = simulator.state.registry.all();
      expect(more).toEqual([]);
      expect(simulator.state.registry.lifetimeUse(registered!.criteria)).toBe(1);
      expect(simulator.state.faultsInjected.get(fault)).toBe(1);
      // SAT took it: the same request again is a duplicate of an active one, and its id can be verified.
      const again = await caller.query(asked);
      expect([again.status, attribute(again, 'CodEstatus'), attribute(again, 'IdSolicitud')]).toEqual([
        200,
        '5005',
        undefined,
      ]);
      const verified = await caller.verify(registered!.id);
      expect([attribute(verified, 'CodEstatus'), attribute(verified, 'EstadoSolicitud')]).toEqual([
        '5000',
        '1',
      ]);
      expect(simulator.state.calls.solicitud).toBe(2);
      expect(simulator.state.registry.all()).toHaveLength(1);
    },
  );

  it('acceptThen404: HTTP 404 whose body is the normal answer with CodEstatus 5000 and the IdSolicitud', async () => {
    const simulator = await simulatorWith({ delaySeconds: 60 });
    const caller = new Caller(simulator);
    const asked = period('2026-10-06', '2026-10-09');
    // Queued without an operation, it waits for the first call it fits: Autentica and Verifica pass.
    simulator.state.failNext(undefined, 'acceptThen404');
    await caller.token();
    expect(attribute(await caller.verify('00000000-0000-4000-8000-000000000000'), 'CodEstatus')).toBe('5004');

    const lost = await caller.query(asked);
    expect(lost.status).toBe(404);
    expect(lost.body).toContain('<SolicitaDescargaEmitidosResult');
    expect(attribute(lost, 'CodEstatus')).toBe('5000');
    const id = attribute(lost, 'IdSolicitud');
    expect(id).toBe(simulator.state.registry.all()[0]?.id);
    expect(attribute(await caller.query(asked), 'CodEstatus')).toBe('5005');
    expect(attribute(await caller.verify(id as string), 'EstadoSolicitud')).toBe('1');
  });

  it('answers a request SAT would not accept as usual, and still counts the fault as injected', async () => {
    const simulator = await simulatorWith({ delaySeconds: 60 });
    const caller = new Caller(simulator);
    const asked = period('2026-10-10', '2026-10-12');
    expect(attribute(await caller.query(asked), 'CodEstatus')).toBe('5000');
    for (const fault of ['acceptThenDrop', 'acceptThen404', 'acceptThenTimeout'] as const) {
      expect(await steer(simulator, 'faults', { fault, operation: 'solicitud' })).toBe(201);
      const duplicate = await caller.query(asked);
      expect([duplicate.status, attribute(duplicate, 'CodEstatus')]).toEqual([200, '5005']);
      expect(simulator.state.faultsInjected.get(fault)).toBe(1);
    }
    expect(simulator.state.registry.all()).toHaveLength(1);
  });

  it('is refused for an operation it cannot happen on', async () => {
    const simulator = await simulatorWith();
    expect(await steer(simulator, 'faults', { fault: 'acceptThenDrop', operation: 'verificacion' })).toBe(
      400,
    );
    expect(await steer(simulator, 'faults', { fault: 'metadataWindows1252', operation: 'solicitud' })).toBe(
      400,
    );
    expect(await steer(simulator, 'faults', { fault: 'tokenRefused401', operation: 'autenticacion' })).toBe(
      400,
    );
    expect(() => simulator.state.failNext('descarga', 'acceptThen404')).toThrow(RangeError);
    expect(simulator.state.faults.pending()).toBe(0);
  });
});

describe('a refused token', () => {
  it.each([
    ['tokenRefused401', 401],
    ['tokenRefused403', 403],
  ] as const)(
    '%s: HTTP %i with a small HTML page, no SOAP; the token is dead, a fresh one works',
    async (fault, status) => {
      const simulator = await simulatorWith();
      const caller = new Caller(simulator);
      const token = await caller.token();
      expect(await steer(simulator, 'faults', { fault, operation: 'verificacion' })).toBe(201);
      const refused = await caller.verify('00000000-0000-4000-8000-000000000000', { token });
      expect(refused.status).toBe(status);
      expect(refused.body).toMatch(/^<html>/);
      expect(refused.body).not.toContain('Envelope');
      expect(
        attribute(await caller.verify('00000000-0000-4000-8000-000000000000', { token }), 'CodEstatus'),
      ).toBe('300');
      caller.renew();
      expect(attribute(await caller.verify('00000000-0000-4000-8000-000000000000'), 'CodEstatus')).toBe(
        '5004',
      );
      expect(simulator.state.calls.autenticacion).toBe(2);
    },
  );

  it('tokenRefusedFault: HTTP 500 with an a:InvalidSecurity Fault, on Solicitud (nothing registered) and Descarga', async () => {
    const simulator = await simulatorWith();
    const caller = new Caller(simulator);
    const asked = period('2026-10-13', '2026-10-14');
    simulator.state.failNext('solicitud', 'tokenRefusedFault');
    const refused = await caller.query(asked);
    expect(refused.status).toBe(500);
    expect(refused.body).toContain('a:InvalidSecurity');
    expect(simulator.state.registry.all()).toEqual([]);
    expect(attribute(await caller.query(asked), 'CodEstatus')).toBe('300');
    caller.renew();
    const accepted = await caller.query(asked);
    expect(attribute(accepted, 'CodEstatus')).toBe('5000');

    const [first] = packagesOf(await caller.verify(attribute(accepted, 'IdSolicitud') as string));
    simulator.state.failNext('descarga', 'tokenRefusedFault');
    const download = await caller.download(first as string);
    expect([download.status, download.body.includes('a:InvalidSecurity')]).toEqual([500, true]);
    caller.renew();
    expect(attribute(await caller.download(first as string), 'CodEstatus')).toBe('5000');
    // The refused download was not counted against the package's two.
    expect(simulator.state.downloads.get(first as string)).toBe(1);
  });
});

describe('requests held in Aceptada', () => {
  it('keeps Metadata requests in state 1 for the hold, then they progress as usual; CFDI ones are not held', async () => {
    const clock = settableClock('2026-11-10T18:00:00Z');
    const simulator = await simulatorWith({
      delaySeconds: 60,
      holdAccepted: { Metadata: 3600 },
      clock: clock.now,
    });
    const caller = new Caller(simulator, fakeFiel(), clock.now);
    const metadata = attribute(
      await caller.query(period('2026-10-01', '2026-10-31', { tipoSolicitud: 'Metadata' })),
      'IdSolicitud',
    ) as string;
    const cfdi = attribute(await caller.query(period('2026-10-01', '2026-10-31')), 'IdSolicitud') as string;
    const estado = async (id: string): Promise<string | undefined> =>
      attribute(await caller.verify(id), 'EstadoSolicitud');
    expect(await estado(metadata)).toBe('1');
    clock.advance(61 * SECOND);
    expect([await estado(metadata), await estado(cfdi)]).toEqual(['1', '2']);
    clock.advance(3600 * SECOND - 61 * SECOND + 59 * SECOND);
    expect([await estado(metadata), await estado(cfdi)]).toEqual(['1', '3']);
    clock.advance(2 * SECOND);
    expect(await estado(metadata)).toBe('2');
    clock.advance(60 * SECOND);
    expect(await estado(metadata)).toBe('3');
  });

  it('is set at run time (test API and state), applies to held requests, and reset restores the options', async () => {
    const clock = settableClock('2026-11-10T18:00:00Z');
    const simulator = await simulatorWith({ holdAccepted: { CFDI: 30 }, clock: clock.now });
    const caller = new Caller(simulator, fakeFiel(), clock.now);
    expect(await steer(simulator, 'hold-accepted', { Metadata: 86_400 * 3 })).toBe(204);
    expect(await steer(simulator, 'hold-accepted', { CFDI: -1 })).toBe(400);
    expect(simulator.state.settings.holdAccepted).toEqual({ Metadata: 259_200 });
    const id = attribute(
      await caller.query(period('2026-10-01', '2026-10-31', { tipoSolicitud: 'Metadata' })),
      'IdSolicitud',
    ) as string;
    clock.advance(2 * 86_400 * SECOND);
    expect(attribute(await caller.verify(id), 'EstadoSolicitud')).toBe('1');
    // Lowering the hold releases the request already waiting.
    simulator.state.setHoldAccepted({});
    expect(attribute(await caller.verify(id), 'EstadoSolicitud')).toBe('3');

    expect((await stateOf(simulator)).settings).toMatchObject({ holdAccepted: {} });
    expect(await steer(simulator, 'reset', {})).toBe(204);
    expect(simulator.state.settings.holdAccepted).toEqual({ CFDI: 30 });
  });
});

describe("SAT's lifetime count", () => {
  it('limits identical Metadata requests to two only when countMetadataLifetime is on', async () => {
    const asked = period('2026-09-01', '2026-09-30', { tipoSolicitud: 'Metadata' });
    const off = await simulatorWith();
    const offCaller = new Caller(off);
    for (let index = 0; index < 3; index += 1)
      expect(attribute(await offCaller.query(asked), 'CodEstatus')).toBe('5000');
    // Counted all the same, so a test can see what SAT's count would be.
    expect(off.state.registry.lifetimeCounts().map((entry) => entry.count)).toEqual([3]);

    const on = await simulatorWith({ countMetadataLifetime: true });
    const onCaller = new Caller(on);
    const codes = [];
    for (let index = 0; index < 3; index += 1)
      codes.push(attribute(await onCaller.query(asked), 'CodEstatus'));
    expect(codes).toEqual(['5000', '5000', '5002']);
    // Calls received, requests accepted and SAT's count per criteria are three different numbers.
    expect(on.state.calls.solicitud).toBe(3);
    expect(on.state.registry.all()).toHaveLength(2);
    const [only] = on.state.registry.lifetimeCounts();
    expect(only).toMatchObject({
      count: 2,
      criteria: expect.objectContaining({ tipoSolicitud: 'Metadata' }),
    });
    expect(on.state.registry.lifetimeUse(only!.criteria)).toBe(2);
    // A period one second wider is another request for SAT.
    expect(
      attribute(await onCaller.query({ ...asked, fechaInicial: '2026-08-31T23:59:59' }), 'CodEstatus'),
    ).toBe('5000');
  });

  it('switches at run time through the state and the test API', async () => {
    const simulator = await simulatorWith();
    const caller = new Caller(simulator);
    const asked = period('2026-08-01', '2026-08-31', { tipoSolicitud: 'Metadata' });
    expect(await steer(simulator, 'count-metadata-lifetime', { on: true })).toBe(204);
    expect(await steer(simulator, 'count-metadata-lifetime', { on: 'yes' })).toBe(400);
    expect(simulator.state.settings.countMetadataLifetime).toBe(true);
    await caller.query(asked);
    await caller.query(asked);
    expect(attribute(await caller.query(asked), 'CodEstatus')).toBe('5002');
    simulator.state.setCountMetadataLifetime(false);
    expect(attribute(await caller.query(asked), 'CodEstatus')).toBe('5000');
    const lifetime = (await stateOf(simulator)).lifetimeCounts as Record<string, unknown>[];
    expect(lifetime).toEqual([
      expect.objectContaining({
        tipoSolicitud: 'Metadata',
        fechaInicial: '2026-08-01T06:00:00.000Z',
        fechaFinal: '2026-09-01T05:59:59.000Z',
        count: 3,
      }),
    ]);
  });
});

describe('strict mode', () => {
  const ca = new TestCa();
  const minted = ca.mint({ rfc: 'STR010101AB1' });
  const mintedFiel = (): Fiel =>
    Fiel.create({
      certificate: minted.certificate,
      privateKey: minted.privateKey,
      password: minted.password,
    });

  it("authenticates SAT's public test FIEL but answers 305 to its signed calls; a minted FIEL works", async () => {
    const simulator = await simulatorWith({ strict: true, trustedAuthorities: [ca.certificate] });
    const testFiel = new Caller(simulator);
    await expect(testFiel.token()).resolves.toMatch(/wrap_subject/);
    const asked = period('2026-10-01', '2026-10-05');
    expect(attribute(await testFiel.query(asked), 'CodEstatus')).toBe('305');
    expect(attribute(await testFiel.verify('00000000-0000-4000-8000-000000000000'), 'CodEstatus')).toBe(
      '305',
    );
    expect(simulator.state.registry.all()).toEqual([]);

    const taxpayer = new Caller(simulator, mintedFiel());
    const accepted = await taxpayer.query(asked);
    expect(attribute(accepted, 'CodEstatus')).toBe('5000');
    const verified = await taxpayer.verify(attribute(accepted, 'IdSolicitud') as string);
    const [first] = packagesOf(verified);
    expect(attribute(verified, 'EstadoSolicitud')).toBe('3');
    expect(attribute(await taxpayer.download(first as string), 'CodEstatus')).toBe('5000');

    // Outside strict mode the test FIEL downloads, as before.
    const lenient = await simulatorWith();
    expect(attribute(await new Caller(lenient).query(asked), 'CodEstatus')).toBe('5000');
  });

  it('answers ActionNotSupported when the SOAPAction is missing or names another operation than the Body', async () => {
    const simulator = await simulatorWith({ strict: true, trustedAuthorities: [ca.certificate] });
    const taxpayer = new Caller(simulator, mintedFiel());
    const received = period('2026-10-01', '2026-10-05', {
      contexto: 'Recibidos',
      estadoComprobante: 'Vigente',
    });
    const mismatched = await taxpayer.query(received, { soapAction: SOAP_ACTIONS.SolicitaDescargaEmitidos });
    expect(mismatched.status).toBe(500);
    expect(mismatched.body).toContain('a:ActionNotSupported');
    expect(mismatched.body).toContain(SOAP_ACTIONS.SolicitaDescargaEmitidos);
    const missing = await taxpayer.query(received, { soapAction: null });
    expect([missing.status, missing.body.includes('a:ActionNotSupported')]).toEqual([500, true]);
    expect(simulator.state.registry.all()).toEqual([]);
    expect(attribute(await taxpayer.query(received), 'CodEstatus')).toBe('5000');

    // Lenient mode dispatches by the Body when the action is missing or another of the same service.
    const lenient = await simulatorWith({ trustedAuthorities: [ca.certificate] });
    const lenientCaller = new Caller(lenient, mintedFiel());
    expect(attribute(await lenientCaller.query(received, { soapAction: null }), 'CodEstatus')).toBe('5000');
    const other = period('2026-10-06', '2026-10-07', { contexto: 'Recibidos', estadoComprobante: 'Vigente' });
    const lenientMismatch = await lenientCaller.query(other, {
      soapAction: SOAP_ACTIONS.SolicitaDescargaEmitidos,
    });
    expect([lenientMismatch.status, attribute(lenientMismatch, 'CodEstatus')]).toEqual([200, '5000']);
  });
});

describe('daily limits per Mexico City day', () => {
  it('answers 5011 beyond dailyRequestLimit without registering, and accepts again from 00:00 Mexico City', async () => {
    // 17:00 in Mexico City is 23:00 UTC: two hours later the UTC day has changed, Mexico's has not.
    const clock = settableClock('2026-11-10T23:00:00Z');
    const simulator = await simulatorWith({ dailyRequestLimit: 2, clock: clock.now });
    const caller = new Caller(simulator, fakeFiel(), clock.now);
    expect(attribute(await caller.query(period('2026-10-01', '2026-10-01')), 'CodEstatus')).toBe('5000');
    expect(attribute(await caller.query(period('2026-10-02', '2026-10-02')), 'CodEstatus')).toBe('5000');
    clock.advance(2 * 60 * MINUTE);
    const refused = await caller.query(period('2026-10-03', '2026-10-03'));
    expect([refused.status, attribute(refused, 'CodEstatus'), attribute(refused, 'IdSolicitud')]).toEqual([
      200,
      '5011',
      undefined,
    ]);
    expect(simulator.state.registry.all()).toHaveLength(2);
    // 23:59:59 in Mexico City still the same day; one second later a new one.
    clock.advance(4 * 60 * MINUTE + 59 * MINUTE + 59 * SECOND);
    expect(attribute(await caller.query(period('2026-10-03', '2026-10-03')), 'CodEstatus')).toBe('5011');
    clock.advance(SECOND);
    expect(attribute(await caller.query(period('2026-10-03', '2026-10-03')), 'CodEstatus')).toBe('5000');
  });

  it('is set at run time and reset restores the option', async () => {
    const simulator = await simulatorWith();
    const caller = new Caller(simulator);
    expect(await steer(simulator, 'daily-request-limit', { limit: 1.5 })).toBe(400);
    expect(await steer(simulator, 'daily-request-limit', { limit: 0 })).toBe(204);
    expect(attribute(await caller.query(period('2026-10-01', '2026-10-01')), 'CodEstatus')).toBe('5011');
    simulator.state.setDailyRequestLimit(undefined);
    expect(attribute(await caller.query(period('2026-10-01', '2026-10-01')), 'CodEstatus')).toBe('5000');
    simulator.state.setDailyRequestLimit(0);
    simulator.state.reset();
    expect(simulator.state.settings.dailyRequestLimit).toBeUndefined();
  });

  it('counts the folio limit (5011 at Verificación) by the Mexico City day, not the UTC one', async () => {
    const clock = settableClock('2026-11-10T23:30:00Z');
    const simulator = await simulatorWith({ folioRequestsPerDay: 1, clock: clock.now });
    const caller = new Caller(simulator, fakeFiel(), clock.now);
    const metadata = await caller.query(period('2026-10-01', '2026-10-31', { tipoSolicitud: 'Metadata' }));
    const request = simulator.state.registry.get(attribute(metadata, 'IdSolicitud') as string);
    const valid = [...simulator.state.registry.matching(request!, clock.now())].filter(
      (item) => item.vigente,
    );
    const folio = (uuid: string): SatQueryParameters => ({
      contexto: 'Emitidos',
      tipoSolicitud: 'CFDI',
      rfcContrapartes: [],
      folio: uuid,
    });
    const first = attribute(await caller.query(folio(valid[0]!.uuid)), 'IdSolicitud') as string;
    clock.advance(60 * MINUTE); // 00:30 UTC of the next day, 18:30 of the same day in Mexico City
    const second = attribute(await caller.query(folio(valid[1]!.uuid)), 'IdSolicitud') as string;
    expect(attribute(await caller.verify(first), 'CodEstatus')).toBe('5000');
    expect(attribute(await caller.verify(second), 'CodEstatus')).toBe('5011');
  });
});

describe('metadata packages as some users receive them', () => {
  async function metadataPackage(caller: Caller): Promise<string> {
    const accepted = await caller.query(period('2026-10-01', '2026-10-20', { tipoSolicitud: 'Metadata' }));
    const [first] = packagesOf(await caller.verify(attribute(accepted, 'IdSolicitud') as string));
    return first as string;
  }

  it('metadataWindows1252: the .txt is Windows-1252, not UTF-8, and says the same thing', async () => {
    const simulator = await simulatorWith();
    const caller = new Caller(simulator);
    const idPaquete = await metadataPackage(caller);
    const normal = metadataText(await packageFiles(await caller.download(idPaquete)));
    simulator.state.failNext('descarga', 'metadataWindows1252');
    const legacy = metadataText(await packageFiles(await caller.download(idPaquete)));

    const utf8 = new TextDecoder('utf-8', { fatal: true }).decode(normal);
    expect(utf8).toMatch(/[ÑÁÉÍÓÚ]/);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(legacy)).toThrow(/not valid/);
    expect(new TextDecoder('windows-1252').decode(legacy)).toBe(utf8);
    expect(legacy.length).toBeLessThan(normal.length);
    expect(simulator.state.faultsInjected.get('metadataWindows1252')).toBe(1);
  });

  it('metadataWithoutHeader: the .txt holds the same rows and no header line', async () => {
    const simulator = await simulatorWith();
    const caller = new Caller(simulator);
    const idPaquete = await metadataPackage(caller);
    const normal = metadataText(await packageFiles(await caller.download(idPaquete))).toString('utf8');
    simulator.state.failNext('descarga', 'metadataWithoutHeader');
    const bare = metadataText(await packageFiles(await caller.download(idPaquete))).toString('utf8');

    const [header, ...rows] = normal.split('\r\n');
    expect(header).toBe(METADATA_HEADER);
    expect(bare).not.toContain('Uuid~RfcEmisor~');
    expect(bare.split('\r\n')).toEqual(rows);
    expect(bare).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-/);
  });

  it('leaves a CFDI package as it is', async () => {
    const simulator = await simulatorWith();
    const caller = new Caller(simulator);
    const accepted = await caller.query(period('2026-10-01', '2026-10-20'));
    const [first] = packagesOf(await caller.verify(attribute(accepted, 'IdSolicitud') as string));
    const normal = await packageFiles(await caller.download(first as string));
    simulator.state.failNext('descarga', 'metadataWithoutHeader');
    const again = await packageFiles(await caller.download(first as string));
    expect([...again.keys()]).toEqual([...normal.keys()]);
    expect([...again.keys()].every((name) => name.endsWith('.xml'))).toBe(true);
    expect([...again.values()]).toEqual([...normal.values()]);
  });
});
