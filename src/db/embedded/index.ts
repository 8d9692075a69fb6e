export {
  startEmbeddedDatabase,
  passwordFileOf,
  type EmbeddedDatabase,
  type EmbeddedDatabaseOptions,
} from './embedded-postgres';
export { embeddedClusterDir, legacyPgliteDir, holdsLegacyPglite, EMBEDDED_DATABASE_NAME } from './paths';
export {
  PGLITE_VERSION,
  migratedPgliteDir,
  openLegacyPglite,
  retireLegacyPglite,
  type LegacyPglite,
  type OpenLegacyPgliteOptions,
} from './pglite-import';
export { migrateLikeLegacy } from './legacy-migrations';
export type { PgliteImportSummary } from './pglite-copy';
