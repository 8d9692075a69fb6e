import { defineErrors } from '../definition';

/** Database, embedded database and secret vault errors: codes DM-8xxx. */
export const dbErrors = defineErrors({
  unavailable: {
    code: 'DM-8001',
    kind: 'internal',
    es: 'La base de datos no está disponible: {reason}',
    en: 'The database is unavailable: {reason}',
    transient: true,
  },
  migrationFailed: {
    code: 'DM-8002',
    kind: 'internal',
    es: 'No se pudo aplicar la migración {migration}: {reason}',
    en: 'Migration {migration} could not be applied: {reason}',
  },
  embeddedStartFailed: {
    code: 'DM-8003',
    kind: 'internal',
    es: 'No se pudo iniciar la base de datos integrada en {dataDir}: {reason}',
    en: 'The embedded database in {dataDir} could not start: {reason}',
  },
  ledgerOverlap: {
    code: 'DM-8004',
    kind: 'conflict',
    es: 'El periodo ya está registrado por otra solicitud en curso; vuelva a intentar.',
    en: 'The period is already registered by another solicitud in progress; try again.',
    transient: true,
  },
  masterKeyMissing: {
    code: 'DM-8101',
    kind: 'configuration',
    es: 'Falta la llave maestra: defina MASTER_KEY (32 bytes en base64).',
    en: 'The master key is missing: set MASTER_KEY (32 bytes in base64).',
  },
  masterKeyInvalid: {
    code: 'DM-8102',
    kind: 'configuration',
    es: 'La llave maestra en {source} no es válida: {reason}',
    en: 'The master key in {source} is invalid: {reason}',
  },
  masterKeyUnknown: {
    code: 'DM-8103',
    kind: 'configuration',
    es: 'El dato cifrado usa la llave maestra {keyId}, que no está cargada; ¿falta completar la rotación?',
    en: 'The encrypted value uses master key {keyId}, which is not loaded; is a rotation unfinished?',
  },
  secretCorrupt: {
    code: 'DM-8104',
    kind: 'internal',
    es: 'Un dato cifrado está dañado o fue alterado ({reason}).',
    en: 'An encrypted value is damaged or was tampered with ({reason}).',
  },
});
