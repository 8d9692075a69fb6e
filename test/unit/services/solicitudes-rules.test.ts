import { backoffDelaySeconds } from '../../../src/services/solicitudes/backoff';
import { fanOut } from '../../../src/services/solicitudes/fan-out';
import { canonicalFilters, filtersKey } from '../../../src/services/solicitudes/ledger-key';
import { canTransition, isFinal } from '../../../src/services/solicitudes/state-machine';

describe('fan-out of Ambos', () => {
  it('yields one combination per contexto and tipo, metadata first', () => {
    expect(fanOut('Ambos', 'Ambos')).toEqual([
      { contexto: 'Emitidos', tipoSolicitud: 'Metadata' },
      { contexto: 'Emitidos', tipoSolicitud: 'CFDI' },
      { contexto: 'Recibidos', tipoSolicitud: 'Metadata' },
      { contexto: 'Recibidos', tipoSolicitud: 'CFDI' },
    ]);
    expect(fanOut('Recibidos', 'CFDI')).toEqual([{ contexto: 'Recibidos', tipoSolicitud: 'CFDI' }]);
  });
});

describe('ledger filter key', () => {
  it('is equal for filters that ask SAT for the same documents', () => {
    const a = filtersKey({ rfcContrapartes: ['bbb010101bbb', 'AAA010101AAA'], estadoComprobante: 'Todos' });
    const b = filtersKey({ rfcContrapartes: ['AAA010101AAA', 'BBB010101BBB', 'AAA010101AAA'] });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when a filter narrows the documents', () => {
    const none = filtersKey({ rfcContrapartes: [] });
    expect(filtersKey({ rfcContrapartes: [], tipoComprobante: 'P' })).not.toBe(none);
    expect(filtersKey({ rfcContrapartes: [], estadoComprobante: 'Vigente' })).not.toBe(none);
    expect(canonicalFilters({ rfcContrapartes: [], uuid: ' ABC ' })).toEqual({ uuid: 'abc' });
  });
});

describe('verification backoff', () => {
  const policy = { initialDelaySeconds: 30, maxDelaySeconds: 3600, jitter: 0.5 };

  it('doubles up to the maximum', () => {
    const noJitter = { ...policy, jitter: 0 };
    expect([0, 1, 2, 3, 10].map((attempt) => backoffDelaySeconds(attempt, noJitter))).toEqual([
      30, 60, 120, 240, 3600,
    ]);
  });

  it('keeps jittered delays between half and all of the base delay', () => {
    expect(backoffDelaySeconds(2, policy, () => 0)).toBe(60);
    expect(backoffDelaySeconds(2, policy, () => 0.999999)).toBe(120);
  });
});

describe('solicitud states', () => {
  it('never leaves a final state', () => {
    for (const estado of ['Completada', 'SinDatos', 'Rechazada', 'Error', 'Vencida'] as const) {
      expect(isFinal(estado)).toBe(true);
      expect(canTransition(estado, 'EnProceso')).toBe(false);
    }
  });

  it('follows the SAT cycle', () => {
    expect(canTransition('Registrada', 'EnProceso')).toBe(true);
    expect(canTransition('EnProceso', 'Descargando')).toBe(true);
    expect(canTransition('Descargando', 'Completada')).toBe(true);
    expect(canTransition('Registrada', 'Completada')).toBe(false);
  });

  it('completes from EnProceso when the last part to settle had nothing and every package was already indexed', () => {
    expect(canTransition('EnProceso', 'Completada')).toBe(true);
  });
});
