export {
  createDataSource,
  runMigrations,
  revertLastMigration,
  hasPendingMigrations,
  type DataSourceSettings,
} from './data-source';
export {
  startEmbeddedDatabase,
  type EmbeddedDatabase,
  type EmbeddedDatabaseOptions,
} from './embedded-database';
export { openDatabase, type OpenDatabase, type OpenDatabaseOptions } from './open-database';
export { lockFileOf } from './embedded-lock';
export * from './entities';
export * from './queries';
