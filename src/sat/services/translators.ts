import { PassThrough, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { SaxesParser } from 'saxes';
import { SatError, satErrors } from '../../errors';

const MAX_SMALL_BODY = 8 * 1024 * 1024;

/** Reads a small answer (everything but Descarga) whole, refusing anything absurdly large. */
export async function readSmallBody(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > MAX_SMALL_BODY) {
        body.destroy();
        throw new SatError(satErrors.unexpectedAnswer, {
          params: { status: 200, detail: 'answer too large' },
        });
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof SatError) throw error;
    // The connection broke while the answer was arriving: the same call may well work next time.
    const reason = error instanceof Error ? error.message : String(error);
    throw new SatError(satErrors.unreachable, {
      params: { reason: `answer cut short (${reason})` },
      cause: error,
    });
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * What a failed HTTP exchange means: server trouble (5xx, no status) may pass, a 4xx will not (a wrong
 * URL or a proxy refusing us), and garbage with a 200 is taken as a passing fault of something between.
 */
function httpError(status: number, detail: string): SatError {
  if (status >= 400 && status < 500) {
    return new SatError(satErrors.httpRefused, { params: { status, detail, satCode: String(status) } });
  }
  return new SatError(satErrors.unexpectedAnswer, {
    params: { status, detail, ...(status >= 500 ? { satCode: String(status) } : {}) },
  });
}

function parse(xml: string, status: number): Element {
  if (/<!DOCTYPE/i.test(xml)) throw httpError(status, 'DTD in answer');
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
  if (failed || !root) throw httpError(status, xml.slice(0, 200).trim() || 'empty body');
  const fault = faultError(root, status);
  if (fault) throw fault;
  if (status !== 200) throw httpError(status, xml.slice(0, 200).trim());
  return root;
}

function find(root: Element, localName: string): Element | undefined {
  return (Array.from(root.getElementsByTagNameNS('*', localName)) as Element[])[0];
}

/**
 * A SOAP Fault as a SatError. InvalidSecurity is a refusal of the e.firma or the token; an action SAT
 * no longer knows means this client is outdated (v1.4's SolicitaDescarga after 2025-05-30); anything
 * else is SAT's own trouble, worth another try later.
 */
function faultError(root: Element, status: number): SatError | undefined {
  const fault = find(root, 'Fault');
  if (!fault) return undefined;
  const code = (find(fault, 'faultcode')?.textContent ?? find(fault, 'Value')?.textContent ?? '').trim();
  const text = (find(fault, 'faultstring')?.textContent ?? find(fault, 'Text')?.textContent ?? '').trim();
  const detail = `${code} ${text}`.trim();
  if (/InvalidSecurity|FailedAuthentication/i.test(code))
    return new SatError(satErrors.authenticationRefused, { params: { detail: text, satCode: code } });
  if (/ActionNotSupported|ContractFilter/i.test(detail))
    return new SatError(satErrors.operationNotSupported, { params: { detail, satCode: code } });
  return new SatError(satErrors.unexpectedAnswer, { params: { status, detail, satCode: code } });
}

export function translateAuthenticate(
  xml: string,
  status: number,
): { token: string; created: Date; expires: Date } {
  const root = parse(xml, status);
  const token = (find(root, 'AutenticaResult')?.textContent ?? '').trim();
  const created = new Date((find(root, 'Created')?.textContent ?? '').trim());
  const expires = new Date((find(root, 'Expires')?.textContent ?? '').trim());
  if (!token || Number.isNaN(expires.getTime())) {
    throw new SatError(satErrors.unexpectedAnswer, {
      params: { status, detail: 'no token in Autentica answer' },
    });
  }
  return { token, created, expires };
}

export function translateQuery(
  xml: string,
  status: number,
): { codEstatus: string; mensaje: string; idSolicitud: string | undefined } {
  const root = parse(xml, status);
  const result = (Array.from(root.getElementsByTagNameNS('*', '*')) as Element[]).find((element) =>
    /^SolicitaDescarga\w*Result$/.test(element.localName ?? ''),
  );
  if (!result)
    throw new SatError(satErrors.unexpectedAnswer, {
      params: { status, detail: 'no SolicitaDescarga result' },
    });
  return {
    codEstatus: result.getAttribute('CodEstatus') ?? '',
    mensaje: result.getAttribute('Mensaje') ?? '',
    idSolicitud: result.getAttribute('IdSolicitud') || undefined,
  };
}

export interface VerifyTranslation {
  readonly codEstatus: string;
  readonly mensaje: string;
  readonly estadoSolicitud: number;
  readonly codigoEstadoSolicitud: string | undefined;
  readonly numeroCfdis: number;
  readonly paquetes: string[];
}

export function translateVerify(xml: string, status: number): VerifyTranslation {
  const root = parse(xml, status);
  const result = find(root, 'VerificaSolicitudDescargaResult');
  if (!result)
    throw new SatError(satErrors.unexpectedAnswer, {
      params: { status, detail: 'no VerificaSolicitudDescarga result' },
    });
  return {
    codEstatus: result.getAttribute('CodEstatus') ?? '',
    mensaje: result.getAttribute('Mensaje') ?? '',
    estadoSolicitud: Number(result.getAttribute('EstadoSolicitud') ?? 0) || 0,
    codigoEstadoSolicitud: result.getAttribute('CodigoEstadoSolicitud') || undefined,
    numeroCfdis: Number(result.getAttribute('NumeroCFDIs') ?? 0) || 0,
    paquetes: (Array.from(result.getElementsByTagNameNS('*', 'IdsPaquetes')) as Element[])
      .map((element) => (element.textContent ?? '').trim())
      .filter(Boolean),
  };
}

export interface DownloadTranslation {
  readonly codEstatus: string;
  readonly mensaje: string;
  /** The package's ZIP bytes as they arrive; absent when SAT refused. */
  readonly paquete: Readable | undefined;
}

/**
 * Descarga answers carry the status in the SOAP header and the package, base64, in the body: hundreds
 * of MB in one text node. The answer is parsed as a stream; the status resolves as soon as the header
 * has passed and the package is decoded into a stream as its text arrives.
 */
export async function translateDownload(body: Readable, status: number): Promise<DownloadTranslation> {
  // A refusal (a Fault, an HTTP error) is small and carries no package: read it whole and classify it.
  if (status !== 200) {
    parse(await readSmallBody(body), status);
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

    const unexpected = (detail: string): SatError =>
      new SatError(satErrors.unexpectedAnswer, { params: { status, detail } });
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
        answer = {
          codEstatus: String(tag.attributes.CodEstatus?.value ?? ''),
          mensaje: String(tag.attributes.Mensaje?.value ?? ''),
        };
      } else if (tag.local === 'Fault') {
        faultSeen = true;
      } else if (tag.local === 'Paquete' && !tag.isSelfClosing) {
        mode = 'package';
        if (answer?.codEstatus === '5000') {
          output = new PassThrough();
          // An error may come before the caller starts reading; it stays on the stream (`errored`) and
          // reaches the reader through pipeline() or for-await instead of crashing the process now.
          output.on('error', () => undefined);
          // The reader gave up on the package (or failed): stop receiving it.
          output.once('close', () => {
            if (mode === 'package') body.destroy();
          });
          settle({ ...answer, paquete: output });
        }
      }
    });
    parser.on('error', (error) => fail(unexpected(error.message)));

    const writePackage = (text: string): void => {
      if (!BASE64_TEXT.test(text)) throw unexpected('the package is not base64');
      if (!output) return; // a refusal with text in Paquete: nothing to keep
      const data = carry + text.replace(/\s+/g, '');
      const whole = data.length - (data.length % 4);
      carry = data.slice(whole);
      if (whole === 0) return;
      const decoded = Buffer.from(data.slice(0, whole), 'base64');
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
    body.on('error', (error) =>
      fail(new SatError(satErrors.unreachable, { params: { reason: error.message }, cause: error })),
    );
    body.on('end', () => {
      if (mode === 'package') {
        fail(new SatError(satErrors.unreachable, { params: { reason: 'package truncated' } }));
        return;
      }
      try {
        parser.close();
      } catch (error) {
        fail(unexpected(error instanceof Error ? error.message : String(error)));
        return;
      }
      if (faultSeen || !answer) {
        fail(unexpected(faultSeen ? 'SOAP Fault' : 'no status header'));
        return;
      }
      settle({ ...answer, paquete: undefined });
    });
  });
}
