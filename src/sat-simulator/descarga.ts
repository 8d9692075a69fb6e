import { Readable } from 'node:stream';
import type { OperationWork } from './call-handler';
import { corrupted, droppedMidPackage, stalledMidPackage } from './faulty-streams';
import { buildPackage } from './package-builder';
import { ESTADO, type Servicio } from './protocol';
import { checkSignedCall } from './signed-call';
import { bodyOrRefuse, send } from './soap-call';
import { descargaRefused, descargaStream } from './soap-responses';
import type { SimulatorState } from './state';
import { childElements } from './xml';

/**
 * PeticionDescargaMasivaTercerosEntrada: a finished request's package, built and streamed on each call,
 * at most twice per package. `quirks`: metadata files with the anomalies of real ones.
 */
export function serveDescarga(state: SimulatorState, servicio: Servicio, quirks: boolean): OperationWork {
  const { registry, clock } = state;
  return (request, response, fault) => {
    const parsed = bodyOrRefuse(request, response, () => descargaRefused('301'));
    if (parsed === undefined) return;
    if (fault?.kind === 'codEstatus') {
      send(response, 200, descargaRefused(fault.codEstatus));
      return;
    }
    const parameters = childElements(parsed.operation)[0];
    const signer = checkSignedCall(state, servicio, request, parsed.operation, parameters);
    if (typeof signer !== 'string') {
      send(response, 200, descargaRefused(signer.code));
      return;
    }
    const idPaquete = (parameters?.getAttribute('IdPaquete') ?? '').toUpperCase();
    const simulated = registry.get(idPaquete.split('_')[0] ?? '');
    const status = simulated ? registry.status(simulated, clock()) : undefined;
    if (
      !simulated ||
      simulated.criteria.rfc !== signer ||
      simulated.criteria.servicio !== servicio ||
      !status ||
      !('paquetes' in status) ||
      !(status.paquetes as string[]).includes(idPaquete)
    ) {
      send(response, 200, descargaRefused('5004'));
      return;
    }
    if (status.estado === ESTADO.Vencida) {
      send(response, 200, descargaRefused('5007'));
      return;
    }
    const downloads = state.downloads.get(idPaquete) ?? 0;
    if (downloads >= 2) {
      send(response, 200, descargaRefused('5008'));
      return;
    }
    state.downloads.set(idPaquete, downloads + 1);
    const zip = buildPackage({
      idPaquete,
      kind: simulated.criteria.tipoSolicitud,
      documents: () => registry.packageDocuments(simulated, idPaquete, clock()),
      quirks,
      metadataHeader: fault?.kind !== 'metadataWithoutHeader',
      metadataEncoding: fault?.kind === 'metadataWindows1252' ? 'windows-1252' : 'utf-8',
    });
    response.status(200).type('text/xml; charset=utf-8');
    const answer = Readable.from(descargaStream(zip));
    switch (fault?.kind) {
      case 'stallMidPackage':
        stalledMidPackage(answer, response, fault.ms);
        return;
      case 'corruptPackage':
        Readable.from(corrupted(answer)).pipe(response);
        return;
      case 'dropMidPackage':
        droppedMidPackage(answer, response);
        return;
      default:
        answer.pipe(response);
    }
  };
}
