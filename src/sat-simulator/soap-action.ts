import type { Request } from 'express';
import { SOAP_ACTIONS, type Operation } from './protocol';
import { bodyElement } from './soap-call';

const OPERATIONS_BY_PATH: Readonly<Record<Operation, readonly string[]>> = Object.freeze({
  autenticacion: ['Autentica'],
  solicitud: ['SolicitaDescargaEmitidos', 'SolicitaDescargaRecibidos', 'SolicitaDescargaFolio'],
  verificacion: ['VerificaSolicitudDescarga'],
  descarga: ['PeticionDescargaMasivaTercerosEntrada'],
});

/** The SOAPAction header without its optional quotes. */
function soapAction(request: Request): string | undefined {
  return request
    .get('soapaction')
    ?.trim()
    .replace(/^"(.*)"$/, '$1');
}

/**
 * The SOAPAction when it names no operation of this service (undefined when it does). Lenient mode:
 * without a SOAPAction header the Body's element decides (documented choice).
 */
export function actionMismatch(request: Request, operation: Operation): string | undefined {
  const action = soapAction(request);
  if (action === undefined) return undefined;
  const known = OPERATIONS_BY_PATH[operation].some((name) => SOAP_ACTIONS[name] === action);
  return known ? undefined : action;
}

/**
 * Strict mode, as WCF dispatches: the SOAPAction must be present and be the action of the Body's own
 * operation. Returns the action to name in the Fault when it is not; a Body that cannot be read is
 * left to the operation (it answers 301 or InvalidSecurity as usual).
 */
export function strictActionMismatch(request: Request): string | undefined {
  const action = soapAction(request) ?? '';
  let name: string;
  try {
    name = bodyElement(request).operation.localName ?? '';
  } catch {
    return undefined;
  }
  return SOAP_ACTIONS[name] === action ? undefined : action;
}
