import { PassThrough, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { SaxesParser } from 'saxes';
import { SatError, satErrors, type SatOperationName } from '../../errors';
import { SAT_ACCEPTED, satFaultKind } from '../shared/status-codes';

const MAX_SMALL_BODY = 8 * 1024 * 1024;

// Every SatError of a failed call carries `failure` (see SatFailure): the SAT layer only reports what
// happened; whether to retry, authenticate again or give up is the pipeline's decision.

/** No answer, or an answer cut short, after the request may have reached SAT. */
function cutShort(reason: string, cause?: unknown): SatError {
  return new SatError(satErrors.unreachable, {
    params: { reason },
    cause,
    failure: { kind: 'transport', delivered: 'unknown' },
  });
}

/**
 * An HTTP status other than 200 without a SAT answer or a Fault: a 4xx is a refusal (a wrong URL, a
 * proxy, a token refused by the gateway), a 5xx or anything else SAT's trouble; the code says which.
 */
function httpError(status: number, detail: string): SatError {
  const failure = { kind: 'http', status } as const;
  if (status >= 400 && status < 500) {
    return new SatError(satErrors.httpRefused, {
      params: { status, detail, satCode: String(status) },
      failure,
    });
  }
  return new SatError(satErrors.unexpectedAnswer, {
    params: { status, detail, ...(status >= 500 ? { satCode: String(status) } : {}) },
    failure,
  });
}

/** A body that is no readable SAT answer: "garbled" under HTTP 200, the HTTP error otherwise. */
function unreadable(status: number, detail: string): SatError {
  if (status !== 200) return httpError(status, detail);
  return new SatError(satErrors.unexpectedAnswer, {
    params: { status, detail },
    failure: { kind: 'garbled', status },
  });
}

/** Reads a small answer (everything but Descarga) whole, refusing anything absurdly large. */
export async function readSmallBody(body: Readable, status = 200): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > MAX_SMALL_BODY) {
        body.destroy();
        throw unreadable(status, 'answer too large');
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof SatError) throw error;
    // The connection broke while the answer was arriving: SAT got the request, its answer was lost.
    const reason = error instanceof Error ? error.message : String(error);
    throw cutShort(`answer cut short (${reason})`, error);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The answer's root element whatever the HTTP status; throws when it is no XML or a SOAP Fault. */
function parseAnswer(xml: string, status: number): Element {
  if (/<!DOCTYPE/i.test(xml)) throw unreadable(status, 'DTD in answer');
  let failed = false;
  let document: ReturnType<DOMParser['parseFromString']> | undefined;
  try {
    document = new DOMParser({
      onError: (level) => {
        if (level !== 'warning') failed = true;
      },
    }).parseFromString(xml, 'text/xml');
  } catch {
    failed = true;
  }
  const root = document?.documentElement;
  if (failed || !root) throw unreadable(status, xml.slice(0, 200).trim() || 'empty body');
  const fault = faultError(root, status);
  if (fault) throw fault;
  return root;
}

/** The root of an HTTP 200 answer; any other status is an error even when the body looks right. */
function parse(xml: string, status: number): Element {
  const root = parseAnswer(xml, status);
  if (status !== 200) throw httpError(status, xml.slice(0, 200).trim());
  return root;
}

function find(root: Element, localName: string): Element | undefined {
  return (Array.from(root.getElementsByTagNameNS('*', localName)) as Element[])[0];
}

/**
 * A SOAP Fault as a SatError: a refused signature or token (DM-5003, whose message points at the
 * e.firma and the clock), an action SAT no longer knows (DM-5005: this client is outdated), or SAT's
 * own trouble (DM-5002). `failure.fault` says which, whatever the HTTP status was.
 */
function faultFrom(code: string, text: string, status: number, operation?: SatOperationName): SatError {
  const fault = satFaultKind(code, text);
  const options = { failure: { kind: 'fault', fault, status } as const, ...(operation ? { operation } : {}) };
  const detail = `${code} ${text}`.trim();
  if (fault === 'security')
    return new SatError(satErrors.authenticationRefused, {
      params: { detail: text, satCode: code },
      ...options,
    });
  if (fault === 'action')
    return new SatError(satErrors.operationNotSupported, { params: { detail, satCode: code }, ...options });
  return new SatError(satErrors.unexpectedAnswer, { params: { status, detail, satCode: code }, ...options });
}

