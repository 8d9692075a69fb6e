import type { Element } from '@xmldom/xmldom';
import { httpError, parseAnswer, unreadable } from '../soap-answer';
import type { QueryTranslation } from './query-result';

/**
 * SolicitaDescarga's answer. An answer under an HTTP error that still carries an IdSolicitud is
 * returned, not thrown: SAT has been seen to answer 404 for requests it accepted, and that id is the
 * only way to follow them (asking again gets 5005 and spends the lifetime count). `codEstatus` is
 * then whatever the answer says, possibly empty.
 */
export function translateQuery(xml: string, status: number): QueryTranslation {
  const root = parseAnswer(xml, status);
  const result = (Array.from(root.getElementsByTagNameNS('*', '*')) as Element[]).find((element) =>
    /^SolicitaDescarga\w*Result$/.test(element.localName ?? ''),
  );
  const idSolicitud = result?.getAttribute('IdSolicitud')?.trim() || undefined;
  if (status !== 200 && !(result && idSolicitud)) throw httpError(status, xml.slice(0, 200).trim());
  if (!result) throw unreadable(status, 'no SolicitaDescarga result');
  if (!result.hasAttribute('CodEstatus') && !idSolicitud)
    throw unreadable(status, 'no CodEstatus in SolicitaDescarga result');
  return {
    codEstatus: result.getAttribute('CodEstatus') ?? '',
    mensaje: result.getAttribute('Mensaje') ?? '',
    idSolicitud,
    httpStatus: status,
  };
}
