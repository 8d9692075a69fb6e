import type { MySuiteTransaction } from '../transaction';
import type { ParamSpec } from '../typed-params';
import { OBTENER_LINK_DESCARGA_PARAMS, obtenerLinkDescarga } from './obtener-link-descarga';
import { OBTENER_LISTA_SOLICITUDES_PARAMS, obtenerListaSolicitudes } from './obtener-lista-solicitudes';
import { obtenerSolicitud } from './obtener-solicitud';
import { REGISTRAR_SOLICITUD_PARAMS, registrarSolicitud } from './registrar-solicitud';

/** The `Transaction` names this binding serves (a public contract: docs/mysuite-compat.md). */
export const TRANSACTIONS: Readonly<Record<string, MySuiteTransaction>> = Object.freeze({
  REGISTRAR_SOLICITUD_DM_SAT: registrarSolicitud,
  OBTENER_SOLICITUD_DM_SAT: obtenerSolicitud,
  OBTENER_LINK_DESCARGA_DM_SAT: obtenerLinkDescarga,
  OBTENER_LISTA_SOLICITUDES_DM_SAT: obtenerListaSolicitudes,
});

/** The typed keys (booleans, choices, integers, date-times) of each transaction's Data1. */
export const TRANSACTION_PARAMS: Readonly<Record<string, ParamSpec>> = Object.freeze({
  REGISTRAR_SOLICITUD_DM_SAT: REGISTRAR_SOLICITUD_PARAMS,
  OBTENER_SOLICITUD_DM_SAT: {},
  OBTENER_LINK_DESCARGA_DM_SAT: OBTENER_LINK_DESCARGA_PARAMS,
  OBTENER_LISTA_SOLICITUDES_DM_SAT: OBTENER_LISTA_SOLICITUDES_PARAMS,
});
