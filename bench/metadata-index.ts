/**
 * Indexing speed of a metadata package end to end (stored ZIP -> reader -> cfdi_metadata upserts) for
 * ROWS rows (default 1,000,000), next to `psql \copy` of the same rows into a bare table on the same
 * database: the ratio says what our parsing and upserting cost over the raw load.
 * Runs on the local Postgres (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres), or with
 * `--embedded` on the embedded PostgreSQL the service starts without DATABASE_URL (a fresh cluster in a
 * temporary DATA_DIR); either way both loads go to the same server, so the ratio compares like with like.
 *
 *   npx tsx bench/metadata-index.ts [ROWS=1000000] [--embedded]
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import yazl from 'yazl';
import { openDatabase } from '../src/db';
import { PackageIndexer } from '../src/services/pipeline';
import { LocalDiskObjectStore } from '../src/storage';

const embedded = process.argv.includes('--embedded');
const rows = Number(process.argv.slice(2).find((argument) => !argument.startsWith('--')) ?? 1_000_000);
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
    const zip = new yazl.ZipFile();
    zip.addReadStream(Readable.from(text()), 'BENCH-0001.txt');
    zip.end();
    const stored = await store.put('bench/metadata.zip', zip.outputStream as unknown as Readable);

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

    let started = process.hrtime.bigint();
    await new PackageIndexer(q, store).indexar(paquete?.id as string);
    const ours = Number(process.hrtime.bigint() - started) / 1e9;
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
    started = process.hrtime.bigint();
    const copy = spawnSync(
      'psql',
      [url, '-v', 'ON_ERROR_STOP=1', '-c', `\\copy bench_copy FROM '${csv}' WITH (DELIMITER '~')`],
      {
        encoding: 'utf8',
      },
    );
    const raw = Number(process.hrtime.bigint() - started) / 1e9;
    if (copy.status !== 0) throw new Error(copy.stderr);

    console.log(`${rows} metadata rows, ${embedded ? 'embedded PostgreSQL' : 'local PostgreSQL'}`);
    console.log(
      `indexed by PackageIndexer: ${count} rows in ${ours.toFixed(1)} s (${Math.round(count / ours)} rows/s)`,
    );
    console.log(`psql \\copy of the same rows: ${raw.toFixed(1)} s (${Math.round(rows / raw)} rows/s)`);
    console.log(`ratio ours / raw copy: ${(ours / raw).toFixed(1)}x`);
  } finally {
    await database.close();
    if (!embedded) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
