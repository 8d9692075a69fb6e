import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Request, RequestHandler } from 'express';
import { inlineLocalSchemas } from './schema-inliner';

const SCHEMA_LOCATION = /(\b(?:schemaLocation|location)=")([^"]+)(")/g;
const ADDRESS = /(<(?:[\w-]+:)?address\b[^>]*?\blocation=")[^"]*(")/g;
const SANE_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** The WSDL and every local document it imports, keyed by file name, read once at start-up. */
async function readDocuments(wsdlPath: string): Promise<Map<string, string>> {
  const documents = new Map<string, string>();
  const pending = [basename(wsdlPath)];
  const folder = dirname(wsdlPath);
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (documents.has(name)) continue;
    const text = await readFile(join(folder, name), 'utf8');
    documents.set(name, text);
    for (const match of text.matchAll(SCHEMA_LOCATION)) {
      const location = match[2];
      // Only plain sibling files are published; anything else stays as the author wrote it.
      if (/^[\w.-]+\.(xsd|wsdl)$/i.test(location) && !documents.has(location)) pending.push(location);
    }
  }
  return documents;
}

function endpointOf(request: Request, publicUrl: string | undefined): string {
  if (publicUrl !== undefined) return publicUrl;
  const host = request.get('host') ?? '';
  return `${request.protocol}://${SANE_HOST.test(host) ? host : 'localhost'}${request.baseUrl}`;
}

/**
 * Serves `?wsdl` (any case), with the schemas it imports from beside it inlined, and `?xsd=<file>`, with
 * the service address and any remaining import locations pointing at this endpoint, so generated clients
 * resolve everything over HTTP.
 */
export async function createWsdlPublisher(wsdlPath: string, publicUrl?: string): Promise<RequestHandler> {
  const documents = await readDocuments(wsdlPath);
  const wsdlName = basename(wsdlPath);
  const served = new Map(documents);
  served.set(wsdlName, inlineLocalSchemas(documents.get(wsdlName) as string, documents, wsdlPath));
  const rewrite = (text: string, endpoint: string): string =>
    text
      .replace(ADDRESS, (_whole, start: string, end: string) => `${start}${endpoint}${end}`)
      .replace(SCHEMA_LOCATION, (whole, start: string, location: string, end: string) =>
        documents.has(location) && location !== wsdlName
          ? `${start}${endpoint}?xsd=${encodeURIComponent(location)}${end}`
          : whole,
      );
  return (request, response, next) => {
    const query = new URL(request.originalUrl, 'http://localhost').searchParams;
    const keys = [...query.keys()].map((key) => key.toLowerCase());
    const xsd = query.get('xsd') ?? query.get('XSD');
    let name: string | undefined;
    if (xsd !== null) name = xsd;
    else if (keys.includes('wsdl')) name = wsdlName;
    if (name === undefined) return next();
    const text = served.get(name);
    if (text === undefined) {
      response.status(404).type('text/plain').send('Not found');
      return;
    }
    response.type('text/xml; charset=utf-8').send(rewrite(text, endpointOf(request, publicUrl)));
  };
}
