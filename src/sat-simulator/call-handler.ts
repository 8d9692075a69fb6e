import { X509Certificate } from 'node:crypto';
import type { Request, Response } from 'express';
import { signerOf } from './certificates';
import { playFault, type OperationFault } from './fault-injection';
import { tagFault } from './faults';
import type { Operation } from './protocol';
import { actionMismatch, strictActionMismatch } from './soap-action';
import { bodyText, send } from './soap-call';
import { actionNotSupportedFault, internalErrorFault } from './soap-responses';
import type { SimulatorState } from './state';

/** One operation's own work, given the part of the call's fault it must play. */
export type OperationWork = (
  request: Request,
  response: Response,
  fault: OperationFault | undefined,
) => Promise<void> | void;

/** The RFC a call claims to come from, read cheaply before any check (to aim faults at an RFC). */
function claimedRfc(operation: Operation, text: string): string | undefined {
  if (operation !== 'autenticacion') return /RfcSolicitante="([^"]+)"/.exec(text)?.[1]?.toUpperCase();
  const token = /BinarySecurityToken[^>]*>([^<]+)</.exec(text)?.[1];
  try {
    return token ? signerOf(new X509Certificate(Buffer.from(token, 'base64'))).rfc : undefined;
  } catch {
    return undefined;
  }
}

/** Runs one call: SOAPAction dispatch, fault injection, and SAT's catch-all answer for the unexpected. */
export function callHandler(state: SimulatorState, operation: Operation, work: OperationWork) {
  return async (request: Request, response: Response): Promise<void> => {
    const rfc = claimedRfc(operation, bodyText(request));
    state.countCall(operation, rfc);
    const mismatch = state.strict ? strictActionMismatch(request) : actionMismatch(request, operation);
    if (mismatch !== undefined) {
      send(response, 500, actionNotSupportedFault(mismatch));
      return;
    }
    const taken = state.faults.take(operation, rfc);
    const fault = taken === undefined ? undefined : tagFault(taken);
    if (fault) state.countFault(fault);
    const played = await playFault(fault, operation, request, response, state.tokens);
    if (played === 'answered') return;
    try {
      await work(request, response, played);
    } catch (error) {
      if (!response.headersSent) send(response, 500, internalErrorFault());
      else response.destroy(error instanceof Error ? error : undefined);
    }
  };
}
