import type { Solicitud } from '../../db';
import type { FiltrosSolicitud } from '../solicitudes/domain';

/** A solicitud's filters as registration stored them (canonical JSON), typed again. */
export function filtrosOf(solicitud: Solicitud): FiltrosSolicitud {
  const stored = solicitud.filtros;
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  return {
    rfcContrapartes: Array.isArray(stored.rfcContrapartes) ? stored.rfcContrapartes : [],
    ...(text(stored.tipoComprobante)
      ? { tipoComprobante: text(stored.tipoComprobante) as FiltrosSolicitud['tipoComprobante'] }
      : {}),
    ...(text(stored.estadoComprobante)
      ? { estadoComprobante: text(stored.estadoComprobante) as FiltrosSolicitud['estadoComprobante'] }
      : {}),
    ...(text(stored.rfcACuentaTerceros) ? { rfcACuentaTerceros: text(stored.rfcACuentaTerceros) } : {}),
    ...(text(stored.complemento) ? { complemento: text(stored.complemento) } : {}),
    ...(text(stored.uuid) ? { uuid: text(stored.uuid) } : {}),
  };
}
