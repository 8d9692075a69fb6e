export {
  startEmbeddedDatabase,
  passwordFileOf,
  type EmbeddedDatabase,
  type EmbeddedDatabaseOptions,
} from './embedded-postgres';
export { embeddedClusterDir, legacyPgliteDir, holdsLegacyPglite, EMBEDDED_DATABASE_NAME } from './paths';
export {
  PGLITE_VERSION,
  migrateLikeLegacy,
  migratedPgliteDir,
  openLegacyPglite,
  retireLegacyPglite,
  type LegacyPglite,
  type OpenLegacyPgliteOptions,
  type PgliteImportSummary,
} from './pglite-import';
