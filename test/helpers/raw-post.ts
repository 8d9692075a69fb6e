import { connect, type Socket } from 'node:net';

export interface RawPostOptions {
  readonly headers: Readonly<Record<string, string>>;
  /** Send without Content-Length (chunked), as clients that stream a body do. */
  readonly chunked?: boolean;
  /** Stop sending once the answer has come, as a client that reads while it writes would. */
  readonly stopOnAnswer?: boolean;
  /** Announce `Connection: close` instead of asking for a persistent connection. */
  readonly close?: boolean;
  /** A Content-Length to announce instead of the true one (to see what the server reads of it). */
  readonly declaredLength?: number;
}

export interface RawAnswer {
  readonly status: number;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Body bytes this client had handed to its socket when the whole answer had arrived. */
  readonly writtenAtAnswer: number;
  readonly written: number;
  /** How sending ended when it did not end normally (the server closed a connection it stopped reading). */
  readonly sendError: string | undefined;
}

const SLICE = 256 * 1024;

interface ParsedAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The answer, once `received` holds all of it (headers and a Content-Length body). */
function parseAnswer(received: Buffer): ParsedAnswer | undefined {
  const end = received.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  if (status === 100) return parseAnswer(received.subarray(end + 4));
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const body = received.subarray(end + 4);
  if (body.length < length) return undefined;
  return { status, headers, body: body.subarray(0, length).toString('utf8') };
}

function waitForDrain(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
  });
}

/**
 * A POST written over a plain socket piece by piece (waiting for it to drain), however big, with its
 * answer. A plain socket, because node's HTTP client stops sending a body once an early answer has
 * come, which is not what a client bent on sending it all does.
 */
export function rawPost(
  url: string,
  parts: readonly (string | Buffer)[],
  options: RawPostOptions,
): Promise<RawAnswer> {
  const target = new URL(url);
  const buffers = parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part));
  const total = buffers.reduce((sum, part) => sum + part.length, 0);
  const headers: Record<string, string> = {
    Host: target.host,
    Connection: options.close ? 'close' : 'keep-alive',
    ...options.headers,
    ...(options.chunked
      ? { 'Transfer-Encoding': 'chunked' }
      : { 'Content-Length': String(options.declaredLength ?? total) }),
  };
  const head =
    `POST ${target.pathname}${target.search} HTTP/1.1\r\n` +
    Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('') +
    '\r\n';
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname);
    let received = Buffer.alloc(0);
    let answer: ParsedAnswer | undefined;
    let written = 0;
    let writtenAtAnswer = -1;
    let sendError: string | undefined;
    let sending = true;
    const finish = (): void => {
      if (answer === undefined || sending) return;
      socket.destroy();
      resolve({ ...answer, writtenAtAnswer, written, sendError });
    };
    socket.on('data', (chunk: Buffer) => {
      if (answer !== undefined) return;
      received = Buffer.concat([received, chunk]);
      answer = parseAnswer(received);
      if (answer !== undefined) {
        writtenAtAnswer = written;
        finish();
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      sendError ??= error.code ?? error.message;
      sending = false;
    });
    socket.on('close', () => {
      sending = false;
      if (answer === undefined)
        reject(new Error(`connection closed without an answer (${sendError ?? 'no error'})`));
      else finish();
    });
    void (async () => {
      socket.write(head);
      for (const part of buffers) {
        for (let offset = 0; offset < part.length; offset += SLICE) {
          if (!sending || socket.destroyed || (options.stopOnAnswer && answer !== undefined)) break;
          const slice = part.subarray(offset, offset + SLICE);
          written += slice.length;
          if (options.chunked) socket.write(`${slice.length.toString(16)}\r\n`);
          let flushed = socket.write(slice);
          if (options.chunked) flushed = socket.write('\r\n');
          if (!flushed) await waitForDrain(socket);
        }
      }
      if (sending && !socket.destroyed && options.chunked && written === total) socket.write('0\r\n\r\n');
      sending = false;
      finish();
    })();
  });
}
