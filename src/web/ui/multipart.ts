import busboy from 'busboy';
import type { Request } from 'express';

export interface SmallUpload {
  readonly fields: Map<string, string>;
  readonly files: Map<string, Buffer>;
  /** Files cut at the size limit: refused by the caller, never used truncated. */
  readonly truncated: ReadonlySet<string>;
}

/**
 * Reads a multipart form of a few small files (an e.firma is ~2 KB) fully into memory, with hard
 * limits on file size, file count, field count and field size so a hostile upload cannot grow it.
 */
export function readSmallUpload(
  request: Request,
  limits: { fileBytes: number; files: number; fields: number },
): Promise<SmallUpload> {
  return new Promise((resolve, reject) => {
    const fields = new Map<string, string>();
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
          fieldSize: 4096,
          parts: limits.files + limits.fields,
        },
      });
    } catch (error) {
      reject(error);
      return;
    }
    parser.on('field', (name, value) => fields.set(name, value));
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => truncated.add(name));
      stream.on('end', () => files.set(name, Buffer.concat(chunks)));
    });
    parser.on('error', reject);
    parser.on('close', () => resolve({ fields, files, truncated }));
    request.pipe(parser);
  });
}
