import { detalle } from '../../shared/output';
import { required } from '../param-values';
import { attributes, base64, emptyElement } from '../response-xml';
import type { MySuiteTransaction } from '../transaction';

/** OBTENER_SOLICITUD_DM_SAT (our name; MYSuite's is not public): what RecuperarSolicitud answers. */
export const obtenerSolicitud: MySuiteTransaction = async (call, services) => {
  const id = required(call.params, 'Id');
  return async () => {
    const full = detalle(await services.queries.get(call.tenantId, id));
    const paquetes = ((full.Paquetes as { Paquete?: Record<string, unknown>[] } | undefined)?.Paquete ?? [])
      .map((paquete) => emptyElement('Paquete', paquete))
      .join('');
    return {
      data: String(full.Estado),
      responseData1: base64(`<Solicitud${attributes(full)}>${paquetes}</Solicitud>`),
    };
  };
};
