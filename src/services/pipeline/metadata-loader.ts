import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import type { MetadataRow } from '../../sat';
import { fromMexicoWallClock } from '../periods/mexico-time';

/** One metadata row as cfdi_metadata stores it (text values, dates as ISO instants). */
export interface MetadataRecord {
  readonly uuid: string;
  readonly rfc_emisor: string;
  readonly nombre_emisor: string | null;
  readonly rfc_receptor: string;
  readonly nombre_receptor: string | null;
  readonly rfc_pac: string | null;
  readonly fecha_emision: string;
  readonly fecha_certificacion: string | null;
  readonly monto: string | null;
  readonly efecto: string | null;
  readonly estatus: string;
  readonly fecha_cancelacion: string | null;
  readonly rfc_a_cuenta_terceros: string | null;
  readonly nombre_a_cuenta_terceros: string | null;
  /** Columns SAT added that we do not know yet, kept as JSON text. */
  readonly extras: string | null;
}

const COLUMNS = [
  'uuid',
  'rfc_emisor',
  'nombre_emisor',
  'rfc_receptor',
  'nombre_receptor',
  'rfc_pac',
  'fecha_emision',
  'fecha_certificacion',
  'monto',
  'efecto',
  'estatus',
  'fecha_cancelacion',
  'rfc_a_cuenta_terceros',
  'nombre_a_cuenta_terceros',
  'extras',
] as const satisfies readonly (keyof MetadataRecord)[];

const AMOUNT = /^-?\d+(\.\d+)?$/;

/** A SAT `yyyy-MM-dd HH:mm:ss` (Mexico City) as an ISO instant; null when empty or not a date. */
export function satDate(text: string | undefined): string | null {
  if (!text?.trim()) return null;
  try {
    return fromMexicoWallClock(text.trim().replace(' ', 'T').slice(0, 19)).toISOString();
  } catch {
    return null;
  }
}

/** The row to store, or why it cannot be stored (reported on the package, never dropped silently). */
export function metadataRecord(row: MetadataRow): MetadataRecord | { problem: string } {
  const fechaEmision = satDate(row.fechaEmision);
  if (!fechaEmision) return { problem: `FechaEmision "${row.fechaEmision}" no es una fecha` };
  if (row.monto && !AMOUNT.test(row.monto)) return { problem: `Monto "${row.monto}" no es un importe` };
  return {
    uuid: row.uuid.toLowerCase(),
    rfc_emisor: row.rfcEmisor,
    nombre_emisor: row.nombreEmisor || null,
    rfc_receptor: row.rfcReceptor,
    nombre_receptor: row.nombreReceptor || null,
    rfc_pac: row.rfcPac || null,
    fecha_emision: fechaEmision,
    fecha_certificacion: satDate(row.fechaCertificacionSat),
    monto: row.monto || null,
    efecto: row.efectoComprobante || null,
    estatus: row.estatus,
    fecha_cancelacion: satDate(row.fechaCancelacion),
    rfc_a_cuenta_terceros: row.rfcACuentaTerceros || null,
    nombre_a_cuenta_terceros: row.nombreACuentaTerceros || null,
    extras: Object.keys(row.extra).length > 0 ? JSON.stringify(row.extra) : null,
  };
}

/** COPY's text format: tab-separated, `\N` for null, backslash escapes for what would break a line. */
function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/[\\\t\n\r]/g, (character) =>
    character === '\\' ? '\\\\' : character === '\t' ? '\\t' : character === '\n' ? '\\n' : '\\r',
  );
}

export interface MetadataTarget {
  readonly tenantId: string;
  readonly rfc: string;
  readonly tipoDocumento: string;
  readonly paqueteId: string;
}

