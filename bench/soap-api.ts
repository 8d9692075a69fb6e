/**
 * The SOAP API under load: RecuperarSolicitud (a random one of 100,000 solicitudes) and
 * RecuperarListaSolicitudes (a filtered page, newest first) through the real application (startApplication,
 * simulator mode, workers off, the local Postgres), next to a bare node-soap echo service on the same
 * machine in the same run. 32 concurrent clients POST prepared SOAP 1.1 envelopes; prints requests/s,
 * p50/p99 and the ratio to the bare service. Creates a scratch database and drops it at the end.
 *
 *   npx tsx bench/soap-api.ts
 *   BENCH_REQUESTS=3000        calls per measured run with WS-Security PasswordDigest, and for the bare service
 *   BENCH_BASIC_REQUESTS=320   calls per measured run with HTTP Basic (each one costs an scrypt, ~0.2 s of CPU)
 *   BENCH_SOLICITUDES=100000   solicitudes inserted
 *   BENCH_EXPLAIN=1            also print the list query's plans in full
 *   TEST_DATABASE_URL          admin connection of the Postgres to use (default postgres@127.0.0.1:5432)
 *
 * Authentication is measured both ways because it dominates: HTTP Basic (as in docs/examples/curl) checks
 * the secret against its scrypt hash on every call; PasswordDigest checks a SHA-1 against the sealed secret.
 * Figures on the 2-core development machine: docs/decisions.md, "SOAP API bench".
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { SOLICITUD_FIELDS, compileFilters, compileOrder, type FilterCondition } from '../src/db';
import { createLogger } from '../src/logging';
import { startApplication, type RunningApplication } from '../src/main';
import { DEMO } from '../src/services/accounts';
import { computePasswordDigest } from '../src/soap';
import { createEmptyDatabase, type EmptyDatabase } from '../test/helpers/empty-database';
import { seedSolicitudes } from './support/seed-solicitudes';
import {
  type BareService,
  type LoadResult,
  type PreparedRequest,
  ecoRequest,
  formatResult,
  runLoad,
  startBareCalculadora,
} from './support/soap-load';

const CLIENTS = 32;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const BASIC_REQUESTS = Number(process.env.BENCH_BASIC_REQUESTS ?? 320);
const SOLICITUDES = Number(process.env.BENCH_SOLICITUDES ?? 100_000);
const TNS = 'urn:descarga-masiva:v1';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const TOKEN_PROFILE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';

/** The list every RecuperarListaSolicitudes call asks for, on page 1 to 10. */
const LIST = { rfc: DEMO.rfc, estado: 'Completada', contexto: 'Emitidos', pageSize: 50, pages: 10 };

type Auth = 'basic' | 'digest';

/** A fresh UsernameToken with PasswordDigest for the demo user (a new nonce each: replays are refused). */
function digestHeader(): string {
  const nonce = randomBytes(16).toString('base64');
  const created = new Date().toISOString();
  const digest = computePasswordDigest(nonce, created, DEMO.password);
  return (
    `<wsse:Security xmlns:wsse="${WSSE}" xmlns:wsu="${WSU}"><wsse:UsernameToken>` +
    `<wsse:Username>${DEMO.username}</wsse:Username>` +
    `<wsse:Password Type="${TOKEN_PROFILE}#PasswordDigest">${digest}</wsse:Password>` +
    `<wsse:Nonce>${nonce}</wsse:Nonce><wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`
  );
}

function call(operation: string, payload: string, auth: Auth, expect: string): PreparedRequest {
  const header = auth === 'digest' ? `<soapenv:Header>${digestHeader()}</soapenv:Header>` : '';
  return {
    body:
      `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:dm="${TNS}">` +
      `${header}<soapenv:Body>${payload}</soapenv:Body></soapenv:Envelope>`,
    headers: {
      'Content-Type': 'text/xml; charset=utf-8',
      SOAPAction: `"${TNS}/${operation}"`,
      ...(auth === 'basic'
        ? { Authorization: `Basic ${Buffer.from(`${DEMO.username}:${DEMO.password}`).toString('base64')}` }
        : {}),
    },
    expect,
  };
}

function recuperarSolicitud(ids: readonly string[], auth: Auth): PreparedRequest {
  const id = ids[Math.floor(Math.random() * ids.length)] ?? '';
  const payload = `<dm:RecuperarSolicitud><dm:IdSolicitud>${id}</dm:IdSolicitud></dm:RecuperarSolicitud>`;
  return call('RecuperarSolicitud', payload, auth, `>${id}<`);
}

function recuperarLista(total: number, auth: Auth): PreparedRequest {
  const page = 1 + Math.floor(Math.random() * LIST.pages);
  const payload =
    `<dm:RecuperarListaSolicitudes><dm:Filtro><dm:Rfc>${LIST.rfc}</dm:Rfc><dm:Estado>${LIST.estado}</dm:Estado>` +
    `<dm:Contexto>${LIST.contexto}</dm:Contexto></dm:Filtro>` +
    `<dm:Orden><dm:Campo>FechaRegistro</dm:Campo><dm:Direccion>DESC</dm:Direccion></dm:Orden>` +
    `<dm:Pagina>${page}</dm:Pagina><dm:TamanoPagina>${LIST.pageSize}</dm:TamanoPagina></dm:RecuperarListaSolicitudes>`;
  return call('RecuperarListaSolicitudes', payload, auth, `Total>${total}<`);
}

