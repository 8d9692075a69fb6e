export {
  ReindexService,
  type PackageReindexing,
  type ReindexObserver,
  type ReindexPackageResult,
  type ReindexRequest,
  type ReindexSummary,
} from './reindex-service';
export type { ReindexItem } from './reindex-queue';
export type { RunFailure } from './reindex-runs';
export { failureReason, normalizedRfc, scopeLabel, scopeLockName, type ReindexScope } from './reindex-scope';
