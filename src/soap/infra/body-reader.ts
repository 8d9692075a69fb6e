import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { PayloadTooLargeError, generalErrors } from '../../errors';
import type { AuthenticatedApiUser } from './authentication';
import { malformedEnvelope } from './soap-errors';

/**
 * Reads the request body itself (leaving a Buffer in `request.body`, which the envelope guard then
 * takes as read) and may authenticate the caller from its beginning, for bindings whose credential
 * travels inside the body.
 */
export type BodyGate = (request: Request, response: Response) => Promise<AuthenticatedApiUser | undefined>;

/** Runs a gate; the caller it authenticated becomes the call's principal. */
export function applyBodyGate(gate: BodyGate): RequestHandler {
  return async (request, response, next) => {
    const principal = await gate(request, response);
    if (principal !== undefined) response.locals.principal = principal;
    next();
  };
}

// What the raw body parser of the other binding inflates too, so a client sees no difference.
const DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

function tooLarge(limitBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(generalErrors.payloadTooLarge, { params: { limitBytes } });
}

/**
 * A request body read step by step, so a caller can decide from its beginning whether the rest is
 * worth reading. Bytes counted are decoded bytes (after Content-Encoding); more than `maxBytes` is
 * never kept, and a declared Content-Length over it is refused before anything is read.
 */
export class BodyReader {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private ended = false;
  private failure: unknown;

  private constructor(
    private readonly request: IncomingMessage,
    private readonly source: Readable,
    private readonly maxBytes: number,
  ) {}

  /** Starts reading `request` (paused until the first read); throws 413 for a declared length over the limit. */
  static open(request: IncomingMessage, maxBytes: number): BodyReader {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
    const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    let source: Readable = request;
    if (encoding !== 'identity') {
      const decoder = Object.hasOwn(DECODERS, encoding) ? DECODERS[encoding] : undefined;
      if (decoder === undefined) throw malformedEnvelope();
      const inflater = decoder();
      request.pipe(inflater);
      source = inflater;
    }
    const reader = new BodyReader(request, source, maxBytes);
    source.pause();
    source.once('end', () => (reader.ended = true));
    // A client that goes away mid-body, or a broken compressed stream, ends every read in progress.
    source.on('error', (error: unknown) => (reader.failure ??= error));
    request.once('close', () => {
      if (!request.complete) reader.failure ??= new Error('request aborted');
    });
    return reader;
  }

  get complete(): boolean {
    return this.ended;
  }

  /** Decoded bytes kept so far. */
  get bytesRead(): number {
    return this.bytes;
  }

  /** Everything kept so far, as one buffer. */
  body(): Buffer {
    return Buffer.concat(this.chunks, this.bytes);
  }

  /**
   * Keeps reading, handing each chunk to `inspect` until it answers true or the body ends; resolves
   * whether the body ended.
   */
  readUntil(inspect: (chunk: Buffer) => boolean): Promise<boolean> {
    return this.pump((chunk) => {
      this.keep(chunk);
      return inspect(chunk);
    });
  }

  /** Reads the rest, up to `maxBytes` in all (413 beyond). */
  async readToEnd(): Promise<Buffer> {
    await this.pump((chunk) => {
      this.keep(chunk);
      return false;
    });
    return this.body();
  }

  /**
   * Reads and drops the rest without keeping it, once the answer is out, so a client still sending
   * gets its answer on a connection that stays usable; past `maxBytes` the connection is closed
   * instead. Until the answer is out (it may wait for an audit commit) nothing more is read: the
   * client is held back by its own socket rather than streaming bytes nobody wants.
   */
  discardRest(response: ServerResponse): void {
    this.chunks.length = 0;
    if (response.writableFinished) this.drain();
    else response.once('finish', () => this.drain());
  }

  private drain(): void {
    let seen = this.bytes;
    this.pump((chunk) => {
      seen += chunk.length;
      return seen > this.maxBytes;
    }).then(
      // The answer is out: a body longer than the limit is not worth reading to keep the connection.
      (ended) => {
        if (!ended) this.request.socket.destroy();
      },
      () => undefined,
    );
  }

  private keep(chunk: Buffer): void {
    if (this.bytes + chunk.length > this.maxBytes) throw tooLarge(this.maxBytes);
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  private pump(onChunk: (chunk: Buffer) => boolean): Promise<boolean> {
    const source = this.source;
    return new Promise<boolean>((resolve, reject) => {
      const settle = (outcome: () => void): void => {
        source.off('data', onData);
        source.off('end', onEnd);
        source.off('error', onError);
        this.request.off('close', onClose);
        source.pause();
        outcome();
      };
      const onData = (chunk: Buffer): void => {
        try {
          if (onChunk(chunk)) settle(() => resolve(false));
        } catch (error) {
          settle(() => reject(error));
        }
      };
      const onEnd = (): void => settle(() => resolve(true));
      const onError = (error: unknown): void => settle(() => reject(malformedEnvelope(error)));
      const onClose = (): void => {
        if (!this.request.complete) settle(() => reject(malformedEnvelope(new Error('request aborted'))));
      };
      if (this.ended) return resolve(true);
      if (this.failure !== undefined) return reject(malformedEnvelope(this.failure));
      source.on('data', onData);
      source.once('end', onEnd);
      source.once('error', onError);
      this.request.once('close', onClose);
      source.resume();
    });
  }
}
