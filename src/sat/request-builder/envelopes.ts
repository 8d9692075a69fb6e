import { createHash, randomUUID } from 'node:crypto';
import { SOAP_ACTIONS } from '../shared/endpoints';
import type { SatQueryParameters } from '../shared/query-parameters';
import { sortedAttributes, textValue } from './canonical-xml';
import type { Fiel } from './fiel';

const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
  des: 'http://DescargaMasivaTerceros.sat.gob.mx',
  auth: 'http://DescargaMasivaTerceros.gob.mx',
};
const X509_TOKEN = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
const BASE64_BINARY =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export interface SignedRequest {
  readonly soapAction: string;
  readonly body: string;
}

function sha1Base64(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('base64');
}

/** SignedInfo in exclusive canonical form, over one reference. */
function signedInfo(referenceUri: string, digest: string): string {
  return (
    `<SignedInfo xmlns="${NS.dsig}">` +
    `<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></CanonicalizationMethod>` +
    `<SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"></SignatureMethod>` +
    `<Reference URI="${referenceUri}"><Transforms><Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"></Transform></Transforms>` +
    `<DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"></DigestMethod><DigestValue>${digest}</DigestValue></Reference>` +
    `</SignedInfo>`
  );
}

function satTimestamp(date: Date): string {
  return date.toISOString();
}

/** Autentica: WS-Security Timestamp (5 minutes) signed with the FIEL, certificate as BinarySecurityToken. */
export function authenticateRequest(fiel: Fiel, now: Date = new Date()): SignedRequest {
  const created = satTimestamp(now);
  const expires = satTimestamp(new Date(now.getTime() + 5 * 60_000));
  const timestamp = `<u:Timestamp xmlns:u="${NS.wsu}" u:Id="_0"><u:Created>${created}</u:Created><u:Expires>${expires}</u:Expires></u:Timestamp>`;
  const info = signedInfo('#_0', sha1Base64(timestamp));
  const tokenId = `uuid-${randomUUID()}-1`;
  const body =
    `<s:Envelope xmlns:s="${NS.soap}" xmlns:u="${NS.wsu}"><s:Header>` +
    `<o:Security xmlns:o="${NS.wsse}" s:mustUnderstand="1">` +
    `<u:Timestamp u:Id="_0"><u:Created>${created}</u:Created><u:Expires>${expires}</u:Expires></u:Timestamp>` +
    `<o:BinarySecurityToken u:Id="${tokenId}" ValueType="${X509_TOKEN}" EncodingType="${BASE64_BINARY}">${fiel.certificateBase64}</o:BinarySecurityToken>` +
    `<Signature xmlns="${NS.dsig}">${info}<SignatureValue>${fiel.sign(info)}</SignatureValue>` +
    `<KeyInfo><o:SecurityTokenReference><o:Reference URI="#${tokenId}" ValueType="${X509_TOKEN}"/></o:SecurityTokenReference></KeyInfo>` +
    `</Signature></o:Security></s:Header><s:Body><Autentica xmlns="${NS.auth}"/></s:Body></s:Envelope>`;
  return { soapAction: SOAP_ACTIONS.authenticate, body };
}

/**
 * An operation element with its enveloped signature: the digest is over the canonical operation
 * element without the Signature (SAT's rule), which is exactly `open + inner + close` as built here.
 */
function signedOperation(
  fiel: Fiel,
  operation: string,
  parametersElement: string,
  attributes: Readonly<Record<string, string | undefined>>,
  inner = '',
): string {
  const open = `<des:${operation} xmlns:des="${NS.des}"><des:${parametersElement}${sortedAttributes(attributes)}>`;
  const close = `</des:${parametersElement}></des:${operation}>`;
  const info = signedInfo('', sha1Base64(open + inner + close));
  const keyInfo =
    `<KeyInfo><X509Data><X509IssuerSerial><X509IssuerName>${textValue(fiel.issuerName)}</X509IssuerName>` +
    `<X509SerialNumber>${fiel.serialDecimal}</X509SerialNumber></X509IssuerSerial>` +
    `<X509Certificate>${fiel.certificateBase64}</X509Certificate></X509Data></KeyInfo>`;
  const signature = `<Signature xmlns="${NS.dsig}">${info}<SignatureValue>${fiel.sign(info)}</SignatureValue>${keyInfo}</Signature>`;
  return (
    `<s:Envelope xmlns:s="${NS.soap}"><s:Header></s:Header><s:Body>` +
    open +
    inner +
    signature +
    close +
    `</s:Body></s:Envelope>`
  );
}

export function queryRequest(fiel: Fiel, parameters: SatQueryParameters): SignedRequest {
  const rfc = fiel.rfc;
  if (parameters.folio) {
    return {
      soapAction: SOAP_ACTIONS.queryFolio,
      body: signedOperation(fiel, 'SolicitaDescargaFolio', 'solicitud', {
        Folio: parameters.folio,
        RfcSolicitante: rfc,
      }),
    };
  }
  const common = {
    FechaInicial: parameters.fechaInicial,
    FechaFinal: parameters.fechaFinal,
    TipoSolicitud: parameters.tipoSolicitud,
    TipoComprobante: parameters.tipoComprobante,
    EstadoComprobante: parameters.estadoComprobante ?? 'Todos',
    RfcACuentaTerceros: parameters.rfcACuentaTerceros,
    Complemento: parameters.complemento,
    RfcSolicitante: rfc,
  };
  if (parameters.contexto === 'Recibidos') {
    return {
      soapAction: SOAP_ACTIONS.queryRecibidos,
      body: signedOperation(fiel, 'SolicitaDescargaRecibidos', 'solicitud', {
        ...common,
        RfcReceptor: rfc,
        RfcEmisor: parameters.rfcContrapartes[0],
      }),
    };
  }
  const receptores =
    parameters.rfcContrapartes.length > 0
      ? `<des:RfcReceptores>${parameters.rfcContrapartes.map((item) => `<des:RfcReceptor>${textValue(item)}</des:RfcReceptor>`).join('')}</des:RfcReceptores>`
      : '';
  return {
    soapAction: SOAP_ACTIONS.queryEmitidos,
    body: signedOperation(
      fiel,
      'SolicitaDescargaEmitidos',
      'solicitud',
      { ...common, RfcEmisor: rfc },
      receptores,
    ),
  };
}

export function verifyRequest(fiel: Fiel, idSolicitud: string): SignedRequest {
  return {
    soapAction: SOAP_ACTIONS.verify,
    body: signedOperation(fiel, 'VerificaSolicitudDescarga', 'solicitud', {
      IdSolicitud: idSolicitud,
      RfcSolicitante: fiel.rfc,
    }),
  };
}

export function downloadRequest(fiel: Fiel, idPaquete: string): SignedRequest {
  return {
    soapAction: SOAP_ACTIONS.download,
    body: signedOperation(fiel, 'PeticionDescargaMasivaTercerosEntrada', 'peticionDescarga', {
      IdPaquete: idPaquete,
      RfcSolicitante: fiel.rfc,
    }),
  };
}