const UPSERT_COLUMNS = `tenant_id, rfc, uuid, tipo_documento, rfc_emisor, nombre_emisor, rfc_receptor, nombre_receptor,
  rfc_pac, fecha_emision, fecha_certificacion, monto, efecto, estatus, fecha_cancelacion, rfc_a_cuenta_terceros,
  nombre_a_cuenta_terceros, extras, paquete_id`;
/**
 * A package indexed again, or a later package describing the same document, is newer information: its
 * values replace the stored ones (status and cancellation above all), except that third-party data and
 * extra columns absent from it are kept.
 */
const ON_CONFLICT = `ON CONFLICT (tenant_id, uuid, rfc) DO UPDATE SET rfc_emisor = EXCLUDED.rfc_emisor,
  nombre_emisor = EXCLUDED.nombre_emisor, rfc_receptor = EXCLUDED.rfc_receptor,
  nombre_receptor = EXCLUDED.nombre_receptor, rfc_pac = EXCLUDED.rfc_pac, fecha_emision = EXCLUDED.fecha_emision,
  fecha_certificacion = EXCLUDED.fecha_certificacion, monto = EXCLUDED.monto, efecto = EXCLUDED.efecto,
  estatus = EXCLUDED.estatus, fecha_cancelacion = EXCLUDED.fecha_cancelacion,
  rfc_a_cuenta_terceros = coalesce(EXCLUDED.rfc_a_cuenta_terceros, cfdi_metadata.rfc_a_cuenta_terceros),
  nombre_a_cuenta_terceros = coalesce(EXCLUDED.nombre_a_cuenta_terceros, cfdi_metadata.nombre_a_cuenta_terceros),
  extras = coalesce(EXCLUDED.extras, cfdi_metadata.extras), paquete_id = EXCLUDED.paquete_id, updated_at = now()`;

/**
 * Loads metadata rows into cfdi_metadata: they stream with COPY into a temporary staging table and
 * one set-based upsert moves them (a million rows is one statement, not a thousand), in one
 * transaction: all or none.
 */
export class MetadataLoader {
  constructor(private readonly dataSource: DataSource) {}

  async load(records: AsyncIterable<MetadataRecord>, target: MetadataTarget): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
      await this.copy(client, records, target);
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

  private async copy(
    client: PoolClient,
    records: AsyncIterable<MetadataRecord>,
    target: MetadataTarget,
  ): Promise<void> {
    await client.query(
      `CREATE TEMP TABLE cfdi_metadata_stage (line bigint, ${COLUMNS.map((column) => `${column} text`).join(', ')})
         ON COMMIT DROP`,
    );
    async function* lines(): AsyncGenerator<string> {
      let line = 0;
      let chunk = '';
      for await (const record of records) {
        line += 1;
        chunk += `${line}\t${COLUMNS.map((column) => copyField(record[column])).join('\t')}\n`;
        if (chunk.length >= 256 * 1024) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    await pipeline(
      Readable.from(lines()),
      client.query(copyFrom(`COPY cfdi_metadata_stage (line, ${COLUMNS.join(', ')}) FROM STDIN`)),
    );
    // A UUID twice in one package (SAT has sent that) keeps its last line: ON CONFLICT may not touch a
    // row twice in one statement.
    await client.query(
      `INSERT INTO cfdi_metadata (${UPSERT_COLUMNS})
       SELECT DISTINCT ON (s.uuid) $1::uuid, $2, s.uuid::uuid, $3, rfc_emisor, nombre_emisor, rfc_receptor, nombre_receptor,
         rfc_pac, fecha_emision::timestamptz, fecha_certificacion::timestamptz, monto::numeric, efecto, estatus,
         fecha_cancelacion::timestamptz, rfc_a_cuenta_terceros, nombre_a_cuenta_terceros, extras::jsonb, $4::uuid
         FROM cfdi_metadata_stage s ORDER BY s.uuid, s.line DESC
       ${ON_CONFLICT}`,
      [target.tenantId, target.rfc, target.tipoDocumento, target.paqueteId],
    );
  }
}
