/**
 * A stand-in for SAT's Descargar that answers with a generated package of a given size, produced on
 * the fly as base64 inside the SOAP body (never held whole). Autentica answers with a real-format token.
 * The same bytes, raw (no SOAP, no base64), answer a GET of `RAW_PACKAGE_PATH`: the floor a download
 * is measured against. Used by bench/download-stream.ts, bench/package-end-to-end.ts and the client's
 * memory test.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

function tokenAnswer(): string {
  const now = new Date();
  return readFileSync(path.join(root, 'fixtures/sat/phpcfdi/authenticate/response-with-token.xml'), 'utf8')
    .replace(/<u:Created>[^<]+</, `<u:Created>${now.toISOString()}<`)
    .replace(/<u:Expires>[^<]+</, `<u:Expires>${new Date(now.getTime() + 300_000).toISOString()}<`);
}

const HEAD =
  '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>' +
  '<h:respuesta CodEstatus="5000" Mensaje="Solicitud Aceptada" xmlns:h="http://DescargaMasivaTerceros.sat.gob.mx" xmlns="http://DescargaMasivaTerceros.sat.gob.mx"/>' +
  '</s:Header><s:Body><RespuestaDescargaMasivaTercerosSalida xmlns="http://DescargaMasivaTerceros.sat.gob.mx"><Paquete>';
const TAIL = '</Paquete></RespuestaDescargaMasivaTercerosSalida></s:Body></s:Envelope>';

/** Where the package's bytes are served as they are. */
export const RAW_PACKAGE_PATH = '/paquete.zip';

/**
 * Writes `size` pseudo-random bytes (the same ones on every call), 48 KB at a time, honouring
 * backpressure: as base64 inside the SOAP answer, or raw; `done` gets their SHA-256.
 */
function writePackage(
  response: http.ServerResponse,
  size: number,
  encoding: 'soap' | 'raw',
  done: (sha256: string) => void,
): void {
  const hash = createHash('sha256');
  let sent = 0;
  let state = 7;
  const chunkBytes = 48 * 1024; // a multiple of 3: each chunk encodes without padding
  const pump = (): void => {
    while (sent < size) {
      const length = Math.min(chunkBytes, size - sent);
      const chunk = Buffer.allocUnsafe(length);
      for (let index = 0; index < length; index += 4) {
        state = (state * 1103515245 + 12345) >>> 0;
        chunk.writeUInt32LE(state, index < length - 3 ? index : length - 4);
      }
      hash.update(chunk);
      sent += length;
      if (!response.write(encoding === 'raw' ? chunk : chunk.toString('base64'))) {
        response.once('drain', pump);
        return;
      }
    }
    done(hash.digest('hex'));
    if (encoding === 'raw') response.end();
    else response.end(TAIL);
  };
  if (encoding === 'soap') response.write(HEAD);
  pump();
}

export interface GeneratedSat {
  readonly url: string;
  /** SHA-256 of the package's bytes, once one answer has carried them whole (every answer has the same). */
  sha256(): string | undefined;
  close(): Promise<void>;
}

export async function startGeneratedSat(size: number): Promise<GeneratedSat> {
  let sha256: string | undefined;
  const done = (digest: string): void => {
    sha256 = digest;
  };
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.method === 'GET' && request.url === RAW_PACKAGE_PATH) {
        response.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': String(size) });
        writePackage(response, size, 'raw', done);
        return;
      }
      response.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
      if (request.url?.startsWith('/Autenticacion')) response.end(tokenAnswer());
      else writePackage(response, size, 'soap', done);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sha256: () => sha256,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
