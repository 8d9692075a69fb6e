import type { Readable } from 'node:stream';
import type { Response } from 'express';

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Far enough into the package to fall inside the first entry's compressed data, not its header. */
const CORRUPTED_CHAR = 200;

/**
 * The Descarga answer with one base64 character of the package replaced by another valid one: the
 * envelope stays well-formed and the base64 decodes, but one byte of the ZIP differs.
 */
export async function* corrupted(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  let index = 0;
  let consumed = 0;
  let done = false;
  for await (const piece of pieces) {
    index += 1;
    // The first piece is the envelope up to <Paquete>; the last one closes it.
    if (done || index === 1 || piece.startsWith('</Paquete>')) {
      yield piece;
      continue;
    }
    const at = CORRUPTED_CHAR - consumed;
    consumed += piece.length;
    const original = piece[at];
    if (original === undefined || !BASE64_ALPHABET.includes(original)) {
      yield piece;
      continue;
    }
    done = true;
    const replaced = BASE64_ALPHABET[(BASE64_ALPHABET.indexOf(original) + 1) % 64] as string;
    yield piece.slice(0, at) + replaced + piece.slice(at + 1);
  }
}

/** The envelope's start, part of the package, a pause of `stallMs`, then the rest. */
export function stalledMidPackage(answer: Readable, response: Response, stallMs: number): void {
  let pieces = 0;
  answer.on('data', (piece: string) => {
    pieces += 1;
    if (pieces !== 2) {
      response.write(piece);
      return;
    }
    const half = Math.ceil(piece.length / 2);
    response.write(piece.slice(0, half));
    answer.pause();
    setTimeout(() => {
      if (response.destroyed) {
        answer.destroy();
        return;
      }
      response.write(piece.slice(half));
      answer.resume();
    }, stallMs);
  });
  answer.on('end', () => response.end());
}

/** The envelope's start and half of the first piece of the package, then the connection dies. */
export function droppedMidPackage(answer: Readable, response: Response): void {
  let pieces = 0;
  answer.on('data', (piece: string) => {
    pieces += 1;
    if (pieces < 2) {
      response.write(piece);
      return;
    }
    answer.destroy();
    response.write(piece.slice(0, Math.ceil(piece.length / 2)), () => response.socket?.destroy());
  });
}
