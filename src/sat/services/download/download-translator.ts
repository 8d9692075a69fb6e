import type { Readable } from 'node:stream';
import { httpError, parseAnswer, readSmallBody } from '../soap-answer';
import type { DownloadTranslation } from './download-result';
import { streamPackageAnswer } from './package-stream';

/**
 * Descarga answers carry the status in the SOAP header and the package, base64, in the body: hundreds
 * of MB in one text node. The answer is parsed as a stream; the status resolves as soon as the header
 * has passed and the package is decoded into a stream as its text arrives.
 */
export async function translateDownload(body: Readable, status: number): Promise<DownloadTranslation> {
  // A refusal (a Fault, an HTTP error) is small and carries no package: read it whole and classify it.
  if (status !== 200) {
    parseAnswer(await readSmallBody(body, status), status);
    throw httpError(status, 'no package in the answer');
  }
  return streamPackageAnswer(body, status);
}
