/** CFDI regulares or Retenciones: SAT runs the same four services twice, on different hosts. */
export type SatServicio = 'cfdi' | 'retenciones';

/** SAT's own paths, identical on every host (the simulator serves them at the same paths). */
export const SAT_PATHS = Object.freeze({
  authenticate: '/Autenticacion/Autenticacion.svc',
  query: '/SolicitaDescargaService.svc',
  verify: '/VerificaSolicitudDescargaService.svc',
  download: '/DescargaMasivaService.svc',
});

const PRODUCTION_HOSTS: Record<SatServicio, { auth: string; services: string; download: string }> = {
  cfdi: {
    auth: 'https://cfdidescargamasivasolicitud.clouda.sat.gob.mx',
    services: 'https://cfdidescargamasivasolicitud.clouda.sat.gob.mx',
    download: 'https://cfdidescargamasiva.clouda.sat.gob.mx',
  },
  retenciones: {
    auth: 'https://retendescargamasivasolicitud.clouda.sat.gob.mx',
    services: 'https://retendescargamasivasolicitud.clouda.sat.gob.mx',
    download: 'https://retendescargamasiva.clouda.sat.gob.mx',
  },
};

/** The four URLs of one flavour of the service. */
export interface SatEndpoints {
  readonly servicio: SatServicio;
  readonly authenticate: string;
  readonly query: string;
  readonly verify: string;
  readonly download: string;
}

export function productionEndpoints(servicio: SatServicio): SatEndpoints {
  const hosts = PRODUCTION_HOSTS[servicio];
  return Object.freeze({
    servicio,
    authenticate: hosts.auth + SAT_PATHS.authenticate,
    query: hosts.services + SAT_PATHS.query,
    verify: hosts.services + SAT_PATHS.verify,
    download: hosts.download + SAT_PATHS.download,
  });
}

/** `SAT_BASE_URL` layout: `<base>/<SAT path>` for CFDI, `<base>/retenciones/<SAT path>` for Retenciones. */
export function endpointsAt(baseUrl: string, servicio: SatServicio): SatEndpoints {
  const base = baseUrl.replace(/\/+$/, '') + (servicio === 'retenciones' ? '/retenciones' : '');
  return Object.freeze({
    servicio,
    authenticate: base + SAT_PATHS.authenticate,
    query: base + SAT_PATHS.query,
    verify: base + SAT_PATHS.verify,
    download: base + SAT_PATHS.download,
  });
}

/** SOAPAction of each operation: one catalogue, used by the builder and the transport. */
export const SOAP_ACTIONS = Object.freeze({
  authenticate: 'http://DescargaMasivaTerceros.gob.mx/IAutenticacion/Autentica',
  queryEmitidos: 'http://DescargaMasivaTerceros.sat.gob.mx/ISolicitaDescargaService/SolicitaDescargaEmitidos',
  queryRecibidos:
    'http://DescargaMasivaTerceros.sat.gob.mx/ISolicitaDescargaService/SolicitaDescargaRecibidos',
  queryFolio: 'http://DescargaMasivaTerceros.sat.gob.mx/ISolicitaDescargaService/SolicitaDescargaFolio',
  verify:
    'http://DescargaMasivaTerceros.sat.gob.mx/IVerificaSolicitudDescargaService/VerificaSolicitudDescarga',
  download: 'http://DescargaMasivaTerceros.sat.gob.mx/IDescargaMasivaTercerosService/Descargar',
});
