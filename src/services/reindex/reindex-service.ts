import type { DataSource } from 'typeorm';
import { NotFoundError, generalErrors } from '../../errors';
import { ContribuyenteDirectory } from '../accounts/contribuyentes';
import type { ReindexedPackage } from '../pipeline';
import { countRemaining, nextPackages, type QueuePosition, type ReindexItem } from './reindex-queue';
import { ReindexRuns, type RunFailure } from './reindex-runs';
import { failureReason, normalizedRfc, scopeLabel, scopeLockName, type ReindexScope } from './reindex-scope';
import { holdLock } from './scope-lock';

/** Packages fetched from the database at a time: memory stays flat whatever the scope holds. */
const PAGE_SIZE = 100;
/** Failed packages the summary names; the count covers them all. */
const FAILURES_LISTED = 50;

export interface ReindexRequest {
  /** Only this tenant's packages (its id); every tenant's when absent. */
  readonly tenantId?: string | undefined;
  /** The tenant's slug, for messages. */
  readonly tenant?: string | undefined;
  readonly rfc?: string | undefined;
}

/** The one indexing path (PackageIndexer), as the run uses it. */
export interface PackageReindexing {
  reindex(paqueteId: string): Promise<ReindexedPackage>;
}

export interface ReindexPackageResult {
  readonly outcome: 'reindexed' | 'failed';
  readonly documentos: number;
  /** Entries or records that could not be indexed (the package was re-indexed all the same). */
  readonly problemas: string | null;
  readonly reason?: string;
}

export interface ReindexObserver {
  /** `done` packages were finished by an earlier, interrupted invocation of the run (started `resumedFrom`). */
  planned?(plan: { readonly packages: number; readonly done: number; readonly resumedFrom?: Date }): void;
  started?(item: ReindexItem, position: number): void;
  finished?(item: ReindexItem, result: ReindexPackageResult, position: number): void;
}

export interface ReindexSummary {
  readonly scope: string;
  /** Packages of the run, over all its invocations. */
  readonly packages: number;
  /** Finished by an earlier invocation of the run, not done again. */
  readonly alreadyDone: number;
  /** Re-indexed by this invocation. */
  readonly reindexed: number;
  /** Failed, over the whole run. */
  readonly failed: number;
  /** Metadata rows and XML documents indexed, over the whole run. */
  readonly documentos: number;
  readonly durationMs: number;
  /** The first failed packages, oldest first. */
  readonly failures: readonly RunFailure[];
}

/**
 * Rebuilds the derived tables (cfdi_documents and their payment rows, cfdi_metadata) from the stored
 * packages, through the same indexer the pipeline uses, one package at a time in the order they were
 * first indexed. Progress is recorded package by package (ReindexRuns), so a run stopped at any point
 * continues where it stopped when started again and ends as an uninterrupted run would: the package it
 * was on is simply indexed again. A package that cannot be re-indexed (object missing, ZIP unreadable)
 * is recorded with its reason and the run goes on; the summary counts it.
 */
export class ReindexService {
  private readonly runs: ReindexRuns;
  private readonly pageSize: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly indexer: PackageReindexing,
    options: { readonly pageSize?: number } = {},
  ) {
    this.runs = new ReindexRuns(dataSource);
    this.pageSize = options.pageSize ?? PAGE_SIZE;
  }

  async run(request: ReindexRequest, observer: ReindexObserver = {}): Promise<ReindexSummary> {
    const began = Date.now();
    const scope: ReindexScope = { tenantId: request.tenantId, rfc: normalizedRfc(request.rfc) };
    const label = scopeLabel({ tenant: request.tenant ?? request.tenantId, rfc: scope.rfc });
    await this.checkRfc(scope);
    const lock = await holdLock(this.dataSource, scopeLockName(scope), label);
    try {
      const run = await this.runs.open(scope);
      const before = await this.runs.tally(run.id);
      const remaining = await countRemaining(this.dataSource, run.id, scope);
      observer.planned?.({
        packages: before.done + remaining,
        done: before.done,
        ...(run.resumed ? { resumedFrom: run.startedAt } : {}),
      });
      let position = before.done;
      let reindexed = 0;
      let after: QueuePosition | undefined;
      for (;;) {
        const page = await nextPackages(this.dataSource, run.id, scope, after, this.pageSize);
        for (const item of page) {
          position += 1;
          observer.started?.(item, position);
          const result = await this.reindexOne(item);
          await this.runs.record(run.id, item.paqueteId, result.documentos, result.reason);
          if (result.outcome === 'reindexed') reindexed += 1;
          observer.finished?.(item, result, position);
          after = item.position;
        }
        if (page.length < this.pageSize) break;
      }
      await this.runs.finish(run.id);
      const tally = await this.runs.tally(run.id);
      return {
        scope: label,
        packages: tally.done,
        alreadyDone: before.done,
        reindexed,
        failed: tally.failed,
        documentos: tally.documentos,
        durationMs: Date.now() - began,
        failures: await this.runs.failures(run.id, FAILURES_LISTED),
      };
    } finally {
      await lock.release();
    }
  }

  /** An RFC the tenant does not have is a mistake worth saying, as `export` says it. */
  private async checkRfc(scope: ReindexScope): Promise<void> {
    if (scope.tenantId === undefined || scope.rfc === undefined) return;
    if (!(await new ContribuyenteDirectory(this.dataSource).belongsTo(scope.tenantId, scope.rfc)))
      throw new NotFoundError(generalErrors.notFound, { params: { entity: 'RFC', id: scope.rfc } });
  }

  private async reindexOne(item: ReindexItem): Promise<ReindexPackageResult> {
    try {
      const { documentos, problemas } = await this.indexer.reindex(item.paqueteId);
      return { outcome: 'reindexed', documentos, problemas };
    } catch (error) {
      return { outcome: 'failed', documentos: 0, problemas: null, reason: failureReason(error) };
    }
  }
}
