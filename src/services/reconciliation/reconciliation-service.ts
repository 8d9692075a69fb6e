import { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import {
  type Page,
  type ReconciliationClass,
  type ReconciliationContexto,
  type ReconciliationRow,
  type ReconciliationScope,
  countReconciliation,
  findContribuyente,
  readReconciliationPage,
} from '../../db';
import { NotFoundError, solicitudesErrors } from '../../errors';
import {
  parseReconciliation,
  type ParsedReconciliation,
  type ReconciliationCriteria,
} from './reconciliation-criteria';
import { csvHeader, csvRecord } from './reconciliation-csv';
import { NO_JIT, SideReader, before } from './side-reader';

/** Rows are written in chunks of about this many characters, not one small write per row. */
const CHUNK_CHARACTERS = 64 * 1024;

export interface ReconciliationReport {
  readonly rfc: string;
  readonly contexto: ReconciliationContexto;
  readonly start: Date;
  /** Exclusive. */
  readonly end: Date;
  /** UUIDs per class; every class is present. */
  readonly totales: Readonly<Record<ReconciliationClass, number>>;
  /** Metadata rows of the scope: every class but XmlSinMetadata. */
  readonly documentosEnMetadata: number;
  /** The classes `filas` lists. */
  readonly clases: readonly ReconciliationClass[];
  readonly filas: Page<ReconciliationRow>;
}

export interface ReconciliationExport {
  /** Rows of the listed classes when the export began. */
  readonly total: number;
  /** The CSV, produced batch by batch as it is read. */
  readonly stream: Readable;
}

export interface ReconciliationServiceOptions {
  /** Rows per query while an export walks the report (1,000 by default). */
  readonly batchSize?: number;
}

/**
 * The reconciliation report of one RFC of a tenant: its metadata (what SAT says exists, and whether it
 * is still valid) set against the XML held in stored packages, UUID by UUID. Everything is read from
 * the index; SAT is not asked (a fresh metadata solicitud refreshes the statuses).
 */
export class ReconciliationService {
  private readonly batchSize: number;

  constructor(
    private readonly dataSource: DataSource,
    options: ReconciliationServiceOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1_000;
  }

  async report(tenantId: string, criteria: ReconciliationCriteria): Promise<ReconciliationReport> {
    const parsed = parseReconciliation(criteria);
    const scope = await this.scopeOf(tenantId, parsed);
    // One snapshot, so the totals and the page agree while packages are being indexed.
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query(NO_JIT);
      const totales = await countReconciliation(manager, scope);
      const filas = await readReconciliationPage(
        manager,
        scope,
        parsed.clases,
        { page: parsed.pagina, pageSize: parsed.tamanoPagina },
        totales,
      );
      return {
        rfc: scope.rfc,
        contexto: scope.contexto,
        start: scope.start,
        end: scope.end,
        totales,
        documentosEnMetadata:
          totales.ConXml + totales.SinXml + totales.XmlDeCancelado + totales.RecibidoCanceladoSinXml,
        clases: parsed.clases,
        filas,
      };
    });
  }

  /**
   * The rows of the criteria's classes as CSV (every page, paging ignored), walked in keyset batches
   * as the download is consumed. The criteria are checked before anything is produced, so a mistake
   * is still an error and not a cut-short file. Batches are separate reads: a document whose class
   * changes during a long export appears as it was when its batch was read.
   */
  async exportCsv(tenantId: string, criteria: ReconciliationCriteria): Promise<ReconciliationExport> {
    const parsed = parseReconciliation(criteria);
    const scope = await this.scopeOf(tenantId, parsed);
    const totales = await this.dataSource.transaction(async (manager) => {
      await manager.query(NO_JIT);
      return countReconciliation(manager, scope);
    });
    const total = parsed.clases.reduce((sum, clase) => sum + totales[clase], 0);
    return { total, stream: Readable.from(this.csvChunks(scope, parsed.clases)) };
  }

  private async *csvChunks(
    scope: ReconciliationScope,
    clases: readonly ReconciliationClass[],
  ): AsyncGenerator<string> {
    let chunk = csvHeader();
    for await (const row of this.rows(scope, clases)) {
      chunk += csvRecord(row);
      if (chunk.length >= CHUNK_CHARACTERS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }

  /** Every row of `clases` in the report's order: the two sides read in batches and merged. */
  private async *rows(
    scope: ReconciliationScope,
    clases: readonly ReconciliationClass[],
  ): AsyncGenerator<ReconciliationRow> {
    const readers = (['metadata', 'documents'] as const).map(
      (side) => new SideReader(this.dataSource, scope, side, clases, this.batchSize),
    );
    for (;;) {
      let next: { reader: SideReader; row: ReconciliationRow } | undefined;
      for (const reader of readers) {
        const row = await reader.peek();
        if (row && (!next || before(row, next.row))) next = { reader, row };
      }
      if (!next) return;
      next.reader.take();
      yield next.row;
    }
  }

  /** Only an RFC of this tenant: another tenant's RFC answers exactly like one nobody has. */
  private async scopeOf(tenantId: string, parsed: ParsedReconciliation): Promise<ReconciliationScope> {
    const contribuyente = await findContribuyente(this.dataSource.manager, tenantId, parsed.rfc);
    if (!contribuyente)
      throw new NotFoundError(solicitudesErrors.reconciliationRfcUnknown, { params: { rfc: parsed.rfc } });
    return { tenantId, rfc: parsed.rfc, contexto: parsed.contexto, start: parsed.start, end: parsed.end };
  }
}
