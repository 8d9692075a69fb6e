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
  embeddedAsRoot: {
    code: 'DM-8005',
    kind: 'configuration',
    es: 'PostgreSQL no se ejecuta como root y no existe el usuario de sistema postgres: defina DATABASE_URL, cree el usuario postgres o active EMBEDDED_PG_CREATE_USER=true para que se cree.',
    en: 'PostgreSQL does not run as root and there is no postgres system user: set DATABASE_URL, create the postgres user, or set EMBEDDED_PG_CREATE_USER=true to have it created.',
  },
  embeddedLegacyData: {
    code: 'DM-8006',
    kind: 'configuration',
    es: '{dataDir} contiene la base de datos de una versión anterior (PGlite). Ejecute `descarga-masiva migrate-embedded` para copiarla al PostgreSQL integrado, o muévala a otro lugar para empezar con una base vacía.',
    en: '{dataDir} holds the database of an earlier version (PGlite). Run `descarga-masiva migrate-embedded` to copy it into the embedded PostgreSQL, or move it elsewhere to start with an empty database.',
  },
  embeddedPasswordMissing: {
    code: 'DM-8007',
    kind: 'configuration',
    es: 'Falta {file}, la contraseña de la base de datos integrada: restáurela, o elimine {dataDir} para empezar con una base vacía.',
    en: '{file}, the embedded database password, is missing: restore it, or remove {dataDir} to start with an empty database.',
  },
  embeddedUnreachable: {
    code: 'DM-8008',
    kind: 'configuration',
    es: 'El usuario de sistema postgres, con el que corre el PostgreSQL integrado, no puede entrar a {path}: ejecute el servicio sin root, coloque DATA_DIR donde ese usuario pueda entrar (p. ej. chmod o+x en el directorio que lo impide) o defina DATABASE_URL.',
    en: 'The postgres system user, which runs the embedded PostgreSQL, cannot enter {path}: run the service as a non-root user, put DATA_DIR where that user can enter (e.g. chmod o+x on the directory that blocks it), or set DATABASE_URL.',
  },
  // DM-802x: `migrate-embedded`, which copies a release-0.1 PGlite database into the embedded server.
  pgliteMissing: {
    code: 'DM-8020',
    kind: 'configuration',
    es: 'Para migrar la base PGlite de {dataDir} hace falta el paquete @electric-sql/pglite, que esta instalación no incluye: ejecute `npm install --no-save @electric-sql/pglite@{version}` en el directorio de la aplicación y vuelva a intentar.',
    en: 'Migrating the PGlite database in {dataDir} needs the @electric-sql/pglite package, which this installation leaves out: run `npm install --no-save @electric-sql/pglite@{version}` in the application directory and try again.',
  },
  migrateEmbeddedWithUrl: {
    code: 'DM-8021',
    kind: 'configuration',
    es: 'migrate-embedded copia la base PGlite de DATA_DIR al PostgreSQL integrado, que no se usa cuando DATABASE_URL está definida: ejecútelo sin DATABASE_URL.',
    en: 'migrate-embedded copies the PGlite database of DATA_DIR into the embedded PostgreSQL, which is not used when DATABASE_URL is set: run it without DATABASE_URL.',
  },
  importTargetNotEmpty: {
    code: 'DM-8022',
    kind: 'conflict',
    es: 'La base de datos integrada ya contiene datos (tabla {table}): la base PGlite de {dataDir} no se copió, para no mezclarlas; nada cambió.',
    en: 'The embedded database already holds data (table {table}): the PGlite database in {dataDir} was not copied, so as not to mix the two; nothing changed.',
  },
  importSourceNewer: {
    code: 'DM-8023',
    kind: 'configuration',
    es: 'La base PGlite de {dataDir} tiene migraciones que esta versión no conoce ({migrations}): la creó una versión más reciente. Migre con esa versión o una posterior.',
    en: 'The PGlite database in {dataDir} has migrations this version does not know ({migrations}): a newer version created it. Migrate with that version or a later one.',
  },
  importFailed: {
    code: 'DM-8024',
    kind: 'internal',
    es: 'No se pudo copiar la base PGlite de {dataDir}: {reason}. No se copió ningún dato y la base PGlite quedó intacta.',
    en: 'The PGlite database in {dataDir} could not be copied: {reason}. No data was copied and the PGlite database is untouched.',
  },
  legacyInUse: {
    code: 'DM-8025',
    kind: 'configuration',
    es: 'La base PGlite de {dataDir} está abierta por el proceso {pid} de una versión anterior: deténgalo y vuelva a intentar (si ese proceso no es descarga-masiva, borre {lockFile}).',
    en: 'The PGlite database in {dataDir} is open in process {pid} of an earlier version: stop it and try again (if that process is not descarga-masiva, delete {lockFile}).',
  },
  legacyRenameFailed: {
    code: 'DM-8026',
    kind: 'internal',
    es: 'Los datos se copiaron al PostgreSQL integrado, pero {from} no se pudo renombrar a {to} ({reason}): renómbrelo a mano antes de iniciar el servicio.',
    en: 'The data was copied into the embedded PostgreSQL, but {from} could not be renamed to {to} ({reason}): rename it by hand before starting the service.',
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
