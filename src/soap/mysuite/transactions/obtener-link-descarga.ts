import { fecha } from '../../descarga-masiva/output';
import { integer } from '../../descarga-masiva/input';
import { optional, required } from '../param-values';
import { base64, emptyElement } from '../response-xml';
import type { MySuiteTransaction } from '../transaction';

/**
 * OBTENER_LINK_DESCARGA_DM_SAT (our name): a time-limited link to one stored package, as
 * RecuperarLinkDescarga gives. `Response/Data` carries the URL itself for clients that read only it.
 */
export const obtenerLinkDescarga: MySuiteTransaction = async (call, services) => {
  const id = required(call.params, 'Id');
  const idPaquete = required(call.params, 'IdPaquete');
  const vigencia = integer('Vigencia', optional(call.params, 'Vigencia'));
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
