import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SatError } from '../../../src/errors';
import { Fiel, NodeSatTransport, SatClient, endpointsAt } from '../../../src/sat';
import { startSatSimulator, type RunningSatSimulator } from '../../../src/sat-simulator';
import { sha256Of } from '../../helpers/streams';

const fielDir = path.join(__dirname, '../../../fixtures/fake-fiel');

function fakeFiel(): Fiel {
  return Fiel.create({
    certificate: readFileSync(path.join(fielDir, 'EKU9003173C9.cer')),
    privateKey: readFileSync(path.join(fielDir, 'EKU9003173C9.key')),
    password: readFileSync(path.join(fielDir, 'EKU9003173C9-password.txt'), 'utf8'),
  });
}

describe('SatClient against the SAT simulator over HTTP', () => {
  let simulator: RunningSatSimulator;
  const transport = new NodeSatTransport({
    connectTimeoutMs: 2000,
    idleTimeoutMs: 5000,
    totalTimeoutMs: 20000,
  });

  beforeAll(async () => {
    simulator = await startSatSimulator({ delaySeconds: 0, documentsPerDay: 8, perPackage: 5 });
  });

  afterAll(async () => {
    transport.close();
    await simulator.close();
  });

  it.each(['cfdi', 'retenciones'] as const)(
    'runs the whole cycle for %s: authenticate once, query, verify, stream every package',
    async (servicio) => {
      const client = new SatClient({
        fiel: fakeFiel(),
        endpoints: endpointsAt(simulator.url, servicio),
        transport,
      });
      const query = await client.query({
        contexto: 'Emitidos',
        tipoSolicitud: 'CFDI',
        fechaInicial: '2026-04-01T00:00:00',
        fechaFinal: '2026-04-15T23:59:59',
        rfcContrapartes: [],
      });
      expect(query.codEstatus).toBe('5000');
      const verify = await client.verify(query.idSolicitud as string);
      expect(verify).toMatchObject({ codEstatus: '5000', estadoSolicitud: 3, codigoEstadoSolicitud: '5000' });
      expect(verify.paquetes.length).toBeGreaterThan(1);
      for (const idPaquete of verify.paquetes) {
        const download = await client.download(idPaquete);
        expect(download.codEstatus).toBe('5000');
        const zip = await sha256Of(download.paquete as AsyncIterable<Buffer>);
        expect(zip.size).toBeGreaterThan(100);
      }
    },
  );

  it('reuses its token across calls and reports SAT codes it is given', async () => {
    const before = simulator.state.calls.autenticacion;
    const client = new SatClient({
      fiel: fakeFiel(),
      endpoints: endpointsAt(simulator.url, 'cfdi'),
      transport,
    });
    await client.verify('00000000-0000-4000-8000-000000000000');
    const unknown = await client.verify('00000000-0000-4000-8000-000000000001');
    expect(unknown.codEstatus).toBe('5004');
    expect(simulator.state.calls.autenticacion - before).toBe(1);
    simulator.state.failNext('descarga', { codEstatus: '5008' });
    const refused = await client.download('X_01');
    expect(refused).toMatchObject({ codEstatus: '5008', paquete: undefined });
  });

  it('turns a dropped connection and a SAT 500 into transient errors', async () => {
    const client = new SatClient({
      fiel: fakeFiel(),
      endpoints: endpointsAt(simulator.url, 'cfdi'),
      transport,
    });
    simulator.state.failNext('verificacion', 'drop');
    await expect(client.verify('x')).rejects.toMatchObject({
      transient: true,
      operation: 'verificacion',
      failure: { kind: 'transport', delivered: 'unknown' },
    });
    simulator.state.failNext('verificacion', 'http500');
    const error = await client.verify('x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SatError);
    expect((error as SatError).transient).toBe(true);
    // The simulator answers WCF's internal-error Fault, as SAT does.
    expect(error).toMatchObject({
      operation: 'verificacion',
      failure: { kind: 'fault', fault: 'other', status: 500 },
    });
  });

  it("returns an expired token's 300 as it is: one Verifica reaches SAT, no Autentica is made", async () => {
    const client = new SatClient({
      fiel: fakeFiel(),
      endpoints: endpointsAt(simulator.url, 'cfdi'),
      transport,
    });
    const query = await client.query({
      contexto: 'Emitidos',
      tipoSolicitud: 'Metadata',
      fechaInicial: '2026-03-01T00:00:00',
      fechaFinal: '2026-03-02T23:59:59',
      rfcContrapartes: [],
    });
    const before = { ...simulator.state.calls };
    simulator.state.failNext('verificacion', 'expiredToken');
    const refused = await client.verify(query.idSolicitud as string);
    expect(refused).toMatchObject({ codEstatus: '300', httpStatus: 200 });
    expect(simulator.state.calls.verificacion - before.verificacion).toBe(1);
    expect(simulator.state.calls.autenticacion - before.autenticacion).toBe(0);

    // The caller decides: it forgets the token and asks again, with a new one.
    client.forgetToken();
    const answered = await client.verify(query.idSolicitud as string);
    expect(answered).toMatchObject({ codEstatus: '5000', estadoSolicitud: 3 });
    expect(simulator.state.calls.verificacion - before.verificacion).toBe(2);
    expect(simulator.state.calls.autenticacion - before.autenticacion).toBe(1);
  });

  it('names autenticacion when Autentica fails for a signed call', async () => {
    const client = new SatClient({
      fiel: fakeFiel(),
      endpoints: endpointsAt(simulator.url, 'cfdi'),
      transport,
    });
    const before = simulator.state.calls.verificacion;
    // Any queued fault other than the generic ones makes the simulator refuse Autentica with
    // InvalidSecurity, as SAT does for a refused e.firma.
    simulator.state.failNext('autenticacion', { codEstatus: '305' });
    await expect(client.verify('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'DM-5003',
      operation: 'autenticacion',
      failure: { kind: 'fault', fault: 'security', status: 500 },
    });
    simulator.state.failNext('autenticacion', 'http500');
    await expect(
      client.query({
        contexto: 'Emitidos',
        tipoSolicitud: 'Metadata',
        fechaInicial: '2026-03-01T00:00:00',
        fechaFinal: '2026-03-02T23:59:59',
        rfcContrapartes: [],
      }),
    ).rejects.toMatchObject({
      operation: 'autenticacion',
      failure: { kind: 'fault', fault: 'other', status: 500 },
    });
    expect(simulator.state.calls.verificacion).toBe(before);

    simulator.state.failNext('autenticacion', 'drop');
    await expect(client.download('X_01')).rejects.toMatchObject({
      operation: 'autenticacion',
      failure: { kind: 'transport', delivered: 'unknown' },
    });
  });
});
