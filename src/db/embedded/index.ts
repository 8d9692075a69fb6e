export {
  startEmbeddedDatabase,
  passwordFileOf,
  EMBEDDED_DATABASE_NAME,
  type EmbeddedDatabase,
  type EmbeddedDatabaseOptions,
} from './embedded-postgres';
export { embeddedClusterDir, legacyPgliteDir, holdsLegacyPglite } from './paths';
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