/** The list's two statements exactly as listSolicitudes builds them; prints how Postgres runs them. */
async function explainList(databaseUrl: string, tenantId: string): Promise<number> {
  const filters: FilterCondition[] = [
    { field: 'Rfc', operator: '=', value: LIST.rfc },
    { field: 'Contexto', operator: '=', value: LIST.contexto },
    { field: 'Estado', operator: 'in', value: [LIST.estado] },
  ];
  const filter = compileFilters(SOLICITUD_FIELDS, filters, [tenantId]);
  const order = compileOrder(SOLICITUD_FIELDS, [{ field: 'FechaRegistro', direction: 'DESC' }], [], 's.id');
  const where = `s.tenant_id = $1 AND ${filter.where}`;
  const offset = (LIST.pages - 1) * LIST.pageSize;
  const statements = {
    count: `SELECT count(*)::int AS total FROM solicitudes s WHERE ${where}`,
    [`page ${LIST.pages}`]: `SELECT s.id FROM solicitudes s WHERE ${where} ORDER BY ${order} LIMIT ${LIST.pageSize} OFFSET ${offset}`,
  };
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const [name, sql] of Object.entries(statements)) {
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
        filter.parameters,
      );
      const lines = plan.rows.map((row) => row['QUERY PLAN']);
      const nodes = lines
        .filter((line) => /Scan|Sort|Limit|Aggregate/.test(line))
        .map((line) => line.trim().replace(/\s+\(cost.*$/, ''));
      const time = lines.find((line) => line.startsWith('Execution Time')) ?? '';
      console.log(`  list ${name}: ${time.replace('Execution Time: ', '')}; ${nodes.join(' <- ')}`);
      if (process.env.BENCH_EXPLAIN) console.log(lines.map((line) => `    ${line}`).join('\n'));
    }
    const counted = await client.query<{ total: number }>(statements.count, filter.parameters);
    return counted.rows[0]?.total ?? 0;
  } finally {
    await client.end();
  }
}

/** A warm-up run of a quarter of the calls (at least one per client), then the measured run. */
async function measure(url: string, count: number, prepare: () => PreparedRequest): Promise<LoadResult> {
  const batch = (size: number) => Array.from({ length: size }, prepare);
  await runLoad({ url, clients: CLIENTS, requests: batch(Math.max(CLIENTS, Math.ceil(count / 4))) });
  return runLoad({ url, clients: CLIENTS, requests: batch(count) });
}

async function main(): Promise<void> {
  let database: EmptyDatabase | undefined;
  let application: RunningApplication | undefined;
  let bare: BareService | undefined;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dm-bench-soap-api-'));
  try {
    database = await createEmptyDatabase('dm_bench_soap_api');
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      MASTER_KEY: randomBytes(32).toString('base64'),
      SAT_MODE: 'simulator',
      WORKERS_ENABLED: 'false',
      DATA_DIR: dataDir,
      // The limiter (600 calls a minute per API user by default) would measure itself, not the API.
      RATE_LIMIT_PER_MINUTE: '1000000000',
      LOG_LEVEL: 'warn',
    });
    application = await startApplication(config, createLogger({ level: 'warn' }), {
      announce: () => undefined,
    });
    const endpoint = `${application.url}/soap/DescargaMasiva`;

    const seedStarted = Date.now();
    const seeded = await seedSolicitudes(database.url, SOLICITUDES);
    console.log(
      `${seeded.ids.length} solicitudes of ${seeded.rfcs.length} RFCs inserted in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`,
    );
    const listTotal = await explainList(database.url, seeded.tenantId);
    bare = await startBareCalculadora();

    const results: [string, LoadResult][] = [];
    let echo = 0;
    const bareResult = await measure(bare.url, REQUESTS, () => ecoRequest(`eco-${(echo += 1)}`));
    for (const auth of ['digest', 'basic'] as const) {
      const count = auth === 'digest' ? REQUESTS : BASIC_REQUESTS;
      const label = auth === 'digest' ? 'PasswordDigest' : 'HTTP Basic';
      results.push([
        `RecuperarSolicitud, ${label}`,
        await measure(endpoint, count, () => recuperarSolicitud(seeded.ids, auth)),
      ]);
      results.push([
        `RecuperarListaSolicitudes, ${label}`,
        await measure(endpoint, count, () => recuperarLista(listTotal, auth)),
      ]);
    }

    console.log(
      `\nload average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')} (other work on the machine lowers every figure)`,
    );
    console.log(
      `${CLIENTS} concurrent clients, SOAP 1.1; ${REQUESTS} calls per run (HTTP Basic: ${BASIC_REQUESTS}); ` +
        `list: ${LIST.rfc} ${LIST.estado} ${LIST.contexto}, ${listTotal} matches, pages 1-${LIST.pages} of ${LIST.pageSize}, newest first`,
    );
    console.log(formatResult('bare node-soap echo', bareResult));
    for (const [name, result] of results) {
      console.log(
        `${formatResult(name, result)}  ratio ${(result.perSecond / bareResult.perSecond).toPrecision(2)}`,
      );
    }
  } finally {
    await bare?.close();
    await application?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
