import type { OperationWork } from './call-handler';
import type { Servicio } from './protocol';
import { parseCriteria } from './query-rules';
import type { TipoConsulta } from './requests';
import { checkSignedCall } from './signed-call';
import { bodyOrRefuse, send } from './soap-call';
import { actionNotSupportedFault, solicitaResponse } from './soap-responses';
import type { SimulatorState } from './state';
import { childElements } from './xml';

const TIPOS: Readonly<Record<string, TipoConsulta>> = Object.freeze({
  SolicitaDescargaEmitidos: 'Emitidos',
  SolicitaDescargaRecibidos: 'Recibidos',
  SolicitaDescargaFolio: 'Folio',
});

/** SolicitaDescarga (Emitidos, Recibidos, Folio): the criteria checked, then SAT's request rules. */
export function serveSolicitud(state: SimulatorState, servicio: Servicio): OperationWork {
  const { registry, clock } = state;
  return (request, response, fault) => {
    const parsed = bodyOrRefuse(request, response, () => solicitaResponse('SolicitaDescargaEmitidos', '301'));
    if (parsed === undefined) return;
    const operationName = parsed.operation.localName ?? '';
    const tipo = TIPOS[operationName];
    const parameters = childElements(parsed.operation)[0];
    if (!tipo || !parameters) {
      send(response, 500, actionNotSupportedFault(operationName));
      return;
    }
    if (fault?.kind === 'codEstatus') {
      send(response, 200, solicitaResponse(operationName, fault.codEstatus));
      return;
    }
    const signer = checkSignedCall(state, servicio, request, parsed.operation, parameters);
    if (typeof signer !== 'string') {
      send(response, 200, solicitaResponse(operationName, signer.code));
      return;
    }
    const checked = parseCriteria(servicio, signer, tipo, parameters, clock());
    if ('refusal' in checked) {
      send(response, 200, solicitaResponse(operationName, checked.refusal, undefined, checked.detail));
      return;
    }
    const criteria = checked.criteria;
    if (registry.cancelledFolio(criteria, clock())) {
      send(response, 200, solicitaResponse(operationName, '5012'));
      return;
    }
    const outcome = registry.submit(criteria, clock());
    const answer = solicitaResponse(
      operationName,
      outcome.codEstatus,
      outcome.request?.id,
      undefined,
      signer,
    );
    // The lost-answer faults lose only an acceptance: a refusal is answered as usual.
    if (outcome.request) {
      switch (fault?.kind) {
        case 'acceptThenTimeout':
          return;
        case 'acceptThenDrop':
          request.socket.destroy();
          return;
        case 'acceptThen404':
          send(response, 404, answer);
          return;
        default:
      }
    }
    send(response, 200, answer);
  };
}
