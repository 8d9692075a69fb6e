import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import {
  conflictWindow,
  firstPath,
  retryStaged,
  type LoadPath,
  type PackageScope,
} from './metadata-load-plan';
import { encodedText, encodedUuid } from './copy-binary';
import { CHUNKS_AHEAD, metadataCopy, writeMetadataFields } from './metadata-copy';
import { METADATA_COLUMNS, type MetadataRecord } from './metadata-record';

export interface MetadataTarget extends PackageScope {
  readonly tenantId: string;
  readonly rfc: string;
  readonly tipoDocumento: string;
  readonly paqueteId: string;
}

/** Records in batches, in package order: a million rows are a few thousand steps of the iteration. */
export type MetadataBatches = AsyncIterable<readonly MetadataRecord[]>;

/**
 * The records to load: a function that reads them (from the start each time it is called) lets a
 * package whose direct COPY meets a stored UUID be read again through the staging path; records that
 * can be read only once always take that path.
 */
export type MetadataSource = MetadataBatches | (() => MetadataBatches);

const PRIMARY_KEY = 'cfdi_metadata_pkey';

const UPSERT_COLUMNS = `tenant_id, rfc, uuid, tipo_documento, rfc_emisor, nombre_emisor, rfc_receptor, nombre_receptor,
  rfc_pac, fecha_emision, fecha_certificacion, monto, efecto, estatus, fecha_cancelacion, rfc_a_cuenta_terceros,
  nombre_a_cuenta_terceros, extras, paquete_id`;
/** Third-party data and extra columns: a package without them keeps the stored ones. */
const KEPT_WHEN_ABSENT: readonly string[] = ['rfc_a_cuenta_terceros', 'nombre_a_cuenta_terceros', 'extras'];
/** What ON CONFLICT sets, column by column: the stored row when the package says nothing new. */
const REPLACED: readonly (readonly [string, string])[] = [
  ...METADATA_COLUMNS.filter((column) => column !== 'uuid' && !KEPT_WHEN_ABSENT.includes(column)).map(
    (column) => [column, `EXCLUDED.${column}`] as const,
  ),
  ...KEPT_WHEN_ABSENT.map(
    (column) => [column, `coalesce(EXCLUDED.${column}, cfdi_metadata.${column})`] as const,
  ),
  ['paquete_id', 'EXCLUDED.paquete_id'],
];
/**
 * A package indexed again, or a later package describing the same document, is newer information: its
 * values replace the stored ones (status and cancellation above all), except that third-party data and
 * extra columns absent from it are kept. A row it would leave exactly as it is (same values, same
 * package: a package indexed again with the same readers) is not rewritten: an update writes a new row
 * version and an entry in every index, which made re-indexing a million rows take 2.6 times the first
 * load. So updated_at says when the row last changed.
 */
const ON_CONFLICT = `ON CONFLICT (tenant_id, uuid, rfc) DO UPDATE SET
  ${REPLACED.map(([column, value]) => `${column} = ${value}`).join(', ')}, updated_at = now()
  WHERE (${REPLACED.map(([column]) => `cfdi_metadata.${column}`).join(', ')})
    IS DISTINCT FROM (${REPLACED.map(([, value]) => value).join(', ')})`;

/**
 * Whether the tenant's RFC holds a row of the package's side inside its period: one probe of
 * cfdi_metadata_rfc_fecha_sides_idx, the side checked inside the index.
 */
export function storedRowsInWindowQuery(target: MetadataTarget): { text: string; values: unknown[] } {
  const { column, from, to } = conflictWindow(target);
  return {
    text: `SELECT EXISTS (SELECT 1 FROM cfdi_metadata WHERE tenant_id = $1 AND rfc = $2 AND ${column} = $2
             AND ($3::timestamptz IS NULL OR fecha_emision >= $3) AND ($4::timestamptz IS NULL OR fecha_emision < $4)) AS found`,
    values: [target.tenantId, target.rfc, from, to],
  };
}

/**
 * Loads metadata rows into cfdi_metadata in one transaction: all or none. See metadata-load-plan.ts
 * for the two paths: a package with no stored UUID is COPYed straight into the table; otherwise it
 * streams with COPY into a temporary staging table and one set-based upsert moves it (a million rows
 * is one statement, not a thousand).
 */
export class MetadataLoader {
  constructor(private readonly dataSource: DataSource) {}

