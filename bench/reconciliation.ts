/**
 * The reconciliation report of one RFC-year holding ROWS metadata rows (default 300,000): 80 % of them
 * with their XML, two in ten cancelled, and XML without metadata for one in fifty more. Prints the time of the counts, of
 * the first and the hundredth page of differences, and of the CSV export of every class (streamed:
 * rows per second and peak RSS). Needs the local Postgres (TEST_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres); the scratch database is dropped at the end.
 *
 *   npx tsx bench/reconciliation.ts [ROWS=300000]
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { openDatabase } from '../src/db';
import { RECONCILIATION_CLASSES, ReconciliationService } from '../src/services/reconciliation';

const rows = Number(process.argv[2] ?? 300_000);
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RFC = 'EKU9003173C9';

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const result = await work();
  console.log(`${label}: ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(2)} s`);
  return result;
}

async function main(): Promise<void> {
  const name = `dm_bench_reconciliation_${process.pid}`;
  const directory = mkdtempSync(path.join(tmpdir(), 'dm-bench-reconciliation-'));
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({
    url: url.toString(),
    dataDir: directory,
    poolSize: 2,
    migrate: true,
  });
  const query = (sql: string, parameters: unknown[] = []) => database.dataSource.query(sql, parameters);
  try {
    const [tenant] = await query(`INSERT INTO tenants (slug, nombre) VALUES ('bench', 'Bench') RETURNING id`);
    const [contribuyente] = await query(
      `INSERT INTO contribuyentes (tenant_id, rfc) VALUES ($1, $2) RETURNING id`,
      [tenant.id, RFC],
    );
    const [solicitud] = await query(
      `INSERT INTO solicitudes (tenant_id, contribuyente_id, rfc, contexto, tipo_solicitud, tipo_documento,
                                estado, filtros_key)
       VALUES ($1, $2, $3, 'Emitidos', 'CFDI', 'CFDI', 'Completada', repeat('a', 64)) RETURNING id`,
      [tenant.id, contribuyente.id, RFC],
    );
    const [satRequest] = await query(`INSERT INTO sat_requests (solicitud_id) VALUES ($1) RETURNING id`, [
      solicitud.id,
    ]);
    const [paquete] = await query(
      `INSERT INTO paquetes (tenant_id, solicitud_id, sat_request_id, id_paquete, estado, object_key)
       VALUES ($1, $2, $3, 'BENCH_01', 'Indexado', 'bench/BENCH_01.zip') RETURNING id`,
      [tenant.id, solicitud.id, satRequest.id],
    );
    await timed(`load ${rows} metadata rows and their XML headers`, async () => {
      const spread = `timestamptz '2026-01-01 06:00Z' + (g * (interval '364 days' / $2))`;
      await query(
        `INSERT INTO cfdi_metadata (tenant_id, rfc, uuid, rfc_emisor, rfc_receptor, fecha_emision, estatus, monto)
         SELECT $1, '${RFC}', md5(g::text)::uuid,
                CASE WHEN g % 2 = 0 THEN '${RFC}' ELSE 'AAA010101AAA' END,
                CASE WHEN g % 2 = 0 THEN 'AAA010101AAA' ELSE '${RFC}' END,
                ${spread}, CASE WHEN g % 10 = 0 OR g % 10 = 5 THEN 'Cancelado' ELSE 'Vigente' END, 100
           FROM generate_series(1, $2) g`,
        [tenant.id, rows],
      );
      // No XML for two in ten (a valid one and a received cancelled one); one in fifty without metadata.
      await query(
        `INSERT INTO cfdi_documents (tenant_id, rfc, uuid, rfc_emisor, rfc_receptor, fecha, paquete_id, entry_name)
         SELECT $1::uuid, '${RFC}', md5(g::text)::uuid,
                CASE WHEN g % 2 = 0 THEN '${RFC}' ELSE 'AAA010101AAA' END,
                CASE WHEN g % 2 = 0 THEN 'AAA010101AAA' ELSE '${RFC}' END,
                ${spread}, $3::uuid, 'e.xml'
           FROM generate_series(1, $2) g WHERE g % 10 NOT IN (3, 5)
         UNION ALL
         SELECT $1::uuid, '${RFC}', md5('x' || g::text)::uuid, '${RFC}', 'AAA010101AAA', ${spread}, $3::uuid, 'e.xml'
           FROM generate_series(1, $2) g WHERE g % 50 = 7`,
        [tenant.id, rows, paquete.id],
      );
      await query('ANALYZE');
    });

    const service = new ReconciliationService(database.dataSource);
    const criteria = { rfc: RFC, fechaInicial: '2026-01-01T00:00:00', fechaFinal: '2026-12-31T23:59:59' };
    const first = await timed('counts + first page of differences', () =>
      service.report(tenant.id, criteria),
    );
    console.log(first.totales);
    await timed('counts + page 100 of differences', () =>
      service.report(tenant.id, { ...criteria, pagina: 100 }),
    );
    let peakRss = process.memoryUsage().rss;
    let records = -1;
    const exported = await service.exportCsv(tenant.id, { ...criteria, clases: RECONCILIATION_CLASSES });
    const seconds = await timed(`CSV of every class (${exported.total} rows)`, async () => {
      const started = Date.now();
      for await (const chunk of exported.stream) {
        records += (chunk as string).split('\r\n').length - 1;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }
      return (Date.now() - started) / 1000;
    });
    console.log(
      `CSV: ${records} records, ${Math.round(records / seconds)} rows/s, peak RSS ${Math.round(peakRss / 1e6)} MB`,
    );
  } finally {
    await database.close();
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
