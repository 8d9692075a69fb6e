import type { X509Certificate } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import type { Request } from 'express';
import { signerOf } from './certificates';
import type { Servicio } from './protocol';
import { SignatureProblem, verifyEnvelopedSignature } from './signature';
import type { SimulatorState } from './state';

/** SAT's public test FIEL and CSDs are issued by its test CA, "AC UAT" (the fixtures' EKU9003173C9). */
function fromSatTestCa(certificate: X509Certificate): boolean {
  return certificate.issuer.split('\n').some((entry) => entry.trim() === 'CN=AC UAT');
}

/**
 * What SAT checks on a signed call (Solicitud, Verificación, Descarga): the token, the enveloped
 * signature of `parameters`, the certificate, and the signer against the token and RfcSolicitante.
 * Returns the signer's RFC, or the CodEstatus SAT answers instead (301 without parameters).
 */
export function checkSignedCall(
  state: SimulatorState,
  servicio: Servicio,
  request: Request,
  operation: Element,
  parameters: Element | undefined,
): string | { code: string } {
  if (!parameters) return { code: '301' };
  const token = state.tokens[servicio].resolve(request.get('authorization'), state.clock());
  if (!token) return { code: '300' };
  let certificate;
  try {
    certificate = verifyEnvelopedSignature(operation, parameters);
  } catch (error) {
    return { code: error instanceof SignatureProblem && error.kind === 'malformed' ? '301' : '302' };
  }
  const verdict = state.trust.verdict(certificate, state.clock());
  if (verdict === 'revoked' || verdict === 'expired') return { code: '304' };
  if (verdict !== 'trusted') return { code: '305' };
  // The real SAT authenticates its public test FIEL and refuses it everything else.
  if (state.strict && fromSatTestCa(certificate)) return { code: '305' };
  const signer = signerOf(certificate);
  if (signer.rfc !== token.rfc) return { code: '300' };
  if ((parameters.getAttribute('RfcSolicitante') ?? '').toUpperCase() !== signer.rfc) return { code: '303' };
  return signer.rfc;
}
