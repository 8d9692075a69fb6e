import type { OperationWork } from './call-handler';
import { ESTADO, type Servicio } from './protocol';
import { checkSignedCall } from './signed-call';
import { bodyOrRefuse, send } from './soap-call';
import { verificaResponse } from './soap-responses';
import type { SimulatorState } from './state';
import { childElements } from './xml';

/** VerificaSolicitudDescarga: the request's state as time passes, and its packages once finished. */
export function serveVerificacion(state: SimulatorState, servicio: Servicio): OperationWork {
  const { registry, clock } = state;
  return (request, response, fault) => {
    const refusal = (code: string): string =>
      verificaResponse({ codEstatus: code, estado: 0, numeroCfdis: 0, paquetes: [] });
    const refuse = (code: string): void => send(response, 200, refusal(code));
    const parsed = bodyOrRefuse(request, response, () => refusal('301'));
    if (parsed === undefined) return;
    if (fault?.kind === 'codEstatus') {
      refuse(fault.codEstatus);
      return;
    }
    const parameters = childElements(parsed.operation)[0];
    const signer = checkSignedCall(state, servicio, request, parsed.operation, parameters);
    if (typeof signer !== 'string') {
      refuse(signer.code);
      return;
    }
    const simulated = registry.get(parameters?.getAttribute('IdSolicitud') ?? '');
    if (!simulated || simulated.criteria.rfc !== signer || simulated.criteria.servicio !== servicio) {
      refuse('5004');
      return;
    }
    if (registry.overFolioLimit(simulated)) {
      refuse('5011');
      return;
    }
    const status = registry.status(simulated, clock());
    const done = 'codigo' in status;
    send(
      response,
      200,
      verificaResponse({
        codEstatus: '5000',
        estado: status.estado,
        codigoEstado: done ? status.codigo : '5000',
        numeroCfdis: done ? status.numeroCfdis : 0,
        paquetes: done && status.estado === ESTADO.Terminada ? status.paquetes : [],
      }),
    );
  };
}
