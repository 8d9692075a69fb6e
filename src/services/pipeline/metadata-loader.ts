import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import type { MetadataRow } from '../../sat';
import { fromMexicoWallClock } from '../periods/mexico-time';
import {
  conflictWindow,
  firstPath,
  retryStaged,
  type LoadPath,
  type PackageScope,
} from './metadata-load-plan';

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
/** Past this many hours cached the cache starts again (a package spans a few thousand at most). */
const HOURS_CACHED = 100_000;
/** yyyyMMddHH of 1970-01-01 00:00: offsets before it are not whole hours (see suffixByHour). */
const CACHED_FROM = 1970010100;

/**
 * Mexico City's UTC offset for each wall-clock hour (by yyyyMMddHH), as a suffix (`-06:00`), or null
 * for a day that does not exist. Since 1970 its offsets are whole hours and change at the start of an
 * hour, so every instant of a wall-clock hour shares the offset `fromMexicoWallClock` gives its first
 * second (skipped and repeated hours included): a million rows ask the time-zone database a few
 * thousand times instead of two million, and PostgreSQL reads the wall clock with its offset.
 */
const suffixByHour = new Map<number, string | null>();

function offsetSuffix(wall: string): string | null {
  const hour = `${wall.slice(0, 10)}T${wall.slice(11, 13)}:00:00`;
  let instant: number;
  try {
    instant = fromMexicoWallClock(hour).getTime();
  } catch {
    return null;
  }
  const minutes = Math.round((Date.parse(`${hour}Z`) - instant) / 60_000);
  const magnitude = Math.abs(minutes);
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${two(Math.floor(magnitude / 60))}:${two(magnitude % 60)}`;
}

function digit(text: string, at: number): number {
  const value = text.charCodeAt(at) - 0x30;
  return value >= 0 && value <= 9 ? value : Number.NaN;
}

/**
 * The yyyyMMddHH of a `yyyy-MM-dd[T ]HH:mm:ss`, or NaN when it is not one or its minutes or seconds
 * pass 59 (whether the day and hour exist is known with the hour's offset). Character checks rather
 * than a regular expression: two million dates per package.
 */
export function wallClockHour(wall: string): number {
  if (wall.length !== 19) return Number.NaN;
  const separator = wall.charCodeAt(10);
  if (
    wall.charCodeAt(4) !== 0x2d ||
    wall.charCodeAt(7) !== 0x2d ||
    (separator !== 0x20 && separator !== 0x54) ||
    wall.charCodeAt(13) !== 0x3a ||
    wall.charCodeAt(16) !== 0x3a
  )
    return Number.NaN;
  if (digit(wall, 14) * 10 + digit(wall, 15) > 59 || digit(wall, 17) * 10 + digit(wall, 18) > 59)
    return Number.NaN;
  const year = digit(wall, 0) * 1000 + digit(wall, 1) * 100 + digit(wall, 2) * 10 + digit(wall, 3);
  const month = digit(wall, 5) * 10 + digit(wall, 6);
  const day = digit(wall, 8) * 10 + digit(wall, 9);
  return ((year * 100 + month) * 100 + day) * 100 + digit(wall, 11) * 10 + digit(wall, 12);
}

/**
 * A SAT `yyyy-MM-dd HH:mm:ss` (Mexico City; `T` between date and time also read) as the instant it
 * names, written as PostgreSQL and ISO 8601 read it: the same wall clock with its offset
 * (`2024-03-01 10:00:00-06:00`). Null when empty or not a date; anything after the seconds is ignored.
 */
export function satDate(text: string | undefined): string | null {
  if (!text) return null;
  const wall = text.length === 19 ? text : text.trim().slice(0, 19);
  const hour = wallClockHour(wall);
  if (Number.isNaN(hour)) return null;
  if (hour < CACHED_FROM) {
    try {
      return fromMexicoWallClock(wall).toISOString();
    } catch {
      return null;
    }
  }
  let suffix = suffixByHour.get(hour);
  if (suffix === undefined) {
    suffix = offsetSuffix(wall);
    if (suffixByHour.size >= HOURS_CACHED) suffixByHour.clear();
    suffixByHour.set(hour, suffix);
  }
  return suffix === null ? null : wall + suffix;
}

/** Whether `values` holds any key (without listing them: a million rows, almost all without extras). */
function hasAny(values: Readonly<Record<string, string>>): boolean {
  for (const key in values) if (Object.hasOwn(values, key)) return true;
  return false;
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
    extras: hasAny(row.extra) ? JSON.stringify(row.extra) : null,
  };
}

const SPECIAL = /[\\\t\n\r]/;

/**
 * Whether `value` holds what COPY's text format must escape (tab, backslash, line break). SAT's values
 * almost never do, and a replace with a callback on each of 15 million values cost far more than a test.
 */
export function needsEscaping(value: string): boolean {
  return SPECIAL.test(value);
}

/** COPY's text format: tab-separated, `\\N` for null, backslash escapes for what would break a line. */
export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  if (!needsEscaping(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (character) =>
    character === '\\' ? '\\\\' : character === '\t' ? '\\t' : character === '\n' ? '\\n' : '\\r',
  );
}

/** The record's values as one COPY text line, in COLUMNS order (no line end). */
export function copyLine(record: MetadataRecord): string {
  return `${copyField(record.uuid)}\t${copyField(record.rfc_emisor)}\t${copyField(record.nombre_emisor)}\t${copyField(
    record.rfc_receptor,
  )}\t${copyField(record.nombre_receptor)}\t${copyField(record.rfc_pac)}\t${copyField(record.fecha_emision)}\t${copyField(
    record.fecha_certificacion,
  )}\t${copyField(record.monto)}\t${copyField(record.efecto)}\t${copyField(record.estatus)}\t${copyField(
    record.fecha_cancelacion,
  )}\t${copyField(record.rfc_a_cuenta_terceros)}\t${copyField(record.nombre_a_cuenta_terceros)}\t${copyField(
    record.extras,
  )}`;
}

export interface MetadataTarget extends PackageScope {
  readonly tenantId: string;
  readonly rfc: string;
  readonly tipoDocumento: string;
  readonly paqueteId: string;
}

/**
 * The records to load: a function that reads them (from the start each time it is called) lets a
 * package whose direct COPY meets a stored UUID be read again through the staging path; records that
 * can be read only once always take that path.
 */
export type MetadataSource = AsyncIterable<MetadataRecord> | (() => AsyncIterable<MetadataRecord>);

const PRIMARY_KEY = 'cfdi_metadata_pkey';

const UPSERT_COLUMNS = `tenant_id, rfc, uuid, tipo_documento, rfc_emisor, nombre_emisor, rfc_receptor, nombre_receptor,
  rfc_pac, fecha_emision, fecha_certificacion, monto, efecto, estatus, fecha_cancelacion, rfc_a_cuenta_terceros,
  nombre_a_cuenta_terceros, extras, paquete_id`;
/** Third-party data and extra columns: a package without them keeps the stored ones. */
const KEPT_WHEN_ABSENT: readonly string[] = ['rfc_a_cuenta_terceros', 'nombre_a_cuenta_terceros', 'extras'];
/** What ON CONFLICT sets, column by column: the stored row when the package says nothing new. */
const REPLACED: readonly (readonly [string, string])[] = [
  ...COLUMNS.filter((column) => column !== 'uuid' && !KEPT_WHEN_ABSENT.includes(column)).map(
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

/** COPY text per write: large enough that messages cost nothing, small enough to hold few in flight. */
const CHUNK_CHARS = 64 * 1024;
/**
 * Chunks read ahead of the COPY. Each pins the text it was cut from until written: with Readable.from's
 * default of 16 (of 256 KB then), a direct COPY waiting on the server held tens of MB more at its peak.
 */
const CHUNKS_AHEAD = 2;

/** COPY text lines, CHUNK_CHARS at a time; `frame` makes each record's values a line. */
async function* copyChunks(
  records: AsyncIterable<MetadataRecord>,
  frame: (line: string, number: number) => string,
): AsyncGenerator<string> {
  let number = 0;
  let chunk = '';
  for await (const record of records) {
    number += 1;
    chunk += frame(copyLine(record), number);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
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
      } else await this.staged(client, read ? read() : (source as AsyncIterable<MetadataRecord>), target);
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
    const { column, from, to } = conflictWindow(target);
    const { rows } = await client.query<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM cfdi_metadata WHERE tenant_id = $1 AND rfc = $2 AND ${column} = $2
         AND ($3::timestamptz IS NULL OR fecha_emision >= $3) AND ($4::timestamptz IS NULL OR fecha_emision < $4)) AS found`,
      [target.tenantId, target.rfc, from, to],
    );
    return rows[0]?.found ?? true;
  }

  /** Straight into cfdi_metadata: no staging table, no second pass over a million rows. */
  private async direct(
    client: PoolClient,
    records: AsyncIterable<MetadataRecord>,
    target: MetadataTarget,
  ): Promise<void> {
    const prefix = `${copyField(target.tenantId)}\t${copyField(target.rfc)}\t${copyField(target.tipoDocumento)}\t`;
    const suffix = `\t${copyField(target.paqueteId)}\n`;
    await pipeline(
      Readable.from(
        copyChunks(records, (line) => prefix + line + suffix),
        { highWaterMark: CHUNKS_AHEAD },
      ),
      client.query(
        copyFrom(
          `COPY cfdi_metadata (tenant_id, rfc, tipo_documento, ${COLUMNS.join(', ')}, paquete_id) FROM STDIN`,
        ),
      ),
    );
  }

  private async staged(
    client: PoolClient,
    records: AsyncIterable<MetadataRecord>,
    target: MetadataTarget,
  ): Promise<void> {
    // The UUID typed already, so the sort below compares 16 bytes rather than text under a collation.
    await client.query(
      `CREATE TEMP TABLE cfdi_metadata_stage (line bigint,
         ${COLUMNS.map((column) => `${column} ${column === 'uuid' ? 'uuid' : 'text'}`).join(', ')})
         ON COMMIT DROP`,
    );
    await pipeline(
      Readable.from(
        copyChunks(records, (line, number) => `${number}\t${line}\n`),
        { highWaterMark: CHUNKS_AHEAD },
      ),
      client.query(copyFrom(`COPY cfdi_metadata_stage (line, ${COLUMNS.join(', ')}) FROM STDIN`)),
    );
    // A UUID twice in one package (SAT has sent that) keeps its last line: ON CONFLICT may not touch a
    // row twice in one statement.
    await client.query(
      `INSERT INTO cfdi_metadata (${UPSERT_COLUMNS})
       SELECT DISTINCT ON (s.uuid) $1::uuid, $2, s.uuid, $3, rfc_emisor, nombre_emisor, rfc_receptor, nombre_receptor,
         rfc_pac, fecha_emision::timestamptz, fecha_certificacion::timestamptz, monto::numeric, efecto, estatus,
         fecha_cancelacion::timestamptz, rfc_a_cuenta_terceros, nombre_a_cuenta_terceros, extras::jsonb, $4::uuid
         FROM cfdi_metadata_stage s ORDER BY s.uuid, s.line DESC
       ${ON_CONFLICT}`,
      [target.tenantId, target.rfc, target.tipoDocumento, target.paqueteId],
    );
  }
}
