import path from 'node:path';
import type { SoapCallContext } from '../../src/soap/infra/soap-call-context';
import { loadWsdl, type LoadedWsdl } from '../../src/soap/infra/wsdl-loader';

export const V1_NAMESPACE = 'urn:descarga-masiva:v1';

/** v1's WSDL as the service loads it, for tests that drive a SoapDispatcher directly. */
export function loadV1Wsdl(): Promise<LoadedWsdl> {
  return loadWsdl(path.join(__dirname, '../../wsdl/DescargaMasiva.wsdl'));
}

/** The context of an anonymous SOAP 1.1 call of `operation`, as the router would hand it over. */
export function v1CallContext(operation: string): SoapCallContext {
  return { requestId: 'r', version: '1.1', operation, principal: undefined, clientAddress: undefined };
}
