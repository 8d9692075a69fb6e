import { DOMParser, type Document, type Element } from '@xmldom/xmldom';

export class MalformedXml extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedXml';
  }
}

/** Parses a request; a DOCTYPE (entities) or any parse error makes it malformed. */
export function parseXml(text: string): Document {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new MalformedXml('DTD not allowed');
  let error: string | undefined;
  const document = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') error ??= message;
    },
  }).parseFromString(text, 'text/xml');
  if (error || !document.documentElement) throw new MalformedXml(error ?? 'empty document');
  return document;
}

export function childElements(parent: Element): Element[] {
  return Array.from(parent.childNodes).filter((node): node is Element => node.nodeType === 1);
}

export function child(parent: Element, namespace: string, localName: string): Element | undefined {
  return childElements(parent).find(
    (element) => element.namespaceURI === namespace && element.localName === localName,
  );
}

export function descendant(
  root: Element | Document,
  namespace: string,
  localName: string,
): Element | undefined {
  return (Array.from(root.getElementsByTagNameNS(namespace, localName)) as Element[])[0];
}

export function textOf(element: Element | undefined): string {
  return (element?.textContent ?? '').trim();
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