  /** Which path the last `load` finished on (for tests and benches). */
  lastPath: LoadPath | undefined;

  async load(source: MetadataSource, target: MetadataTarget): Promise<void> {
    const read = typeof source === 'function' ? source : undefined;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
      const path = firstPath({
        rereadable: read !== undefined,
        storedRowsInWindow: read !== undefined && (await this.storedRowsInWindow(client, target)),
      });
      this.lastPath = path;
      if (path === 'direct' && read) {
        await client.query('SAVEPOINT metadata_direct');
        try {
          await this.direct(client, read(), target);
        } catch (error) {
          if (!retryStaged(error, PRIMARY_KEY)) throw error;
          await client.query('ROLLBACK TO SAVEPOINT metadata_direct');
          this.lastPath = 'staged';
          await this.staged(client, read(), target);
        }
      } else await this.staged(client, read ? read() : (source as MetadataBatches), target);
      await runner.commitTransaction();
    } catch (error) {
      // The load's own error is the one worth reporting; a connection it broke cannot roll back anyway.
      if (runner.isTransactionActive && !runner.isReleased)
        await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      if (!runner.isReleased) await runner.release();
    }
  }

  private async storedRowsInWindow(client: PoolClient, target: MetadataTarget): Promise<boolean> {
    const { text, values } = storedRowsInWindowQuery(target);
    const { rows } = await client.query<{ found: boolean }>(text, values);
    return rows[0]?.found ?? true;
  }

  /** Straight into cfdi_metadata: no staging table, no second pass over a million rows. */
  private async direct(client: PoolClient, records: MetadataBatches, target: MetadataTarget): Promise<void> {
    const tenant = encodedUuid(target.tenantId);
    const rfc = encodedText(target.rfc);
    const tipoDocumento = encodedText(target.tipoDocumento);
    const paquete = encodedUuid(target.paqueteId);
    const rows = metadataCopy(records, (writer, record) => {
      writer.row(3 + METADATA_COLUMNS.length + 1);
      writer.raw(tenant);
      writer.raw(rfc);
      writer.raw(tipoDocumento);
      writeMetadataFields(writer, record);
      writer.raw(paquete);
    });
    await pipeline(
      Readable.from(rows, { highWaterMark: CHUNKS_AHEAD }),
      client.query(
        copyFrom(
          `COPY cfdi_metadata (tenant_id, rfc, tipo_documento, ${METADATA_COLUMNS.join(', ')}, paquete_id)
             FROM STDIN (FORMAT binary)`,
        ),
      ),
    );
  }

  private async staged(client: PoolClient, records: MetadataBatches, target: MetadataTarget): Promise<void> {
    // cfdi_metadata's own column types: the COPY reads binary values of those types, and the UUID is
    // typed, so the sort below compares 16 bytes rather than text under a collation.
    await client.query(
      `CREATE TEMP TABLE cfdi_metadata_stage ON COMMIT DROP AS
         SELECT 0::bigint AS line, ${METADATA_COLUMNS.join(', ')} FROM cfdi_metadata WITH NO DATA`,
    );
    const rows = metadataCopy(records, (writer, record, number) => {
      writer.row(1 + METADATA_COLUMNS.length);
      writer.int8(number);
      writeMetadataFields(writer, record);
    });
    await pipeline(
      Readable.from(rows, { highWaterMark: CHUNKS_AHEAD }),
      client.query(
        copyFrom(
          `COPY cfdi_metadata_stage (line, ${METADATA_COLUMNS.join(', ')}) FROM STDIN (FORMAT binary)`,
        ),
      ),
    );
    // A UUID twice in one package (SAT has sent that) keeps its last line: ON CONFLICT may not touch a
    // row twice in one statement.
    await client.query(
      `INSERT INTO cfdi_metadata (${UPSERT_COLUMNS})
       SELECT DISTINCT ON (s.uuid) $1::uuid, $2, s.uuid, $3, rfc_emisor, nombre_emisor, rfc_receptor, nombre_receptor,
         rfc_pac, fecha_emision, fecha_certificacion, monto, efecto, estatus, fecha_cancelacion,
         rfc_a_cuenta_terceros, nombre_a_cuenta_terceros, extras, $4::uuid
         FROM cfdi_metadata_stage s ORDER BY s.uuid, s.line DESC
       ${ON_CONFLICT}`,
      [target.tenantId, target.rfc, target.tipoDocumento, target.paqueteId],
    );
  }
}
