import { Readable } from 'node:stream';
import { CFDI_FIELDS, countCfdi, type Queryable, type SortKey } from '../../db';
import { ValidationError, invalidField, solicitudesErrors } from '../../errors';
import type { ObjectStore } from '../../storage';
import { cfdiFilters, type CfdiSearchCriteria } from './cfdi-criteria';
import { walkCfdi } from './cfdi-rows';
import { csvChunks } from './csv-export';
import { EXPORT_COLUMNS } from './export-columns';
import { readPackageEntry } from './package-entry';
import { xlsxWorkbook } from './xlsx-export';
import { xmlArchive } from './xml-archive';

export type CfdiExportFormat = 'csv' | 'xlsx' | 'zip';

export interface CfdiExportOptions {
  /** Largest search an export takes (1,000,000 by default; an XLSX sheet holds 1,048,575 rows). */
  readonly maxRows?: number;
  /** Rows per query while walking the index (1,000 by default). */
  readonly batchSize?: number;
}

export interface CfdiExport {
  /** Rows the search had when the export began. */
  readonly total: number;
  /** The file, produced as it is read. */
  readonly stream: Readable;
}

export const DEFAULT_EXPORT_MAX_ROWS = 1_000_000;
const DEFAULT_BATCH_SIZE = 1_000;
const DEFAULT_ORDER: SortKey = { field: 'FechaEmision', direction: 'DESC' };

/**
 * A search of the index as a CSV, an XLSX workbook or a ZIP of its XML files. Each is a stream that
 * walks the index in batches as the download is consumed, so neither the rows nor the file are ever
 * held whole. The criteria are checked and the rows counted before anything is produced: a search
 * beyond `maxRows` is refused with a message, not cut short.
 */
export class CfdiExports {
  private readonly maxRows: number;
  private readonly batchSize: number;

  constructor(
    private readonly db: Queryable,
    private readonly store: ObjectStore,
    options: CfdiExportOptions = {},
  ) {
    this.maxRows = options.maxRows ?? DEFAULT_EXPORT_MAX_ROWS;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  }

  async open(tenantId: string, criteria: CfdiSearchCriteria, format: CfdiExportFormat): Promise<CfdiExport> {
    const filters = cfdiFilters(criteria);
    // Checked now: once the file has begun, an error can only cut the download short.
    const campo = criteria.orden?.campo.toLowerCase();
    if (
      campo &&
      !Object.entries(CFDI_FIELDS).some(([name, spec]) => spec.sortable && name.toLowerCase() === campo)
    )
      throw invalidField(criteria.orden?.campo ?? '', 'cannot sort by it');
    const total = await countCfdi(this.db, tenantId, filters);
    if (total > this.maxRows)
      throw new ValidationError(solicitudesErrors.cfdiExportTooLarge, {
        params: { total, max: this.maxRows },
      });
    // The ZIP walks by UUID, so that a document two RFCs of the tenant downloaded is written once.
    const order: SortKey =
      format === 'zip'
        ? { field: 'Uuid', direction: 'ASC' }
        : criteria.orden
          ? { field: criteria.orden.campo, direction: criteria.orden.direccion ?? 'ASC' }
          : DEFAULT_ORDER;
    const rows = walkCfdi(this.db, tenantId, {
      filters,
      order,
      batchSize: this.batchSize,
      maxRows: this.maxRows,
      withLocation: format === 'zip',
    });
    const stream =
      format === 'csv'
        ? Readable.from(csvChunks(rows, EXPORT_COLUMNS), { objectMode: false })
        : format === 'xlsx'
          ? xlsxWorkbook(rows, EXPORT_COLUMNS)
          : xmlArchive(rows, (uuid, location) => readPackageEntry(this.store, uuid, location));
    return { total, stream };
  }
}
