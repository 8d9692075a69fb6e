import { DEMO } from '../services/accounts';
import { DESCARGA_MASIVA_PATH, DESCARGA_MASIVA_V2_PATH, MYSUITE_PATH } from './soap-bindings';

/** Simulator mode only: what a first-time user needs to make the first call from SoapUI. */
export function demoBanner(baseUrl: string): string {
  return [
    '',
    'descarga-masiva is running in simulator mode (SAT simulated, demo data).',
    `  WSDL:                ${baseUrl}${DESCARGA_MASIVA_PATH}?wsdl`,
    `  WSDL v2:             ${baseUrl}${DESCARGA_MASIVA_V2_PATH}?wsdl`,
    `  MYSuite-compatible:  ${baseUrl}${MYSUITE_PATH}?wsdl`,
    `  Web interface:       ${baseUrl}/ (${DEMO.username} / ${DEMO.password})`,
    `  Demo API user:       ${DEMO.username} / ${DEMO.password}`,
    `  Demo Requestor GUID: ${DEMO.requestor}`,
    `  Demo RFC (fake FIEL): ${DEMO.rfc}`,
    `  Health:              ${baseUrl}/healthz`,
    '',
  ].join('\n');
}
