import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  HEALTH_RULES,
  classifyCall,
  endpointOf,
  healthState,
  percentileMs,
  type WindowFigures,
} from '../../../src/services/sat-health';
import { EnvelopeTap, redactEnvelope } from '../../../src/services/sat-observation';

function figures(calls: number, failures: number, p95Ms = 200): WindowFigures {
  return {
    calls,
    failures,
    transportFailures: 0,
    successRate: calls ? (calls - failures) / calls : undefined,
    p50Ms: 100,
    p95Ms,
    maxMs: p95Ms,
    codes: {},
  };
}

/** Runs `text` through a tap in chunks cut at the given offsets; returns what passed and the tap. */
async function tapped(
  text: string,
  cuts: number[],
  capture = true,
): Promise<{ out: string; tap: EnvelopeTap }> {
  const bytes = Buffer.from(text, 'utf8');
  const points = [0, ...cuts, bytes.length];
  const chunks = points.slice(1).map((end, index) => bytes.subarray(points[index], end));
  const tap = new EnvelopeTap(capture);
  let out = '';
  await pipeline(Readable.from(chunks), tap, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) out += chunk.toString('utf8');
  });
  return { out, tap };
}

describe('SAT health: what a call says about SAT', () => {
  it.each([
    [{ operation: 'descarga', status: undefined }, 'transport', 'network'],
    [{ operation: 'descarga', status: 500, faultCode: 'a:InternalServiceFault' }, 'failure', 'http_500'],
    [
      { operation: 'autenticacion', status: 500, faultCode: 'a:InvalidSecurity' },
      'answered',
      'InvalidSecurity',
    ],
    [{ operation: 'solicitud', status: 503 }, 'failure', 'http_503'],
    [{ operation: 'solicitud', status: 404 }, 'failure', 'http_404'],
    [{ operation: 'autenticacion', status: 200, token: true }, 'ok', 'token'],
    [{ operation: 'autenticacion', status: 200, token: false }, 'failure', 'malformed'],
    [{ operation: 'verificacion', status: 200, codEstatus: '5000' }, 'ok', '5000'],
    [{ operation: 'verificacion', status: 200, codEstatus: '404' }, 'failure', '404'],
    [{ operation: 'descarga', status: 200, codEstatus: '5006' }, 'failure', '5006'],
    [{ operation: 'solicitud', status: 200, codEstatus: '5002' }, 'answered', '5002'],
    [{ operation: 'solicitud', status: 200, codEstatus: '301' }, 'answered', '301'],
    [{ operation: 'descarga', status: 200, codEstatus: '300' }, 'answered', '300'],
    [{ operation: 'verificacion', status: 200 }, 'failure', 'malformed'],
  ] as const)('%j is %s (%s)', (answer, outcome, code) => {
    expect(classifyCall(answer)).toEqual({ outcome, code });
  });

  it('names endpoints by flavour and operation, on SAT hosts and under SAT_BASE_URL', () => {
    const action = 'http://DescargaMasivaTerceros.sat.gob.mx/IDescargaMasivaTercerosService/Descargar';
    expect(
      endpointOf('https://retendescargamasiva.clouda.sat.gob.mx/DescargaMasivaService.svc', action),
    ).toBe('retenciones.descarga');
    expect(endpointOf('https://cfdidescargamasiva.clouda.sat.gob.mx/DescargaMasivaService.svc', action)).toBe(
      'cfdi.descarga',
    );
    expect(endpointOf('http://127.0.0.1:9/retenciones/DescargaMasivaService.svc', action)).toBe(
      'retenciones.descarga',
    );
    expect(
      endpointOf(
        'http://127.0.0.1:9/Autenticacion/Autenticacion.svc',
        'http://DescargaMasivaTerceros.gob.mx/IAutenticacion/Autentica',
      ),
    ).toBe('cfdi.autenticacion');
    expect(endpointOf('http://127.0.0.1:9/x', 'urn:other')).toBeUndefined();
  });
});

