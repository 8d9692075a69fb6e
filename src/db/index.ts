export {
  createDataSource,
  runMigrations,
  revertLastMigration,
  hasPendingMigrations,
  type DataSourceSettings,
} from './data-source';
export * from './embedded';
export { openDatabase, type OpenDatabase, type OpenDatabaseOptions } from './open-database';
export * from './entities';
export * from './queries';
export { jsonPartReader, jsonRowReader, pgRowReader, poolOf, runStatement } from './pool';
export {
  type ApiUserCache,
  type ChannelEvent,
  createApiUserCache,
  followApiUserChanges,
} from './change-feed';
