import { ValidationError } from '../../../src/errors';
import { filtersFor } from '../../../src/services/solicitudes/fan-out';
import {
  parseRegistrationRequest,
  type RegistrationInput,
} from '../../../src/services/solicitudes/registration-request';

const now = new Date('2026-11-24T18:00:00Z');
const base: RegistrationInput = {
  rfc: 'eku9003173c9',
  fechaInicial: '2026-01-01T00:00:00',
  fechaFinal: '2026-01-31T23:59:59',
  contexto: 'Emitidos',
  tipoSolicitud: 'Metadata',
};

function rejection(input: RegistrationInput): ValidationError {
  try {
    parseRegistrationRequest(input, now);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseRegistrationRequest', () => {
  it('normalises a valid request into a half-open Mexico City period', () => {
    const request = parseRegistrationRequest(base, now);
    expect(request.rfc).toBe('EKU9003173C9');
    expect(request.tipoDocumento).toBe('CFDI');
    expect(request.periodo?.start.toISOString()).toBe('2026-01-01T06:00:00.000Z');
    expect(request.periodo?.end.toISOString()).toBe('2026-02-01T06:00:00.000Z');
    expect(request.forzar).toBe(false);
  });

  it.each([
    [{ rfc: '' }, 'DM-2001', 'Rfc'],
    [{ rfc: 'NOT-AN-RFC' }, 'DM-9001', 'Rfc'],
    [{ fechaInicial: '2026-01-01' }, 'DM-9002', 'FechaInicial'],
    [{ fechaFinal: '2026-02-30T00:00:00' }, 'DM-9002', 'FechaFinal'],
    [{ contexto: 'Todos' }, 'DM-2002', 'Contexto'],
    [{ tipoDocumento: 'Nomina' }, 'DM-2002', 'TipoDocumento'],
    [{ tipoComprobante: 'X' }, 'DM-2002', 'TipoComprobante'],
    [{ rfcContrapartes: ['AAA010101AAA', 'bad'] }, 'DM-9001', 'RfcContraparte'],
    [{ complemento: 'Pagos 2.0' }, 'DM-9015', 'Complemento'],
    [{ tipoDocumento: 'Retenciones', complemento: 'nomina12' }, 'DM-9015', 'Complemento'],
    [{ tipoDocumento: 'Retenciones', tipoComprobante: 'I' }, 'DM-9016', 'TipoComprobante'],
  ])('rejects %o with %s naming %s', (override, code, field) => {
    const error = rejection({ ...base, ...override });
    expect(error.code).toBe(code);
    expect(error.field).toBe(field);
  });

  it('rejects inverted, too old and future periods', () => {
    expect(rejection({ ...base, fechaFinal: '2026-01-01T00:00:00' }).code).toBe('DM-9003');
    expect(rejection({ ...base, fechaInicial: '2020-11-23T23:59:59' }).code).toBe('DM-9004');
    expect(parseRegistrationRequest({ ...base, fechaInicial: '2020-11-24T00:00:00' }, now).rfc).toBe(
      'EKU9003173C9',
    );
    expect(
      rejection({ ...base, fechaInicial: '2026-12-01T00:00:00', fechaFinal: '2026-12-02T00:00:00' }).code,
    ).toBe('DM-9005');
  });

  it('refuses a FechaFinal on a later day with DM-9050 naming FechaFinal', () => {
    const error = rejection({ ...base, fechaFinal: '2999-12-31T23:59:59' });
    expect(error.code).toBe('DM-9050');
    expect(error.field).toBe('FechaFinal');
    expect(error.messageEn).toContain('2026-11-24');
    expect(rejection({ ...base, fechaFinal: '2026-11-25T00:00:00' }).code).toBe('DM-9050');
  });

  it('takes a FechaFinal later today up to now, keeping what was asked for idempotency', () => {
    // now is 2026-11-24 12:00:00 in Mexico City.
    const request = parseRegistrationRequest({ ...base, fechaFinal: '2026-11-24T23:59:59' }, now);
    expect(request.periodo?.end.toISOString()).toBe('2026-11-24T18:00:01.000Z');
    expect(request.periodoPedido?.end.toISOString()).toBe('2026-11-25T06:00:00.000Z');
    expect(parseRegistrationRequest(base, now).periodoPedido).toBeUndefined();
    const cutToNothing = rejection({
      ...base,
      fechaInicial: '2026-11-24T12:00:00',
      fechaFinal: '2026-11-24T23:59:59',
    });
    expect(cutToNothing.code).toBe('DM-9003');
  });

  it('applies SAT counterpart limits per contexto', () => {
    const five = ['AAA010101AAA', 'BBB010101BBB', 'CCC010101CCC', 'DDD010101DDD', 'EEE010101EEE'];
    expect(
      parseRegistrationRequest({ ...base, rfcContrapartes: five }, now).filtros.rfcContrapartes,
    ).toHaveLength(5);
    expect(rejection({ ...base, rfcContrapartes: [...five, 'FFF010101FFF'] }).code).toBe('DM-9007');
    expect(rejection({ ...base, contexto: 'Recibidos', rfcContrapartes: five.slice(0, 2) }).code).toBe(
      'DM-9007',
    );
  });

  it('refuses cancelled received XML but asks SAT for active ones when no status is given', () => {
    const received = { ...base, contexto: 'Recibidos', tipoSolicitud: 'CFDI' };
    expect(rejection({ ...received, estadoComprobante: 'Cancelado' }).code).toBe('DM-9008');
    const request = parseRegistrationRequest(received, now);
    expect(request.filtros.estadoComprobante).toBeUndefined();
    expect(
      filtersFor({ contexto: 'Recibidos', tipoSolicitud: 'CFDI' }, request.filtros).estadoComprobante,
    ).toBe('Vigente');
    expect(
      filtersFor({ contexto: 'Recibidos', tipoSolicitud: 'Metadata' }, request.filtros).estadoComprobante,
    ).toBeUndefined();
  });

  it('takes a Uuid alone, as SAT Folio requests do', () => {
    const uuid = 'A1B2C3D4-0000-4000-8000-000000000001';
    const request = parseRegistrationRequest({ rfc: base.rfc, uuid }, now);
    expect(request.filtros.uuid).toBe(uuid.toLowerCase());
    expect(request.periodo).toBeUndefined();
    const error = rejection({ ...base, uuid });
    expect(error.code).toBe('DM-9006');
    expect(error.messageEn).toContain('FechaInicial');
  });
});
