import type { MySuiteTransaction } from '../transaction';
import { obtenerLinkDescarga } from './obtener-link-descarga';
import { obtenerListaSolicitudes } from './obtener-lista-solicitudes';
import { obtenerSolicitud } from './obtener-solicitud';
import { registrarSolicitud } from './registrar-solicitud';

/** The `Transaction` names this binding serves (a public contract: docs/mysuite-compat.md). */
export const TRANSACTIONS: Readonly<Record<string, MySuiteTransaction>> = Object.freeze({
  REGISTRAR_SOLICITUD_DM_SAT: registrarSolicitud,
  OBTENER_SOLICITUD_DM_SAT: obtenerSolicitud,
  OBTENER_LINK_DESCARGA_DM_SAT: obtenerLinkDescarga,
  OBTENER_LISTA_SOLICITUDES_DM_SAT: obtenerListaSolicitudes,
});
