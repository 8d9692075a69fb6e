import type { Solicitud } from '../../../src/db';
import { AppError } from '../../../src/errors';
import {
  WEBHOOK_EVENTS,
  generateWebhookSecret,
  normaliseWebhookUrl,
  originOf,
  parseEvents,
  signWebhook,
} from '../../../src/services/notifications';
import { solicitudEstadoEvent } from '../../../src/services/notifications/events';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
}

describe('webhook URLs', () => {
  it('accepts https, and http only where allowed', () => {
    expect(normaliseWebhookUrl(' https://ERP.example.com/hooks?x=1 ', { allowHttp: false })).toBe(
      'https://erp.example.com/hooks?x=1',
    );
    expect(normaliseWebhookUrl('http://10.0.0.5:8080/hook', { allowHttp: true })).toBe(
      'http://10.0.0.5:8080/hook',
    );
    expect(codeOf(() => normaliseWebhookUrl('http://erp.example.com/hook', { allowHttp: false }))).toBe(
      'DM-4102',
    );
  });

  it.each([
    ['ftp://erp.example.com/hook'],
    ['javascript:alert(1)'],
    ['erp.example.com/hook'],
    ['https://usuario:clave@erp.example.com/hook'],
    ['https://erp.example.com/hook#fragmento'],
    [`https://erp.example.com/${'a'.repeat(2000)}`],
  ])('refuses %s', (url) => {
    expect(codeOf(() => normaliseWebhookUrl(url, { allowHttp: true }))).toBe('DM-4101');
  });

  it('requires a URL', () => {
    expect(codeOf(() => normaliseWebhookUrl('  ', { allowHttp: true }))).toBe('DM-2001');
  });

  it('names a receiver in logs by its origin only, never its path or query', () => {
    expect(originOf('https://erp.example.com:8443/hook/tok3n?key=abc')).toBe('https://erp.example.com:8443');
  });
});

describe('webhook events', () => {
  it('normalises case, blanks and repeats, and keeps a stable order', () => {
    expect(parseEvents([' FIEL.POR_VENCER', 'solicitud.estado', 'fiel.por_vencer', ''])).toEqual([
      'fiel.por_vencer',
      'solicitud.estado',
    ]);
    expect(parseEvents([])).toEqual([]);
    expect([...WEBHOOK_EVENTS].sort()).toEqual(['fiel.por_vencer', 'paquete.en_riesgo', 'solicitud.estado']);
  });

  it('refuses an event it does not know (DM-4103)', () => {
    expect(codeOf(() => parseEvents(['solicitud.creada']))).toBe('DM-4103');
  });

  it('describes a state change with the ids the tenant knows and SAT’s inclusive end date', () => {
    const solicitud = {
      id: '0b7f3c3e-2f1a-4d8e-9a51-7d3c9e0b1a22',
      tenantId: 'c0ffee00-0000-4000-8000-000000000001',
      contribuyenteId: 'c0ffee00-0000-4000-8000-000000000002',
      rfc: 'EKU9003173C9',
      contexto: 'Recibidos',
      tipoSolicitud: 'Metadata',
      tipoDocumento: 'CFDI',
      fechaInicial: new Date('2026-01-01T06:00:00Z'),
      fechaFinal: new Date('2026-02-01T06:00:00Z'),
      referenciaCliente: null,
      estado: 'Rechazada',
      estadoSat: 'Rechazada',
      codigo: '5002',
      mensaje: 'Se agotó las solicitudes de por vida',
      satCodEstatus: '5002',
      satMensaje: 'Se agotó las solicitudes de por vida',
      numeroCfdis: null,
      paquetesTotal: 0,
      paquetesAlmacenados: 0,
      createdAt: new Date('2026-03-01T00:00:00Z'),
      startedAt: new Date('2026-03-01T00:00:01Z'),
      finishedAt: new Date('2026-03-01T00:00:05Z'),
    } as unknown as Solicitud;
    const event = solicitudEstadoEvent(solicitud, 'EnProceso', new Date('2026-03-01T00:00:05Z'));
    expect(event).toEqual({
      evento: 'solicitud.estado',
      fecha: '2026-03-01T00:00:05.000Z',
      datos: expect.objectContaining({
        idSolicitud: solicitud.id,
        estadoAnterior: 'EnProceso',
        estado: 'Rechazada',
        codigo: '5002',
        fechaInicial: '2026-01-01T06:00:00.000Z',
        fechaFinal: '2026-02-01T05:59:59.000Z',
      }),
    });
    expect(JSON.stringify(event)).not.toContain(solicitud.tenantId);
    expect(JSON.stringify(event)).not.toContain(solicitud.contribuyenteId);
  });
});

describe('webhook signatures', () => {
  it('is HMAC-SHA256 of "<timestamp>.<body>" in hex (vector computed with openssl dgst -hmac)', () => {
    expect(signWebhook('whsec_prueba', 1_700_000_000, '{"id":"x","evento":"solicitud.estado"}')).toBe(
      'sha256=f5c91dcc39079eecb497718d57114f3ca41fa0b5d1a6c61c32d01709d5389714',
    );
  });

  it('changes with the timestamp, the body and the secret', () => {
    const base = signWebhook('whsec_a', 1, 'x');
    expect(signWebhook('whsec_a', 2, 'x')).not.toBe(base);
    expect(signWebhook('whsec_a', 1, 'y')).not.toBe(base);
    expect(signWebhook('whsec_b', 1, 'x')).not.toBe(base);
  });

  it('generates secrets of 256 random bits, never twice the same', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateWebhookSecret()));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });
});