describe('SAT health: states and thresholds', () => {
  it('needs a few calls before judging an endpoint', () => {
    expect(healthState('descarga', figures(HEALTH_RULES.minCalls - 1, HEALTH_RULES.minCalls - 1))).toBe(
      'unknown',
    );
    expect(healthState('descarga', figures(0, 0))).toBe('unknown');
  });

  it('is down from half the calls failing, degraded from one in ten, ok below', () => {
    expect(healthState('descarga', figures(10, 5))).toBe('down');
    expect(healthState('descarga', figures(10, 6))).toBe('down');
    expect(healthState('descarga', figures(10, 4))).toBe('degraded');
    expect(healthState('descarga', figures(10, 1))).toBe('degraded');
    expect(healthState('descarga', figures(11, 1))).toBe('ok');
    expect(healthState('descarga', figures(10, 0))).toBe('ok');
  });

  it('is degraded when SAT is slow even if every call succeeds', () => {
    expect(healthState('verificacion', figures(10, 0, 12_000))).toBe('degraded');
    // Descarga may take longer to start sending a large package.
    expect(healthState('descarga', figures(10, 0, 12_000))).toBe('ok');
    expect(healthState('descarga', figures(10, 0, 45_000))).toBe('degraded');
  });

  it('reads percentiles from bucket counts, never past the slowest call', () => {
    // Buckets: ≤100, ≤250, ≤500, ≤1000 …
    expect(percentileMs([0, 9, 0, 1], 0.5, 900)).toBe(250);
    expect(percentileMs([0, 9, 0, 1], 0.95, 900)).toBe(900);
    expect(percentileMs([0, 0, 0, 0, 0, 0, 0, 0, 0, 2], 0.5, 75_000)).toBe(75_000);
    expect(percentileMs([], 0.5, 0)).toBeUndefined();
  });
});

describe('SAT envelopes as the trail keeps them', () => {
  const base64 = 'UEsDBBQAAAAIAAAAIQ'.repeat(2000);
  const descarga =
    `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>` +
    `<h:respuesta xmlns:h="http://DescargaMasivaTerceros.sat.gob.mx" CodEstatus="5000" Mensaje="Solicitud Aceptada"/>` +
    `</s:Header><s:Body><RespuestaDescargaMasivaTercerosSalida xmlns="http://DescargaMasivaTerceros.sat.gob.mx">` +
    `<Paquete>${base64}</Paquete></RespuestaDescargaMasivaTercerosSalida></s:Body></s:Envelope>`;

  it('passes the answer through untouched and elides the package, wherever the chunks are cut', async () => {
    const tagAt = descarga.indexOf('<Paquete>');
    for (const cuts of [
      [],
      [tagAt + 3],
      [tagAt + 9, tagAt + 500],
      [17, tagAt + 20_000, descarga.length - 5],
    ]) {
      const { out, tap } = await tapped(descarga, cuts);
      expect(out).toBe(descarga);
      expect(tap.sniffed()).toEqual({ codEstatus: '5000', token: false, faultCode: undefined });
      const kept = tap.text();
      expect(kept).toContain(`<Paquete>[paquete omitido: ${base64.length} caracteres base64]</Paquete>`);
      expect(kept).not.toContain('UEsDBBQ');
      expect(kept.endsWith('</s:Envelope>')).toBe(true);
      expect(kept.length).toBeLessThan(1000);
    }
  });

  it('keeps nothing without capture, but still reads SAT’s code', async () => {
    const { tap } = await tapped(descarga, [100], false);
    expect(tap.text()).toBe('');
    expect(tap.sniffed().codEstatus).toBe('5000');
  });

  it('says so when an answer broke off inside the package', async () => {
    const { tap } = await tapped(descarga.slice(0, descarga.indexOf('<Paquete>') + 1000), []);
    expect(tap.text()).toMatch(/\[paquete omitido: 991 caracteres base64, incompleto\]$/);
  });

  it('reads a Fault and elides Autentica’s token', async () => {
    const fault =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>' +
      '<faultcode xmlns:a="urn:x">a:InternalServiceFault</faultcode><faultstring>x</faultstring></s:Fault></s:Body></s:Envelope>';
    expect((await tapped(fault, [40])).tap.sniffed().faultCode).toBe('a:InternalServiceFault');
    const autentica =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>' +
      '<AutenticaResponse xmlns="http://DescargaMasivaTerceros.gob.mx"><AutenticaResult>eyJhbGciOi.eyJuYmYi.c2ln%26wrap_subject%3d3330</AutenticaResult>' +
      '</AutenticaResponse></s:Body></s:Envelope>';
    const { tap } = await tapped(autentica, [90]);
    expect(tap.sniffed().token).toBe(true);
    const kept = redactEnvelope(tap.text());
    expect(kept).toContain('<AutenticaResult>[REDACTED]</AutenticaResult>');
    expect(kept).not.toContain('eyJ');
  });
});
