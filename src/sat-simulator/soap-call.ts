import type { Element } from '@xmldom/xmldom';
import type { Request, Response } from 'express';
import { NS } from './protocol';
import { MalformedXml, childElements, parseXml } from './xml';

export function send(response: Response, status: number, xml: string): void {
  response.status(status).type('text/xml; charset=utf-8').send(xml);
}

export function bodyText(request: Request): string {
  return Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
}

/** The call's envelope and the operation element in its Body; MalformedXml when there is none. */
export function bodyElement(request: Request): { envelope: Element; operation: Element } {
  const document = parseXml(bodyText(request));
  const envelope = document.documentElement as unknown as Element;
  const body = childElements(envelope).find(
    (element) => element.namespaceURI === NS.soap && element.localName === 'Body',
  );
  const operation = body ? childElements(body)[0] : undefined;
  if (!operation) throw new MalformedXml('no operation in Body');
  return { envelope, operation };
}

/**
 * The call's envelope and operation, or undefined once `refusal` (SAT's answer to an unreadable call,
 * CodEstatus 301) has been sent.
 */
export function bodyOrRefuse(
  request: Request,
  response: Response,
  refusal: () => string,
): { envelope: Element; operation: Element } | undefined {
  try {
    return bodyElement(request);
  } catch {
    send(response, 200, refusal());
    return undefined;
  }
}
