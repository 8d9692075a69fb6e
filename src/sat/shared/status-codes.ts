/**
 * SAT's CodEstatus values (per call) and what a client should make of them. SAT answers business
 * outcomes as HTTP 200 with one of these codes; only `retry` ones can change by asking again later.
 */
export interface SatCodeInfo {
  readonly code: string;
  readonly es: string;
  readonly en: string;
  /** Asking the same thing again later may succeed (SAT's "uncontrolled error", internal errors). */
  readonly retry: boolean;
}

const CODES: readonly SatCodeInfo[] = [
  // Only a signed call can get 300, and only after Autentica accepted the same e.firma: what SAT
  // refused is the token (expired early, lost after a restart), so a later attempt with a new one helps.
  { code: '300', es: 'Usuario no válido', en: 'Invalid user', retry: true },
  { code: '301', es: 'XML mal formado o datos inválidos', en: 'Malformed XML or invalid data', retry: false },
  { code: '302', es: 'Sello mal formado', en: 'Malformed signature', retry: false },
  {
    code: '303',
    es: 'El sello no corresponde al RFC solicitante',
    en: 'Signature does not match the requesting RFC',
    retry: false,
  },
  { code: '304', es: 'Certificado revocado o caduco', en: 'Certificate revoked or expired', retry: false },
  { code: '305', es: 'Certificado inválido', en: 'Invalid certificate', retry: false },
  {
    code: '404',
    es: 'Error no controlado del SAT; reintente más tarde',
    en: 'Uncontrolled SAT error; retry later',
    retry: true,
  },
  { code: '5000', es: 'Solicitud aceptada', en: 'Request accepted', retry: false },
  { code: '5001', es: 'Tercero no autorizado', en: 'Third party not authorised', retry: false },
  {
    code: '5002',
    es: 'Se agotaron las solicitudes de por vida para estos criterios',
    en: 'Lifetime requests exhausted for these criteria',
    retry: false,
  },
  {
    code: '5003',
    es: 'La solicitud excede el máximo de resultados',
    en: 'The request exceeds the maximum number of results',
    retry: false,
  },
  { code: '5004', es: 'No se encontró la información', en: 'No information found', retry: false },
  {
    code: '5005',
    es: 'Ya existe una solicitud activa con los mismos criterios',
    en: 'An active request with the same criteria exists',
    retry: false,
  },
  {
    code: '5006',
    es: 'Error interno en el proceso del SAT',
    en: 'Internal error in SAT’s process',
    retry: true,
  },
  {
    code: '5007',
    es: 'El paquete no existe (los paquetes viven 72 horas)',
    en: 'The package does not exist (packages live 72 hours)',
    retry: false,
  },
  {
    code: '5008',
    es: 'Se alcanzó el máximo de descargas del paquete',
    en: 'Maximum downloads of the package reached',
    retry: false,
  },
  {
    code: '5011',
    es: 'Límite de descargas por folio por día',
    en: 'Daily download limit per folio reached',
    retry: false,
  },
  {
    code: '5012',
    es: 'No se permite descargar el XML de documentos cancelados',
    en: 'XML of cancelled documents cannot be downloaded',
    retry: false,
  },
];

const BY_CODE = new Map(CODES.map((info) => [info.code, info]));

/** What SAT means by `code`; an unknown code is reported as such and never retried blindly. */
export function satCodeInfo(code: string): SatCodeInfo {
  return (
    BY_CODE.get(code) ?? {
      code,
      es: `Código desconocido del SAT (${code})`,
      en: `Unknown SAT code (${code})`,
      retry: false,
    }
  );
}

export const SAT_ACCEPTED = '5000';

/** SAT's "Usuario No Válido": what an expired or unknown token gets on the signed operations. */
export const SAT_TOKEN_REFUSED = '300';

/**
 * A code by which SAT says it could not do its job ("try later": 404 Error no controlado, 5006), as
 * opposed to refusing the request or the token.
 */
export function isSatTroubleCode(code: string): boolean {
  return code !== SAT_TOKEN_REFUSED && satCodeInfo(code).retry;
}

/** EstadoSolicitud of VerificaSolicitudDescarga; 0 is what SAT reports when the call itself failed. */
export const SAT_ESTADOS_SOLICITUD = Object.freeze({
  0: 'Desconocido',
  1: 'Aceptada',
  2: 'EnProceso',
  3: 'Terminada',
  4: 'Error',
  5: 'Rechazada',
  6: 'Vencida',
} as const);

export type EstadoSolicitudSat = (typeof SAT_ESTADOS_SOLICITUD)[keyof typeof SAT_ESTADOS_SOLICITUD];

export function estadoSolicitudName(estado: number): EstadoSolicitudSat {
  return SAT_ESTADOS_SOLICITUD[estado as keyof typeof SAT_ESTADOS_SOLICITUD] ?? 'Desconocido';
}

/** States after which polling stops: 3 means download, 4–6 mean the request will not deliver. */
export function isFinalEstado(estado: number): boolean {
  return estado >= 3 && estado <= 6;
}

/**
 * What a SOAP Fault's code and text say about the call: `security` is a refused signature or token
 * (InvalidSecurity, FailedAuthentication: the e.firma or the clock on Autentica, the token on a signed
 * call); `action` is an operation SAT no longer knows (ActionNotSupported, ContractFilter mismatch:
 * this client is outdated); anything else (WCF's internal-error Fault, …) is `other`.
 */
export type SatFaultKind = 'security' | 'action' | 'other';

export function satFaultKind(faultCode: string, faultText = ''): SatFaultKind {
  if (/InvalidSecurity|FailedAuthentication/i.test(faultCode)) return 'security';
  if (/ActionNotSupported|ContractFilter/i.test(`${faultCode} ${faultText}`)) return 'action';
  return 'other';
}
