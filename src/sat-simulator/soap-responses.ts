import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { MESSAGES, NS } from './protocol';
import { escapeXml } from './xml';

const BODY_OPEN = `<s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">`;

function envelope(body: string, header = ''): string {
  return `<s:Envelope xmlns:s="${NS.soap}">${header}${BODY_OPEN}${body}</s:Body></s:Envelope>`;
}

export function message(code: string): string {
  return MESSAGES[code] ?? 'Error no Controlado';
}

export function autenticaResponse(token: string, created: Date, expires: Date): string {
  return (
    `<s:Envelope xmlns:s="${NS.soap}" xmlns:u="${NS.wsu}"><s:Header><o:Security s:mustUnderstand="1" xmlns:o="${NS.wsse}">` +
    `<u:Timestamp u:Id="_0"><u:Created>${created.toISOString()}</u:Created><u:Expires>${expires.toISOString()}</u:Expires></u:Timestamp>` +
    `</o:Security></s:Header><s:Body><AutenticaResponse xmlns="${NS.auth}"><AutenticaResult>${escapeXml(token)}</AutenticaResult>` +
    `</AutenticaResponse></s:Body></s:Envelope>`
  );
}

/** `a:InvalidSecurity`, as SAT answers a bad Autentica. */
export function invalidSecurityFault(): string {
  return (
    `<s:Envelope xmlns:s="${NS.soap}"><s:Body><s:Fault><faultcode xmlns:a="${NS.wsse}">a:InvalidSecurity</faultcode>` +
    `<faultstring xml:lang="en-US">An error occurred when verifying security for the message.</faultstring></s:Fault></s:Body></s:Envelope>`
  );
}

/** What WCF answers an action the service does not have (the retired SolicitaDescarga, a typo). */
export function actionNotSupportedFault(action: string): string {
  return (
    `<s:Envelope xmlns:s="${NS.soap}"><s:Body><s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/ws/2005/05/addressing/none">a:ActionNotSupported</faultcode>` +
    `<faultstring xml:lang="en-US">The message with Action '${escapeXml(action)}' cannot be processed at the receiver, due to a ContractFilter mismatch at the EndpointDispatcher. ` +
    `This may be because of either a contract mismatch (mismatched Actions between sender and receiver) or a binding/security mismatch between the sender and the receiver.  ` +
    `Check that sender and receiver have the same contract and the same binding (including security requirements, e.g. Message, Transport, None).</faultstring></s:Fault></s:Body></s:Envelope>`
  );
}

export function internalErrorFault(): string {
  return (
    `<s:Envelope xmlns:s="${NS.soap}"><s:Body><s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher">a:InternalServiceFault</faultcode>` +
    `<faultstring xml:lang="es-MX">The server was unable to process the request due to an internal error.</faultstring></s:Fault></s:Body></s:Envelope>`
  );
}

/**
 * The Result of a Solicitud. A 301 may carry SAT's detail after the message ("XML Mal Formado:<why>");
 * an accepted request names its RfcSolicitante, as SAT's v1.5 examples do.
 */
export function solicitaResponse(
  operation: string,
  codEstatus: string,
  idSolicitud?: string,
  detail?: string,
  rfcSolicitante?: string,
): string {
  const id = idSolicitud ? ` IdSolicitud="${idSolicitud}"` : '';
  const rfc = idSolicitud && rfcSolicitante ? ` RfcSolicitante="${escapeXml(rfcSolicitante)}"` : '';
  const mensaje = detail ? `${message(codEstatus)}:${detail}` : message(codEstatus);
  return envelope(
    `<${operation}Response xmlns="${NS.des}"><${operation}Result${id}${rfc} CodEstatus="${codEstatus}" Mensaje="${escapeXml(mensaje)}"/></${operation}Response>`,
  );
}

export function verificaResponse(result: {
  codEstatus: string;
  estado: number;
  codigoEstado?: string;
  numeroCfdis: number;
  paquetes: readonly string[];
}): string {
  const codigo = result.codigoEstado ? ` CodigoEstadoSolicitud="${result.codigoEstado}"` : '';
  const paquetes = result.paquetes.map((id) => `<IdsPaquetes>${id}</IdsPaquetes>`).join('');
  return envelope(
    `<VerificaSolicitudDescargaResponse xmlns="${NS.des}"><VerificaSolicitudDescargaResult CodEstatus="${result.codEstatus}" ` +
      `EstadoSolicitud="${result.estado}"${codigo} NumeroCFDIs="${result.numeroCfdis}" Mensaje="${escapeXml(message(result.codEstatus))}">` +
      `${paquetes}</VerificaSolicitudDescargaResult></VerificaSolicitudDescargaResponse>`,
  );
}

function descargaHeader(codEstatus: string): string {
  return (
    `<s:Header><h:respuesta CodEstatus="${codEstatus}" Mensaje="${escapeXml(message(codEstatus))}" xmlns:h="${NS.des}" ` +
    `xmlns="${NS.des}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></s:Header>`
  );
}

export function descargaRefused(codEstatus: string): string {
  return envelope(
    `<RespuestaDescargaMasivaTercerosSalida xmlns="${NS.des}"><Paquete/></RespuestaDescargaMasivaTercerosSalida>`,
    descargaHeader(codEstatus),
  );
}

/** Base64 of a byte stream, emitted as it flows (3-byte groups carried over between chunks). */
class Base64Encoder extends Transform {
  private rest = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const data = Buffer.concat([this.rest, chunk]);
    const whole = data.length - (data.length % 3);
    this.rest = data.subarray(whole);
    callback(null, data.subarray(0, whole).toString('base64'));
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.rest.toString('base64'));
  }
}

/** The Descarga answer with the ZIP streamed inside `Paquete`, never held whole in memory. */
export async function* descargaStream(zip: Readable): AsyncGenerator<string> {
  const open = `<s:Envelope xmlns:s="${NS.soap}">${descargaHeader('5000')}${BODY_OPEN}<RespuestaDescargaMasivaTercerosSalida xmlns="${NS.des}"><Paquete>`;
  yield open;
  for await (const piece of zip.pipe(new Base64Encoder())) yield String(piece);
  yield `</Paquete></RespuestaDescargaMasivaTercerosSalida></s:Body></s:Envelope>`;
}
