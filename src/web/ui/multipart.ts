import busboy from 'busboy';
import type { Request } from 'express';
import { PayloadTooLargeError, generalErrors } from '../../errors';

export interface UploadLimits {
  /** The whole body: past it reading stops, so a huge body costs neither memory nor much time. */
  readonly totalBytes: number;
  readonly fileBytes: number;
  readonly files: number;
  readonly fields: number;
  readonly fieldBytes: number;
}

export interface SmallUpload {
  /** As a urlencoded body reads: a name given more than once is a list. No prototype. */
  readonly fields: Record<string, string | string[]>;
  readonly files: Map<string, Buffer>;
  /** Files cut at the size limit: refused by the caller, never used truncated. */
  readonly truncated: ReadonlySet<string>;
}

/**
 * Reads a multipart form of a few small files (an e.firma is ~2 KB) fully into memory, with hard
 * limits on file size, file count, field count and field size so a hostile upload cannot grow it.
 */
export function readSmallUpload(request: Request, limits: UploadLimits): Promise<SmallUpload> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): PayloadTooLargeError =>
      new PayloadTooLargeError(generalErrors.payloadTooLarge, { params: { limitBytes: limits.totalBytes } });
    if (Number(request.headers['content-length'] ?? 0) > limits.totalBytes) {
      reject(tooLarge());
      return;
    }
    const fields: Record<string, string | string[]> = Object.create(null) as Record<
      string,
      string | string[]
    >;
    const files = new Map<string, Buffer>();
    const truncated = new Set<string>();
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        limits: {
          fileSize: limits.fileBytes,
          files: limits.files,
          fields: limits.fields,
          fieldSize: limits.fieldBytes,
          parts: limits.files + limits.fields,
        },
      });
    } catch (error) {
      reject(error);
      return;
    }
    parser.on('field', (name, value) => {
      const previous = fields[name];
      fields[name] =
        previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
    });
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => truncated.add(name));
      stream.on('error', reject);
      stream.on('end', () => files.set(name, Buffer.concat(chunks)));
    });
    let received = 0;
    const count = (chunk: Buffer): void => {
      received += chunk.length;
      if (received <= limits.totalBytes) return;
      // Chunked bodies have no length to check up front.
      request.off('data', count);
      request.unpipe(parser);
      parser.destroy();
      request.resume();
      reject(tooLarge());
    };
    request.on('data', count);
    parser.on('error', reject);
    parser.on('close', () => resolve({ fields, files, truncated }));
    request.pipe(parser);
  });
}
