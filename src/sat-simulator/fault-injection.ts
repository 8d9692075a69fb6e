import type { Request, Response } from 'express';
import type { LostAcceptanceFault, PackageFault, TaggedFault } from './faults';
import { NS, type Operation, type Servicio } from './protocol';
import { send } from './soap-call';
import { internalErrorFault, invalidSecurityFault } from './soap-responses';
import type { TokenStore } from './tokens';

/** The part of a call's fault its operation plays (answer codes, lost acceptances, damaged packages). */
export type OperationFault = Extract<
  TaggedFault,
  { readonly kind: LostAcceptanceFault | PackageFault | 'stallMidPackage' | 'codEstatus' }
>;

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Plays the part of `fault` that happens around the operation: delays, lost connections, HTTP errors
 * and ended tokens. Returns 'answered' when the call is over, otherwise what the operation must play
 * (undefined: answer normally). Package faults on a call that carries no package are dropped.
 */
export async function playFault(
  fault: TaggedFault | undefined,
  operation: Operation,
  request: Request,
  response: Response,
  tokens: Readonly<Record<Servicio, TokenStore>>,
): Promise<OperationFault | 'answered' | undefined> {
  if (fault === undefined) return undefined;
  const endToken = (): void => {
    for (const store of Object.values(tokens)) store.expire(request.get('authorization'));
  };
  switch (fault.kind) {
    case 'latency':
      await wait(fault.ms);
      // Nobody is waiting for this answer any more: the call is dropped, as a proxy would drop it.
      return request.socket.destroyed ? 'answered' : undefined;
    case 'stallMidPackage':
      return operation === 'descarga' && fault.ms > 0 ? fault : undefined;
    case 'drop':
      request.socket.destroy();
      return 'answered';
    case 'timeout':
      // Read, never answered: the connection stays open until the client gives up.
      return 'answered';
    case 'http500':
      send(response, 500, internalErrorFault());
      return 'answered';
    case 'http503':
      response.status(503).type('text/html').send('<html><body>Service Unavailable</body></html>');
      return 'answered';
    case 'malformedXml':
      send(response, 200, `<s:Envelope xmlns:s="${NS.soap}"><s:Body><`);
      return 'answered';
    case 'dropMidPackage':
    case 'corruptPackage':
      return operation === 'descarga' ? fault : undefined;
    case 'expiredToken':
      endToken();
      return undefined;
    case 'tokenRefused401':
    case 'tokenRefused403':
      // What a gateway in front of SAT answers: a small HTML page, no SOAP. The token is dead.
      endToken();
      response
        .status(fault.kind === 'tokenRefused401' ? 401 : 403)
        .type('text/html')
        .send(`<html><body>${fault.kind === 'tokenRefused401' ? 'Unauthorized' : 'Forbidden'}</body></html>`);
      return 'answered';
    case 'tokenRefusedFault':
      endToken();
      send(response, 500, invalidSecurityFault());
      return 'answered';
    default:
      return fault;
  }
}
