import {
  AppError,
  type ErrorKind,
  InternalError,
  PayloadTooLargeError,
  ValidationError,
  generalErrors,
} from '../../errors';
import { soapErrors } from './soap-errors';
import { type SoapVersion, contentTypeOf, envelopeNamespaceOf } from './soap-version';
import { escapeXml } from './xml-text';

/** The element inside the Fault's detail that carries our code; each binding's contract names its own. */
export interface FaultDetailElement {
  readonly namespace: string;
  readonly name: string;
  /** Prefix used in the answer (cosmetic; clients match the namespace). */
  readonly prefix?: string;
}

export const DESCARGA_MASIVA_FAULT_DETAIL: FaultDetailElement = Object.freeze({
  namespace: 'urn:descarga-masiva:v1',
  name: 'Falla',
  prefix: 'dm',
});

/** Contract v2 (wsdl/v2) declares its own Falla, in its own namespace. */
export const DESCARGA_MASIVA_V2_FAULT_DETAIL: FaultDetailElement = Object.freeze({
  namespace: 'urn:descarga-masiva:v2',
  name: 'Falla',
  prefix: 'dm',
});

export interface FaultContext {
  readonly version: SoapVersion;
  readonly requestId: string;
  readonly detail: FaultDetailElement;
}

/** A complete HTTP answer carrying a SOAP Fault. */
export interface SoapFaultResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The error the Fault stands for (for logs and audit), never sent as is. */
  readonly error: AppError;
}

const CLIENT_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'validation',
  'authentication',
  'authorization',
  'not-found',
  'conflict',
  'rate-limit',
  'payload-too-large',
]);

interface HttpParserError {
  readonly type?: unknown;
  readonly status?: unknown;
  readonly limit?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Whatever was thrown becomes an AppError: AppErrors as they are, errors of the raw body parser as
 * their SOAP meaning, anything else as the generic internal error that only names the request id.
 */
export function toPublicError(error: unknown, requestId: string): AppError {
  // A configuration error names settings; callers only need to know the service failed.
  if (error instanceof AppError && error.kind !== 'configuration') return error;
  if (isObject(error) && !(error instanceof AppError)) {
    const parserError = error as HttpParserError;
    if (parserError.type === 'entity.too.large' || parserError.status === 413) {
      const limitBytes = typeof parserError.limit === 'number' ? parserError.limit : 'N';
      return new PayloadTooLargeError(generalErrors.payloadTooLarge, {
        params: { limitBytes },
        cause: error,
      });
    }
    const type = typeof parserError.type === 'string' ? parserError.type : '';
    if (type === 'request.aborted' || type === 'request.size.invalid' || type.startsWith('encoding.')) {
      return new ValidationError(soapErrors.malformedEnvelope, { cause: error });
    }
  }
  return new InternalError(generalErrors.internal, { params: { requestId }, cause: error });
}

export function isClientFault(error: AppError): boolean {
  return CLIENT_KINDS.has(error.kind);
}

function httpStatusOf(error: AppError, version: SoapVersion): number {
  if (error.kind === 'payload-too-large') return 413;
  if (error.kind === 'rate-limit') return 429;
  if (version === '1.1') return 500;
  return isClientFault(error) ? 400 : 500;
}

function fieldOf(error: AppError): string | undefined {
  if (error instanceof ValidationError) return error.field;
  const field = error.params.field;
  return typeof field === 'string' ? field : undefined;
}

function detailXml(error: AppError, context: FaultContext): string {
  const { namespace, name } = context.detail;
  const prefix = context.detail.prefix ?? 'f';
  const child = (tag: string, text: string): string =>
    `<${prefix}:${tag}>${escapeXml(text)}</${prefix}:${tag}>`;
  const field = fieldOf(error);
  return (
    `<${prefix}:${name} xmlns:${prefix}="${escapeXml(namespace)}">` +
    child('Codigo', error.code) +
    child('Mensaje', error.messageEs) +
    child('MensajeEn', error.messageEn) +
    (field === undefined ? '' : child('Campo', field)) +
    child('IdPeticion', context.requestId) +
    `</${prefix}:${name}>`
  );
}

function faultXml(error: AppError, context: FaultContext): string {
  const client = isClientFault(error);
  const detail = detailXml(error, context);
  if (context.version === '1.1') {
    return (
      `<soap:Fault><faultcode>soap:${client ? 'Client' : 'Server'}</faultcode>` +
      `<faultstring xml:lang="es">${escapeXml(error.messageEs)}</faultstring>` +
      `<detail>${detail}</detail></soap:Fault>`
    );
  }
  return (
    `<soap:Fault><soap:Code><soap:Value>soap:${client ? 'Sender' : 'Receiver'}</soap:Value></soap:Code>` +
    `<soap:Reason><soap:Text xml:lang="es">${escapeXml(error.messageEs)}</soap:Text>` +
    `<soap:Text xml:lang="en">${escapeXml(error.messageEn)}</soap:Text></soap:Reason>` +
    `<soap:Detail>${detail}</soap:Detail></soap:Fault>`
  );
}

/** THE one place where an error becomes a SOAP Fault (body, status and headers). */
export function toSoapFault(thrown: unknown, context: FaultContext): SoapFaultResponse {
  const error = toPublicError(thrown, context.requestId);
  const body =
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soap:Envelope xmlns:soap="${envelopeNamespaceOf(context.version)}"><soap:Body>` +
    faultXml(error, context) +
    '</soap:Body></soap:Envelope>';
  const headers: Record<string, string> = { 'Content-Type': contentTypeOf(context.version) };
  const retryAfter = error.params.retryAfterSeconds;
  if (error.kind === 'rate-limit' && retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  return { status: httpStatusOf(error, context.version), headers, body, error };
}
