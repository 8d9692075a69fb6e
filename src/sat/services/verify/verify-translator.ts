import type { Element } from '@xmldom/xmldom';
import { findElement, parseOkAnswer, unreadable } from '../soap-answer';
import type { VerifyTranslation } from './verify-result';

export function translateVerify(xml: string, status: number): VerifyTranslation {
  const root = parseOkAnswer(xml, status);
  const result = findElement(root, 'VerificaSolicitudDescargaResult');
  if (!result) throw unreadable(status, 'no VerificaSolicitudDescarga result');
  if (!result.hasAttribute('CodEstatus')) throw unreadable(status, 'no CodEstatus in Verifica result');
  return {
    codEstatus: result.getAttribute('CodEstatus') ?? '',
    mensaje: result.getAttribute('Mensaje') ?? '',
    estadoSolicitud: Number(result.getAttribute('EstadoSolicitud') ?? 0) || 0,
    codigoEstadoSolicitud: result.getAttribute('CodigoEstadoSolicitud') || undefined,
    numeroCfdis: Number(result.getAttribute('NumeroCFDIs') ?? 0) || 0,
    paquetes: (Array.from(result.getElementsByTagNameNS('*', 'IdsPaquetes')) as Element[])
      .map((element) => (element.textContent ?? '').trim())
      .filter(Boolean),
    httpStatus: status,
  };
}
