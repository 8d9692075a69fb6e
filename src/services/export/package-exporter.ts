import { access, constants, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { AppError, NotFoundError, StorageError, generalErrors, storageErrors } from '../../errors';
import type { ObjectStore } from '../../storage';
import { ContribuyenteDirectory } from '../accounts/contribuyentes';
import { packagePath } from './export-layout';
import { findExportablePackages, type ExportablePackage } from './exportable-packages';
import { copyVerified, digestOf, exists } from './verified-copy';
import { extractDocuments, wasExtracted } from './xml-extractor';

export interface ExportRequest {
  readonly tenantId: string;
  readonly rfc?: string | undefined;
  /** Only packages stored at or after this instant. */
  readonly since?: Date | undefined;
  readonly destination: string;
  /** Also write each XML document of CFDI packages to `<RFC>/xml/<year>/<month>/<UUID>.xml`. */
  readonly extract: boolean;
}

/**
 * copied: fetched from storage; skipped: already in the destination with the recorded SHA-256;
 * replaced: the destination held a different file under that name, fetched again; failed: see reason.
 */
export type PackageOutcome = 'copied' | 'skipped' | 'replaced' | 'failed';

export interface PackageResult {
  readonly outcome: PackageOutcome;
  /** Relative to the destination. */
  readonly file: string;
  readonly bytesCopied: number;
  /** A `.part` left by an interrupted run was found and thrown away. */
  readonly partialDiscarded: boolean;
  readonly reason?: string;
  readonly documentsExtracted: number;
  readonly documentsUnreadable: number;
  /** The first few documents that could not be extracted, and why. */
  readonly unreadableExamples: readonly string[];
}

export interface ExportObserver {
  planned?(plan: { readonly packages: number; readonly bytes: number }): void;
  started?(item: ExportablePackage, position: number): void;
  /** Bytes of the current package read so far (copied, or verified in place). */
  progressed?(bytes: number): void;
  finished?(item: ExportablePackage, result: PackageResult, position: number): void;
}

export interface ExportSummary {
  readonly packages: number;
  readonly copied: number;
  readonly skipped: number;
  readonly replaced: number;
  readonly failed: number;
  readonly bytesCopied: number;
  readonly partialsDiscarded: number;
  readonly documentsExtracted: number;
  readonly documentsUnreadable: number;
  readonly durationMs: number;
  readonly failures: readonly { readonly idPaquete: string; readonly reason: string }[];
}

function reasonOf(error: unknown): string {
  if (error instanceof AppError) return `${error.code} ${error.messageEn}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Copies a tenant's stored packages into a local folder, one at a time, each streamed from the object
 * store into a `.part` file, checked against the SHA-256 recorded when it was stored, then renamed.
 * Running it again resumes: a file already present with the recorded hash is kept, a leftover `.part`
 * is thrown away and fetched again, a file with another hash is replaced and reported. One package
 * failing never stops the others; the summary counts it.
 */
export class PackageExporter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: ObjectStore,
  ) {}

  async run(request: ExportRequest, observer: ExportObserver = {}): Promise<ExportSummary> {
    const began = Date.now();
    const rfc = request.rfc?.trim().toUpperCase();
    if (
      rfc !== undefined &&
      !(await new ContribuyenteDirectory(this.dataSource).belongsTo(request.tenantId, rfc))
    )
      throw new NotFoundError(generalErrors.notFound, { params: { entity: 'RFC', id: rfc } });
    await this.prepareDestination(request.destination);
    const items = await findExportablePackages(this.dataSource, {
      tenantId: request.tenantId,
      rfc,
      since: request.since,
    });
    observer.planned?.({ packages: items.length, bytes: items.reduce((sum, item) => sum + item.size, 0) });
    const results: { item: ExportablePackage; result: PackageResult }[] = [];
    for (const [index, item] of items.entries()) {
      observer.started?.(item, index + 1);
      const result = await this.exportOne(item, request, observer);
      observer.finished?.(item, result, index + 1);
      results.push({ item, result });
    }
    const count = (outcome: PackageOutcome): number =>
      results.filter(({ result }) => result.outcome === outcome).length;
    const total = (field: 'bytesCopied' | 'documentsExtracted' | 'documentsUnreadable'): number =>
      results.reduce((sum, { result }) => sum + result[field], 0);
    return {
      packages: items.length,
      copied: count('copied'),
      skipped: count('skipped'),
      replaced: count('replaced'),
      failed: count('failed'),
      bytesCopied: total('bytesCopied'),
      partialsDiscarded: results.filter(({ result }) => result.partialDiscarded).length,
      documentsExtracted: total('documentsExtracted'),
      documentsUnreadable: total('documentsUnreadable'),
      durationMs: Date.now() - began,
      failures: results
        .filter(({ result }) => result.outcome === 'failed')
        .map(({ item, result }) => ({ idPaquete: item.idPaquete, reason: result.reason ?? '' })),
    };
  }

  private async prepareDestination(destination: string): Promise<void> {
    try {
      await mkdir(destination, { recursive: true });
      await access(destination, constants.W_OK);
    } catch (error) {
      throw new StorageError(storageErrors.exportDestinationUnwritable, {
        params: { destination, reason: reasonOf(error) },
        cause: error,
      });
    }
  }

  /** Metadata is only copied; a package kept as it was, and unpacked before, is not unpacked again. */
  private async needsExtraction(
    item: ExportablePackage,
    request: ExportRequest,
    outcome: PackageOutcome,
  ): Promise<boolean> {
    if (!request.extract || item.tipoSolicitud !== 'CFDI') return false;
    return outcome !== 'skipped' || !(await wasExtracted(item, request.destination));
  }

  private async exportOne(
    item: ExportablePackage,
    request: ExportRequest,
    observer: ExportObserver,
  ): Promise<PackageResult> {
    const file = packagePath(item);
    const target = path.join(request.destination, file);
    let read = 0;
    const onBytes = (count: number): void => {
      read += count;
      observer.progressed?.(read);
    };
    let outcome: PackageOutcome = 'failed';
    let bytesCopied = 0;
    let partialDiscarded = false;
    try {
      partialDiscarded = await exists(`${target}.part`);
      if (partialDiscarded) await rm(`${target}.part`, { force: true });
      const present = await digestOf(target, item.size, onBytes);
      if (present?.sha256 === item.sha256) outcome = 'skipped';
      else {
        read = 0;
        await copyVerified(await this.store.get(item.objectKey), target, item, onBytes);
        bytesCopied = item.size;
        outcome = present === undefined ? 'copied' : 'replaced';
      }
      const extraction = (await this.needsExtraction(item, request, outcome))
        ? await extractDocuments(target, item, request.destination)
        : { extracted: 0, unreadable: 0, examples: [] };
      return {
        outcome,
        file,
        bytesCopied,
        partialDiscarded,
        documentsExtracted: extraction.extracted,
        documentsUnreadable: extraction.unreadable,
        unreadableExamples: extraction.examples,
      };
    } catch (error) {
      const stage = outcome === 'failed' ? '' : `${outcome}, but its documents could not be extracted: `;
      return {
        outcome: 'failed',
        file,
        bytesCopied,
        partialDiscarded,
        reason: `${stage}${reasonOf(error)}`,
        documentsExtracted: 0,
        documentsUnreadable: 0,
        unreadableExamples: [],
      };
    }
  }
}
