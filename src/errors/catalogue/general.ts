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
});
