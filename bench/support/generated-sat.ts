/**
 * A stand-in for SAT's Descargar that answers with a generated package of a given size, produced on
 * the fly as base64 inside the SOAP body (never held whole). Autentica answers with a real-format token.
 * Used by bench/download-stream.ts and the client's memory test.
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

/** Writes `size` pseudo-random bytes as base64, 48 KB at a time, honouring backpressure. */
function writePackage(
  response: http.ServerResponse,
  size: number,
  hash: ReturnType<typeof createHash>,
): void {
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
      if (!response.write(chunk.toString('base64'))) {
        response.once('drain', pump);
        return;
      }
    }
    response.end(TAIL);
  };
  response.write(HEAD);
  pump();
}

export interface GeneratedSat {
  readonly url: string;
  /** SHA-256 of the bytes sent so far (complete once a download has ended). */
  sha256(): string;
  close(): Promise<void>;
}

export async function startGeneratedSat(size: number): Promise<GeneratedSat> {
  const hash = createHash('sha256');
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
      if (request.url?.startsWith('/Autenticacion')) response.end(tokenAnswer());
      else writePackage(response, size, hash);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sha256: () => hash.copy().digest('hex'),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
