import type { OperationWork } from './call-handler';
import { signerOf } from './certificates';
import type { Servicio } from './protocol';
import { SignatureProblem, verifyWsSecurity } from './signature';
import { bodyElement, send } from './soap-call';
import { autenticaResponse, invalidSecurityFault } from './soap-responses';
import type { SimulatorState } from './state';
import { MalformedXml } from './xml';

/** Autentica: a token for any known certificate within its dates, whose WS-Security is fresh. */
export function serveAutenticacion(state: SimulatorState, servicio: Servicio): OperationWork {
  return (request, response, fault) => {
    if (fault) {
      send(response, 500, invalidSecurityFault());
      return;
    }
    try {
      const { envelope } = bodyElement(request);
      const { certificate, created, expires } = verifyWsSecurity(envelope);
      const now = state.clock();
      const skew = 5 * 60_000;
      if (created.getTime() > now.getTime() + skew || expires.getTime() < now.getTime())
        throw new SignatureProblem('invalid', 'stale');
      // Like SAT, any known certificate within its dates gets a token (its test FIEL and CSDs
      // included); whether it may download is decided on each signed call (304/305).
      if (!state.trust.known(certificate) || !state.trust.withinValidity(certificate, now))
        throw new SignatureProblem('invalid', 'untrusted');
      const signer = signerOf(certificate);
      const issued = state.tokens[servicio].issue(signer.rfc, signer.serialNumber, now);
      send(response, 200, autenticaResponse(issued.token, issued.created, issued.expires));
    } catch (error) {
      if (error instanceof SignatureProblem || error instanceof MalformedXml)
        send(response, 500, invalidSecurityFault());
      else throw error;
    }
  };
}
