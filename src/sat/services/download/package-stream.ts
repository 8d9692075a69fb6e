import { PassThrough, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import type { SatError, SatOperationName } from '../../../errors';
import { SatCode } from '../sat-code';
import { cutShort, faultFrom, unreadable } from '../soap-answer';
import { Base64Decoder, isBase64Text } from './base64-decoder';
import type { DownloadTranslation } from './download-result';

/** Everything before the package (envelope, header, status) is small; more than this is not SAT. */
const MAX_HEAD_CHARS = 64 * 1024;

/**
 * Reads a Descarga answer of HTTP 200 as it arrives. The XML parser sees only the markup: the package
 * text is cut out of the character stream before it reaches the parser (which would otherwise collect
 * the whole text node in memory) and decoded to bytes on the way. Backpressure from the package's
 * reader pauses the HTTP body, so memory stays at a few chunks whatever the package's size.
 *
 * Errors met once the package has started reach its reader on the `paquete` stream, after the client
 * has returned; they name their operation themselves for that reason.
 */
export function streamPackageAnswer(body: Readable, status: number): Promise<DownloadTranslation> {
  return new Promise((resolve, reject) => {
    const parser = new SaxesParser({ xmlns: true });
    let mode: 'head' | 'package' | 'tail' = 'head';
    let headChars = 0;
    let answer: { codEstatus: string; mensaje: string } | undefined;
    let output: PassThrough | undefined;
    const decoder = new Base64Decoder();
    let bytes = 0;
    let settled = false;
    let faultSeen = false;
    const faultParts = { code: '', text: '' };
    let faultField: keyof typeof faultParts | undefined;

    const operation: SatOperationName = 'descarga';
    const unexpected = (detail: string): SatError => unreadable(status, detail, operation);
    const lost = (reason: string, cause?: unknown): SatError => cutShort(reason, cause, operation);
    const accepted = (): boolean => answer !== undefined && new SatCode(answer.codEstatus).isAccepted();
    const settle = (value: DownloadTranslation): void => {
      if (!settled) {
        settled = true;
        resolve(value);
      }
    };
    const fail = (error: Error): void => {
      body.destroy();
      if (output) output.destroy(error);
      else if (!settled) {
        settled = true;
        reject(error);
      }
    };

    const startPackage = (): void => {
      if (!answer || !accepted()) return;
      output = new PassThrough();
      // An error may come before the caller starts reading; it stays on the stream (`errored`) and
      // reaches the reader through pipeline() or for-await instead of crashing the process now.
      output.on('error', () => undefined);
      // The reader gave up on the package (or failed): stop receiving it.
      output.once('close', () => {
        if (mode === 'package') body.destroy();
      });
      settle({ ...answer, paquete: output, httpStatus: status });
    };

    parser.on('opentag', (tag) => {
      if (tag.local === 'respuesta') {
        if (tag.attributes.CodEstatus === undefined) return;
        answer = {
          codEstatus: String(tag.attributes.CodEstatus.value),
          mensaje: String(tag.attributes.Mensaje?.value ?? ''),
        };
      } else if (tag.local === 'Fault') {
        faultSeen = true;
      } else if (faultSeen && (tag.local === 'faultcode' || tag.local === 'Value')) {
        faultField = 'code';
      } else if (faultSeen && (tag.local === 'faultstring' || tag.local === 'Text')) {
        faultField = 'text';
      } else if (tag.local === 'Paquete' && !tag.isSelfClosing) {
        mode = 'package';
        startPackage();
      }
    });
    parser.on('text', (text) => {
      if (faultField) faultParts[faultField] += text;
    });
    parser.on('closetag', () => {
      faultField = undefined;
    });
    parser.on('error', (error) => fail(unexpected(error.message)));

    const writeBytes = (chunk: Buffer, target: PassThrough): void => {
      bytes += chunk.length;
      if (!target.write(chunk)) {
        body.pause();
        target.once('drain', () => body.resume());
      }
    };
    const writePackage = (text: string): void => {
      if (!output) {
        if (!isBase64Text(text)) throw unexpected('the package is not base64');
        return; // a refusal with text in Paquete: nothing to keep
      }
      const decoded = decoder.write(text);
      if (!decoded) throw unexpected('the package is not base64');
      if (decoded.length > 0) writeBytes(decoded, output);
    };
    const endPackage = (): void => {
      if (!output) return;
      const tail = decoder.end();
      if (tail) {
        bytes += tail.length;
        output.write(tail);
      }
      // "Accepted" with nothing inside is not a package; storing it would pass an empty ZIP on.
      if (bytes === 0) output.destroy(unexpected('empty package'));
      else output.end();
    };

    const feed = (text: string): void => {
      let rest = text;
      while (rest.length > 0) {
        if (mode === 'tail') {
          parser.write(rest);
          return;
        }
        if (mode === 'package') {
          const markup = rest.indexOf('<');
          writePackage(markup === -1 ? rest : rest.slice(0, markup));
          if (markup === -1) return;
          mode = 'tail';
          endPackage();
          rest = rest.slice(markup);
          continue;
        }
        // Markup is fed one tag at a time so that nothing past the Paquete start tag reaches the parser.
        const tagEnd = rest.indexOf('>');
        const piece = tagEnd === -1 ? rest : rest.slice(0, tagEnd + 1);
        headChars += piece.length;
        if (headChars > MAX_HEAD_CHARS) throw unexpected('no package after 64 KB of answer');
        parser.write(piece);
        rest = tagEnd === -1 ? '' : rest.slice(tagEnd + 1);
      }
    };

    const utf8 = new StringDecoder('utf8');
    body.on('data', (chunk: Buffer) => {
      try {
        feed(utf8.write(chunk));
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
    body.on('error', (error) => fail(lost(error.message, error)));
    body.on('end', () => {
      if (mode === 'package') {
        fail(lost('package truncated'));
        return;
      }
      try {
        parser.close();
      } catch (error) {
        fail(unexpected(error instanceof Error ? error.message : String(error)));
        return;
      }
      if (faultSeen) {
        fail(faultFrom(faultParts.code.trim(), faultParts.text.trim(), status, operation));
        return;
      }
      if (!answer) {
        fail(unexpected('no status header'));
        return;
      }
      // "Accepted" without a Paquete element (or an empty one): no package to pass on.
      if (!output && accepted()) {
        fail(unexpected('no package in an accepted answer'));
        return;
      }
      settle({ ...answer, paquete: undefined, httpStatus: status });
    });
  });
}
