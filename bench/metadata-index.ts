/**
 * Indexing speed of a metadata package end to end (stored ZIP -> reader -> cfdi_metadata) for ROWS rows
 * (default 1,000,000), next to two `psql \copy` loads of the same rows on the same database: into a bare
 * table (the raw load: what our parsing and upserting cost over it) and, as stored, into a table with
 * cfdi_metadata's own columns, constraints and indexes (the fair floor: what the database must do anyway,
 * so that ratio is our overhead). Each timed load starts after a CHECKPOINT, so none pays for another's
 * dirty pages. Peak RSS is this process's after indexing (the ZIP is written by a child process; about
 * 160 MB of it is the process before any row: Node, tsx, TypeORM and the service's modules).
 * With BENCH_CPU_PROFILE=<directory> the indexing is CPU-profiled (bench/support/cpu-profile.ts).
 * Runs on the local Postgres (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres), or with
 * `--embedded` on the embedded PostgreSQL the service starts without DATABASE_URL (a fresh cluster in a
 * temporary DATA_DIR); either way both loads go to the same server, so the ratio compares like with like.
 *
 *   npx tsx bench/metadata-index.ts [ROWS=1000000] [--embedded]
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import yazl from 'yazl';
import { openDatabase } from '../src/db';
import { PackageIndexer } from '../src/services/pipeline';
import { LocalDiskObjectStore } from '../src/storage';
import { profiled } from './support/cpu-profile';
import { rerunWithServiceFlags } from '../test/helpers/service-flags';

const embedded = process.argv.includes('--embedded');
const rows = Number(process.argv.slice(2).find((argument) => /^\d+$/.test(argument)) ?? 1_000_000);
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const HEADER =
  'Uuid~RfcEmisor~NombreEmisor~RfcReceptor~NombreReceptor~RfcPac~FechaEmision~FechaCertificacionSat~Monto~EfectoComprobante~Estatus~FechaCancelacion';

function line(index: number): string {
  const hex = index.toString(16).padStart(12, '0');
  const cancelled = index % 17 === 0;
  return `0a1b2c3d-4e5f-4a6b-8c7d-${hex}~AAA010101AAA~EMPRESA EMISORA SA DE CV~EKU9003173C9~ESCUELA KEMPER URGATE SA DE CV~SAT970701NN3~2024-03-01 10:00:00~2024-03-01 10:00:05~${(index % 100000) / 100}~I~${cancelled ? '0' : '1'}~${cancelled ? '2024-04-01 09:00:00' : ''}`;
}

function* text(): Generator<string> {
  yield `${HEADER}\r\n`;
  for (let index = 0; index < rows; index += 1) yield `${line(index)}\r\n`;
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Seconds `psql \copy` takes to load `file` (COPY's text format, `options` as COPY takes them) into `table`. */
async function psqlCopy(
  q: { query: (sql: string) => Promise<unknown> },
  url: string,
  table: string,
  file: string,
  options = '',
): Promise<number> {
  await q.query('CHECKPOINT');
  const started = process.hrtime.bigint();
  const copy = spawnSync(
    'psql',
    [url, '-v', 'ON_ERROR_STOP=1', '-c', `\\copy ${table} FROM '${file}'${options}`],
    {
      encoding: 'utf8',
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (copy.status !== 0) throw new Error(copy.stderr);
  return seconds;
}

async function main(): Promise<void> {
  const name = `dm_bench_index_${process.pid}`;
  const directory = mkdtempSync(path.join(tmpdir(), 'dm-bench-index-'));
  let serverUrl: string | undefined;
  if (!embedded) {
    await admin(`CREATE DATABASE "${name}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    serverUrl = url.toString();
  }
  const database = await openDatabase({
    url: serverUrl,
    dataDir: directory,
    poolSize: 4,
    migrate: true,
  });
  const url = database.url;
  try {
    const store = new LocalDiskObjectStore({
      directory: path.join(directory, 'objects'),
      baseUrl: () => 'http://127.0.0.1',
      linkSecret: Buffer.alloc(32, 1),
    });
    // Written by a child process, so what generating a million lines costs in memory does not count
    // in this process's peak RSS, which is the indexing's.
    const zipFile = path.join(directory, 'metadata.zip');
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, process.argv[1] ?? '', '--write-zip', zipFile, String(rows)],
      {
        encoding: 'utf8',
      },
    );
    if (child.status !== 0) throw new Error(child.stderr);
    const stored = await store.put('bench/metadata.zip', createReadStream(zipFile));

    const q = database.dataSource;
    const [tenant] = await q.query<{ id: string }[]>(
      `INSERT INTO tenants (slug, nombre) VALUES ('bench', 'Bench') RETURNING id`,
    );
    const [contribuyente] = await q.query<{ id: string }[]>(
      `INSERT INTO contribuyentes (tenant_id, rfc) VALUES ($1, 'EKU9003173C9') RETURNING id`,
      [tenant?.id],
    );
    const [solicitud] = await q.query<{ id: string }[]>(
      `INSERT INTO solicitudes (tenant_id, contribuyente_id, rfc, contexto, tipo_solicitud, tipo_documento, filtros_key, estado)
       VALUES ($1, $2, 'EKU9003173C9', 'Recibidos', 'Metadata', 'CFDI', repeat('0', 64), 'Descargando') RETURNING id`,
      [tenant?.id, contribuyente?.id],
    );
    const [request] = await q.query<{ id: string }[]>(
      `INSERT INTO sat_requests (solicitud_id, estado) VALUES ($1, 'Terminada') RETURNING id`,
      [solicitud?.id],
    );
    const [paquete] = await q.query<{ id: string }[]>(
      `INSERT INTO paquetes (tenant_id, solicitud_id, sat_request_id, id_paquete, estado, object_key, tamano, sha256, stored_at)
       VALUES ($1, $2, $3, 'BENCH_01', 'Almacenado', 'bench/metadata.zip', $4, $5, now()) RETURNING id`,
      [tenant?.id, solicitud?.id, request?.id, stored.size, stored.sha256],
    );

    const rssBefore = process.resourceUsage().maxRSS / 1024;
    await q.query('CHECKPOINT');
    let started = process.hrtime.bigint();
    await profiled('metadata-index', () => new PackageIndexer(q, store).index(paquete?.id as string));
    const ours = Number(process.hrtime.bigint() - started) / 1e9;
    const peakRss = process.resourceUsage().maxRSS / 1024;
    // The same package indexed again (`descarga-masiva reindex`): every UUID is stored, so the rows go
    // through the staging table and the upsert.
    await q.query('CHECKPOINT');
    started = process.hrtime.bigint();
    await profiled('metadata-reindex', () => new PackageIndexer(q, store).reindex(paquete?.id as string));
    const again = Number(process.hrtime.bigint() - started) / 1e9;
    const [{ count } = { count: 0 }] = await q.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM cfdi_metadata`,
    );

    // The raw load: the same rows, already split, into a bare table with psql's client-side COPY.
    const csv = path.join(directory, 'rows.txt');
    await pipeline(
      Readable.from(
        (function* () {
          for (let index = 0; index < rows; index += 1) yield `${line(index).replace(/~$/, '~\\N')}\n`;
        })(),
      ),
      createWriteStream(csv),
    );
    await q.query(`CREATE TABLE bench_copy (uuid uuid, rfc_emisor text, nombre_emisor text, rfc_receptor text, nombre_receptor text,
      rfc_pac text, fecha_emision timestamp, fecha_certificacion timestamp, monto numeric, efecto text, estatus text, fecha_cancelacion text)`);
    const raw = await psqlCopy(q, url, 'bench_copy', csv, ` WITH (DELIMITER '~')`);

    // The fair floor: the same rows as cfdi_metadata stores them, into a table with its columns,
    // constraints and indexes.
    const storedRows = path.join(directory, 'stored.txt');
    const values = `${tenant?.id}\tEKU9003173C9`;
    await pipeline(
      Readable.from(
        (function* () {
          for (let index = 0; index < rows; index += 1) {
            const [
              uuid,
              emisor,
              nombreEmisor,
              receptor,
              nombreReceptor,
              pac,
              emision,
              certificacion,
              monto,
              efecto,
              estatus,
              cancelacion,
            ] = line(index).split('~');
            yield `${values}\t${uuid}\tCFDI\t${emisor}\t${nombreEmisor}\t${receptor}\t${nombreReceptor}\t${pac}\t${emision}-06\t${certificacion}-06\t${monto}\t${efecto}\t${estatus === '0' ? 'Cancelado' : 'Vigente'}\t${cancelacion ? `${cancelacion}-06` : '\\N'}\t${paquete?.id}\n`;
          }
        })(),
      ),
      createWriteStream(storedRows),
    );
    await q.query(`CREATE TABLE bench_copy_indexed (LIKE cfdi_metadata INCLUDING ALL)`);
    const floor = await psqlCopy(
      q,
      url,
      `bench_copy_indexed (tenant_id, rfc, uuid, tipo_documento, rfc_emisor, nombre_emisor, rfc_receptor, nombre_receptor, rfc_pac, fecha_emision, fecha_certificacion, monto, efecto, estatus, fecha_cancelacion, paquete_id)`,
      storedRows,
    );
    console.log(`${rows} metadata rows, ${embedded ? 'embedded PostgreSQL' : 'local PostgreSQL'}`);
    console.log(
      `indexed by PackageIndexer: ${count} rows in ${ours.toFixed(1)} s (${Math.round(count / ours)} rows/s)`,
    );
    console.log(`psql \\copy of the same rows: ${raw.toFixed(1)} s (${Math.round(rows / raw)} rows/s)`);
    console.log(
      `psql \\copy into a table LIKE cfdi_metadata INCLUDING ALL: ${floor.toFixed(1)} s (${Math.round(rows / floor)} rows/s)`,
    );
    console.log(`ratio ours / raw copy: ${(ours / raw).toFixed(1)}x (target <= 3x)`);
    console.log(`ratio ours / indexed-table copy: ${(ours / floor).toFixed(2)}x (target <= 1.3x)`);
    console.log(
      `peak RSS after indexing: ${peakRss.toFixed(0)} MB (target < 250 MB; ${rssBefore.toFixed(0)} MB before it)`,
    );
    console.log(
      `indexed again (every UUID stored: staging table + upsert): ${again.toFixed(1)} s, ${(again / floor).toFixed(2)}x the indexed-table copy`,
    );
  } finally {
    await database.close();
    if (!embedded) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    rmSync(directory, { recursive: true, force: true });
  }
}

async function writeZip(file: string): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addReadStream(Readable.from(text()), 'BENCH-0001.txt');
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(file));
}

const zipTarget = process.argv.indexOf('--write-zip');
if (zipTarget < 0) rerunWithServiceFlags();
(zipTarget >= 0 ? writeZip(process.argv[zipTarget + 1] ?? '') : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
