import type { SatServicio } from '../../sat';

/** SAT's four services, in the order a solicitud meets them. */
export const SAT_OPERATIONS = ['autenticacion', 'solicitud', 'verificacion', 'descarga'] as const;
export type SatOperation = (typeof SAT_OPERATIONS)[number];

/** One SAT endpoint: a service of one flavour, e.g. `cfdi.descarga` or `retenciones.autenticacion`. */
export type SatEndpoint = `${SatServicio}.${SatOperation}`;

export const SAT_ENDPOINTS: readonly SatEndpoint[] = (['cfdi', 'retenciones'] as const).flatMap((servicio) =>
  SAT_OPERATIONS.map((operation): SatEndpoint => `${servicio}.${operation}`),
);

export function isSatEndpoint(value: string): value is SatEndpoint {
  return (SAT_ENDPOINTS as readonly string[]).includes(value);
}

/** The operation a SOAPAction names, or undefined for one SAT does not have. */
export function operationOf(soapAction: string): SatOperation | undefined {
  if (soapAction.endsWith('/Autentica')) return 'autenticacion';
  if (soapAction.includes('/SolicitaDescarga')) return 'solicitud';
  if (soapAction.endsWith('/VerificaSolicitudDescarga')) return 'verificacion';
  if (soapAction.endsWith('/Descargar')) return 'descarga';
  return undefined;
}

/**
 * The flavour a URL belongs to: SAT's own Retenciones hosts start with `reten`, and `SAT_BASE_URL`
 * serves Retenciones under `/retenciones/` (see sat/shared/endpoints.ts).
 */
export function servicioOf(url: string): SatServicio {
  try {
    const parsed = new URL(url);
    return parsed.hostname.startsWith('reten') || parsed.pathname.includes('/retenciones/')
      ? 'retenciones'
      : 'cfdi';
  } catch {
    return 'cfdi';
  }
}

export function endpointOf(url: string, soapAction: string): SatEndpoint | undefined {
  const operation = operationOf(soapAction);
  return operation ? `${servicioOf(url)}.${operation}` : undefined;
}
