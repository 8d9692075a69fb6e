import {
  aggregateEstado,
  type PaqueteProgress,
  type SatRequestProgress,
} from '../../../src/services/solicitudes/progress';

const r = (...estados: SatRequestProgress['estado'][]): SatRequestProgress[] =>
  estados.map((estado) => ({ estado }));
const p = (...estados: PaqueteProgress['estado'][]): PaqueteProgress[] =>
  estados.map((estado) => ({ estado }));

describe('aggregateEstado', () => {
  it.each([
    [r('Pendiente'), p(), 'Registrada'],
    [r('Solicitada'), p(), 'EnProceso'],
    [r('Terminada', 'EnProceso'), p('Indexado'), 'EnProceso'],
    [r('Terminada'), p('Almacenado', 'Indexado'), 'Descargando'],
    [r('Terminada', 'SinDatos'), p('Indexado', 'Indexado'), 'Completada'],
    [r('SinDatos', 'SinDatos'), p(), 'SinDatos'],
    [r('Dividida', 'SinDatos', 'Terminada'), p('Indexado'), 'Completada'],
    [r('Terminada', 'Rechazada'), p('Indexado'), 'Rechazada'],
    [r('Terminada'), p('Indexado', 'Error'), 'Error'],
    [r('Terminada'), p('Vencido'), 'Vencida'],
  ] as const)('%j + %j -> %s', (requests, paquetes, expected) => {
    expect(aggregateEstado(requests, paquetes)).toBe(expected);
  });
});
