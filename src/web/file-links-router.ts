import { Router, type Request, type Response } from 'express';
import { StorageError, storageErrors } from '../errors';
import { type LocalDiskObjectStore, assertValidKey, verifyLink } from '../storage';

function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^A-Za-z0-9._-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function refuse(response: Response, status: number, message: string): void {
  response.status(status).type('text/plain; charset=utf-8').send(message);
}

/** Parses a single `bytes=a-b` / `bytes=a-` / `bytes=-n` range; anything else means "whole object". */
function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'invalid' | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match) return undefined;
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return 'invalid';
  const start = from === '' ? Math.max(0, size - Number(to)) : Number(from);
  const end = from === '' || to === '' ? size - 1 : Math.min(Number(to), size - 1);
  return start > end || start >= size ? 'invalid' : { start, end };
}

/**
 * `/files/<key>?expires=&name=&sig=`: serves local-disk objects to whoever holds a link that is signed,
 * unexpired and for exactly that key and file name. Supports single byte ranges.
 */
export function createLocalFileLinksRouter(
  store: LocalDiskObjectStore,
  options: { readonly secret: Buffer },
): Router {
  const router = Router();
  router.get(/^\/files\/(.+)$/, async (request: Request, response: Response) => {
    // The router already percent-decoded the path (a malformed one never gets here: 400, DM-1010);
    // decoding again would read `%2541` as `A`.
    const key = (request.params as Record<string, string>)[0] ?? '';
    const expires = Number(request.query.expires);
    const name = typeof request.query.name === 'string' ? request.query.name : '';
    const signature = typeof request.query.sig === 'string' ? request.query.sig : '';
    try {
      assertValidKey(key);
    } catch {
      refuse(response, 403, new StorageError(storageErrors.linkInvalid).messageEs);
      return;
    }
    const valid =
      Number.isInteger(expires) &&
      expires * 1000 > Date.now() &&
      verifyLink(options.secret, key, expires, name, signature);
    if (!valid) {
      refuse(response, 403, new StorageError(storageErrors.linkInvalid).messageEs);
      return;
    }
    const info = await store.stat(key);
    if (!info) {
      refuse(
        response,
        404,
        new StorageError(storageErrors.objectMissing, { params: { key: name } }).messageEs,
      );
      return;
    }
    const range = parseRange(request.get('range'), info.size);
    if (range === 'invalid') {
      response.setHeader('Content-Range', `bytes */${info.size}`);
      refuse(response, 416, 'Rango no satisfacible / Range not satisfiable');
      return;
    }
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('Content-Type', 'application/zip');
    response.setHeader(
      'Content-Disposition',
      contentDisposition(name || key.split('/').pop() || 'paquete.zip'),
    );
    response.setHeader('Cache-Control', 'private, no-store');
    if (range) {
      response.status(206);
      response.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${info.size}`);
      response.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      response.setHeader('Content-Length', String(info.size));
    }
    const body = await store.get(key, range);
    body.on('error', () => response.destroy());
    body.pipe(response);
  });
  return router;
}
