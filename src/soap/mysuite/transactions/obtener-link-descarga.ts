import { MAX_LINK_TTL_SECONDS, MIN_LINK_TTL_SECONDS } from '../../../services/solicitudes';
import { fecha } from '../../shared/output';
import { required } from '../param-values';
import { base64, emptyElement } from '../response-xml';
import type { MySuiteTransaction } from '../transaction';
import { integerParam, readParams } from '../typed-params';

/** The typed keys of OBTENER_LINK_DESCARGA_DM_SAT's Data1. */
export const OBTENER_LINK_DESCARGA_PARAMS = Object.freeze({
  Vigencia: integerParam(MIN_LINK_TTL_SECONDS, MAX_LINK_TTL_SECONDS),
});

/**
 * OBTENER_LINK_DESCARGA_DM_SAT (our name): a time-limited link to one stored package, as
 * RecuperarLinkDescarga gives. `Response/Data` carries the URL itself for clients that read only it.
 */
export const obtenerLinkDescarga: MySuiteTransaction = async (call, services) => {
  const id = required(call.params, 'Id');
  const idPaquete = required(call.params, 'IdPaquete');
  const vigencia = readParams(call.params, OBTENER_LINK_DESCARGA_PARAMS).Vigencia;
  return async () => {
    const link = await services.links.linkFor(call.tenantId, id, idPaquete, vigencia, 'Vigencia');
    const xml = emptyElement('Link', {
      Id: id,
      IdPaquete: idPaquete,
      Url: link.url,
      Expira: fecha(link.expiresAt),
      Tamano: link.size,
      Sha256: link.sha256,
      NombreArchivo: link.fileName,
    });
    return { data: link.url, responseData1: base64(xml) };
  };
};