function faultError(root: Element, status: number): SatError | undefined {
  const fault = find(root, 'Fault');
  if (!fault) return undefined;
  const code = (find(fault, 'faultcode')?.textContent ?? find(fault, 'Value')?.textContent ?? '').trim();
  const text = (find(fault, 'faultstring')?.textContent ?? find(fault, 'Text')?.textContent ?? '').trim();
  return faultFrom(code, text, status);
}

export function translateAuthenticate(
  xml: string,
  status: number,
): { token: string; created: Date; expires: Date } {
  const root = parse(xml, status);
  const token = (find(root, 'AutenticaResult')?.textContent ?? '').trim();
  const created = new Date((find(root, 'Created')?.textContent ?? '').trim());
  const expires = new Date((find(root, 'Expires')?.textContent ?? '').trim());
  if (!token || Number.isNaN(expires.getTime())) throw unreadable(status, 'no token in Autentica answer');
  return { token, created, expires };
}

export interface QueryTranslation {
  readonly codEstatus: string;
  readonly mensaje: string;
  readonly idSolicitud: string | undefined;
  /** 200, or the HTTP error status of an answer that still named its IdSolicitud. */
  readonly httpStatus: number;
}

/**
 * SolicitaDescarga's answer. An answer under an HTTP error that still carries an IdSolicitud is
 * returned, not thrown: SAT has been seen to answer 404 for requests it accepted, and that id is the
 * only way to follow them (asking again gets 5005 and spends the lifetime count). `codEstatus` is
 * then whatever the answer says, possibly empty.
 */
export function translateQuery(xml: string, status: number): QueryTranslation {
  const root = parseAnswer(xml, status);
  const result = (Array.from(root.getElementsByTagNameNS('*', '*')) as Element[]).find((element) =>
    /^SolicitaDescarga\w*Result$/.test(element.localName ?? ''),
  );
  const idSolicitud = result?.getAttribute('IdSolicitud')?.trim() || undefined;
  if (status !== 200 && !(result && idSolicitud)) throw httpError(status, xml.slice(0, 200).trim());
  if (!result) throw unreadable(status, 'no SolicitaDescarga result');
  if (!result.hasAttribute('CodEstatus') && !idSolicitud)
    throw unreadable(status, 'no CodEstatus in SolicitaDescarga result');
  return {
    codEstatus: result.getAttribute('CodEstatus') ?? '',
    mensaje: result.getAttribute('Mensaje') ?? '',
    idSolicitud,
    httpStatus: status,
  };
}

export interface VerifyTranslation {
  readonly codEstatus: string;
  readonly mensaje: string;
  readonly estadoSolicitud: number;
  readonly codigoEstadoSolicitud: string | undefined;
  readonly numeroCfdis: number;
  readonly paquetes: string[];
  /** Always 200: any other status is thrown. */
  readonly httpStatus: number;
}

export function translateVerify(xml: string, status: number): VerifyTranslation {
  const root = parse(xml, status);
  const result = find(root, 'VerificaSolicitudDescargaResult');
  if (!result) throw unreadable(status, 'no VerificaSolicitudDescarga result');
  if (!result.hasAttribute('CodEstatus')) throw unreadable(status, 'no CodEstatus in Verifica result');
  return {
    codEstatus: result.getAttribute('CodEstatus') ?? '',
    mensaje: result.getAttribute('Mensaje') ?? '',
    estadoSolicitud: Number(result.getAttribute('EstadoSolicitud') ?? 0) || 0,
    codigoEstadoSolicitud: result.getAttribute('CodigoEstadoSolicitud') || undefined,
    numeroCfdis: Number(result.getAttribute('NumeroCFDIs') ?? 0) || 0,
    paquetes: (Array.from(result.getElementsByTagNameNS('*', 'IdsPaquetes')) as Element[])
      .map((element) => (element.textContent ?? '').trim())
      .filter(Boolean),
    httpStatus: status,
  };
}

export interface DownloadTranslation {
  readonly codEstatus: string;
  readonly mensaje: string;
  /** The package's ZIP bytes as they arrive; absent when SAT refused. */
  readonly paquete: Readable | undefined;
  /** Always 200: any other status is thrown. */
  readonly httpStatus: number;
}

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
  return streamDownload(body, status);
}

/** Everything before the package (envelope, header, status) is small; more than this is not SAT. */
const MAX_HEAD_CHARS = 64 * 1024;
const BASE64_TEXT = /^[A-Za-z0-9+/=\s]*$/;

