import { defineErrors } from '../definition';

/** Errors every layer may raise: validation, authentication, lookup, limits, internal. */
export const generalErrors = defineErrors({
  internal: {
    code: 'DM-1000',
    kind: 'internal',
    es: 'Error interno del servicio. Intente más tarde; si persiste, informe el identificador {requestId}.',
    en: 'Internal service error. Try again later; if it persists, report identifier {requestId}.',
    transient: true,
  },
  configInvalid: {
    code: 'DM-1001',
    kind: 'configuration',
    es: 'Configuración inválida en {variable}: {reason}',
    en: 'Invalid configuration in {variable}: {reason}',
  },
  fieldRequired: {
    code: 'DM-2001',
    kind: 'validation',
    es: 'El campo {field} es obligatorio.',
    en: 'Field {field} is required.',
  },
  fieldInvalid: {
    code: 'DM-2002',
    kind: 'validation',
    es: 'El campo {field} no es válido: {reason}',
    en: 'Field {field} is invalid: {reason}',
  },
  unauthenticated: {
    code: 'DM-3001',
    kind: 'authentication',
    es: 'Credenciales ausentes o inválidas.',
    en: 'Missing or invalid credentials.',
  },
  forbidden: {
    code: 'DM-3002',
    kind: 'authorization',
    es: 'No tiene permiso para esta operación.',
    en: 'You are not allowed to perform this operation.',
  },
  rateLimited: {
    code: 'DM-3003',
    kind: 'rate-limit',
    es: 'Demasiadas solicitudes; espere {retryAfterSeconds} segundos.',
    en: 'Too many requests; wait {retryAfterSeconds} seconds.',
    transient: true,
  },
  signInFailed: {
    code: 'DM-3004',
    kind: 'authentication',
    es: 'Usuario o contraseña incorrectos.',
    en: 'Wrong user or password.',
  },
  accountLocked: {
    code: 'DM-3005',
    kind: 'authentication',
    es: 'La cuenta está bloqueada por intentos fallidos; intente de nuevo en {minutes} minutos.',
    en: 'The account is locked after failed attempts; try again in {minutes} minutes.',
    transient: true,
  },
  csrfRejected: {
    code: 'DM-3006',
    kind: 'authorization',
    es: 'El formulario caducó o no proviene de esta aplicación; vuelva a cargar la página.',
    en: 'The form expired or did not come from this application; reload the page.',
  },
  notFound: {
    code: 'DM-4001',
    kind: 'not-found',
    es: 'No existe {entity} con identificador {id}.',
    en: 'No {entity} with identifier {id}.',
  },
  payloadTooLarge: {
    code: 'DM-2003',
    kind: 'payload-too-large',
    es: 'El mensaje excede el tamaño máximo de {limitBytes} bytes.',
    en: 'The message exceeds the maximum size of {limitBytes} bytes.',
  },
  alreadyExists: {
    code: 'DM-4002',
    kind: 'conflict',
    es: 'Ya existe {entity} {id}.',
    en: '{entity} {id} already exists.',
  },
  operationUnavailable: {
    code: 'DM-1002',
    kind: 'internal',
    es: 'La operación {operation} aún no está disponible en esta versión del servicio.',
    en: 'Operation {operation} is not available yet in this version of the service.',
  },
  unknownTransaction: {
    code: 'DM-2201',
    kind: 'validation',
    es: 'Transacción desconocida: {transaction}.',
    en: 'Unknown transaction: {transaction}.',
  },
  countryNotSupported: {
    code: 'DM-2202',
    kind: 'validation',
    es: 'Country debe ser MX; se recibió "{country}".',
    en: 'Country must be MX; got "{country}".',
  },
  entityNotInTenant: {
    code: 'DM-2203',
    kind: 'authorization',
    es: 'El RFC {rfc} (Entity) no pertenece a la cuenta de este Requestor.',
    en: 'RFC {rfc} (Entity) does not belong to the account of this Requestor.',
  },
  unknownFilter: {
    code: 'DM-2204',
    kind: 'validation',
    es: 'Filtro u orden no admitido: {name} {oper}. Campos: Servicio, TipoSolicitud, FechaInicial, FechaFinal, EstadoSolicitud, FechaRegistro; operadores =, <>, <, <=, >, >=, BETWEEN, LIKE.',
    en: 'Unsupported filter or order: {name} {oper}. Fields: Servicio, TipoSolicitud, FechaInicial, FechaFinal, EstadoSolicitud, FechaRegistro; operators =, <>, <, <=, >, >=, BETWEEN, LIKE.',
  },
});