/**
 * The XML parser sees only the markup: the package text is cut out of the character stream before it
 * reaches the parser (which would otherwise collect the whole text node in memory) and decoded to bytes
 * on the way, four base64 characters at a time. Backpressure from the package's reader pauses the
 * HTTP body, so memory stays at a few chunks whatever the package's size.
 *
 * Errors met once the package has started reach its reader on the `paquete` stream, after the client
 * has returned; they name their operation themselves for that reason.
 */
function streamDownload(body: Readable, status: number): Promise<DownloadTranslation> {
  return new Promise((resolve, reject) => {
    const parser = new SaxesParser({ xmlns: true });
    let mode: 'head' | 'package' | 'tail' = 'head';
    let headChars = 0;
    let answer: { codEstatus: string; mensaje: string } | undefined;
    let output: PassThrough | undefined;
    let carry = '';
    let bytes = 0;
    let settled = false;
    let faultSeen = false;
    const faultParts = { code: '', text: '' };
    let faultField: keyof typeof faultParts | undefined;

    const operation: SatOperationName = 'descarga';
    const unexpected = (detail: string): SatError =>
      new SatError(satErrors.unexpectedAnswer, {
        params: { status, detail },
        failure: { kind: 'garbled', status },
        operation,
      });
    const lost = (reason: string, cause?: unknown): SatError =>
      new SatError(satErrors.unreachable, {
        params: { reason },
        cause,
        failure: { kind: 'transport', delivered: 'unknown' },
        operation,
      });
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
        if (answer?.codEstatus === SAT_ACCEPTED) {
          output = new PassThrough();
          // An error may come before the caller starts reading; it stays on the stream (`errored`) and
          // reaches the reader through pipeline() or for-await instead of crashing the process now.
          output.on('error', () => undefined);
          // The reader gave up on the package (or failed): stop receiving it.
          output.once('close', () => {
            if (mode === 'package') body.destroy();
          });
          settle({ ...answer, paquete: output, httpStatus: status });
        }
      }
    });
    parser.on('text', (text) => {
      if (faultField) faultParts[faultField] += text;
    });
    parser.on('closetag', () => {
      faultField = undefined;
    });
    parser.on('error', (error) => fail(unexpected(error.message)));

    /**
     * SAT sends the package as one unbroken base64 line. Node's decoder skips what is not base64 and
     * stops at padding, so a run of n characters that decodes to 3n/4 bytes was all base64: no regular
     * expression has to read hundreds of MB. Anything else (line breaks, padding, garbage) takes the
     * checked path, for the rest of the package once seen.
     */
    let unbroken = true;
    const decodeUnbroken = (text: string): { decoded: Buffer; rest: string } | undefined => {
      const data = carry + text;
      const whole = data.length - (data.length % 4);
      const decoded = Buffer.from(data.slice(0, whole), 'base64');
      const rest = data.slice(whole);
      if (decoded.length !== (whole / 4) * 3 || !BASE64_TEXT.test(rest) || /\s/.test(rest)) return undefined;
      return { decoded, rest };
    };
    const writePackage = (text: string): void => {
      if (!output) {
        if (!BASE64_TEXT.test(text)) throw unexpected('the package is not base64');
        return; // a refusal with text in Paquete: nothing to keep
      }
      const fast = unbroken ? decodeUnbroken(text) : undefined;
      let decoded: Buffer;
      if (fast) {
        decoded = fast.decoded;
        carry = fast.rest;
      } else {
        unbroken = false;
        if (!BASE64_TEXT.test(text)) throw unexpected('the package is not base64');
        const data = carry + text.replace(/\s+/g, '');
        const whole = data.length - (data.length % 4);
        carry = data.slice(whole);
        decoded = Buffer.from(data.slice(0, whole), 'base64');
      }
      if (decoded.length === 0) return;
      bytes += decoded.length;
      if (!output.write(decoded)) {
        body.pause();
        output.once('drain', () => body.resume());
      }
    };
    const endPackage = (): void => {
      if (!output) return;
      if (carry) {
        const tail = Buffer.from(carry, 'base64');
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

    const decoder = new StringDecoder('utf8');
    body.on('data', (chunk: Buffer) => {
      try {
        feed(decoder.write(chunk));
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
      if (!output && answer.codEstatus === SAT_ACCEPTED) {
        fail(unexpected('no package in an accepted answer'));
        return;
      }
      settle({ ...answer, paquete: undefined, httpStatus: status });
    });
  });
}
