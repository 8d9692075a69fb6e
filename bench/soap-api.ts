/**
 * The SOAP API under load: RecuperarSolicitud (a random one of 100,000 solicitudes) and
 * RecuperarListaSolicitudes (a filtered page, newest first) through the real application (startApplication,
 * simulator mode, workers off, the local Postgres), next to a bare node-soap echo service on the same
 * machine in the same run, and next to the fair floor: the same bare service whose handler runs the same
 * SQL on a plain pg pool (bench/support/same-sql-floor.ts). 32 concurrent clients POST prepared SOAP 1.1
 * envelopes; prints requests/s, p50/p99 and the ratios to both. Creates a scratch database and drops it.
 *
 *   npx tsx bench/soap-api.ts
 *   BENCH_REQUESTS=3000        calls per measured run (bare services, PasswordDigest)
 *   BENCH_BASIC_REQUESTS=3000  calls per measured run with HTTP Basic (only each client's first call pays an scrypt)
 *   BENCH_SOLICITUDES=100000   solicitudes inserted
 *   BENCH_ROUNDS=3             rounds of every series, interleaved; each series is reported by its median round
 *   BENCH_EXPLAIN=1            also print the list query's plans in full
 *   BENCH_ONLY=<text>          measure only the calls whose name contains it (the echo always runs)
 *   BENCH_CPU_PROFILE=<dir>    write a CPU profile of each measured run there (bench/support/profile-summary.ts)
 *   TEST_DATABASE_URL          admin connection of the Postgres to use (default postgres@127.0.0.1:5432)
 *
 * Authentication is measured both ways: HTTP Basic (as in docs/examples/curl) checks the secret against
 * its scrypt hash once, then against the verified-secret cache; PasswordDigest checks a SHA-1 against the
 * sealed secret. Figures on the 2-core development machine: docs/decisions.md, "SOAP read path".
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { solicitudListStatements, type FilterCondition } from '../src/db';
import { createLogger } from '../src/logging';
import { startApplication, type RunningApplication } from '../src/app';
import { DEMO } from '../src/services/accounts';
import { computePasswordDigest } from '../src/soap';
import { createEmptyDatabase, type EmptyDatabase } from '../test/helpers/empty-database';
import { profiled } from './support/cpu-profile';
import { type SameSqlFloor, startSameSqlFloor } from './support/same-sql-floor';
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
import { rerunWithServiceFlags } from '../test/helpers/service-flags';

const CLIENTS = 32;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const BASIC_REQUESTS = Number(process.env.BENCH_BASIC_REQUESTS ?? REQUESTS);
const SOLICITUDES = Number(process.env.BENCH_SOLICITUDES ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TNS = 'urn:descarga-masiva:v1';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const TOKEN_PROFILE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';

/** The list every RecuperarListaSolicitudes call asks for, on page 1 to 10. */
const LIST = { rfc: DEMO.rfc, estado: 'Completada', contexto: 'Emitidos', pageSize: 50, pages: 10 };

type Auth = 'basic' | 'digest';

/** One line of the report: what is called, how, and the floor it is compared with. */
interface Series {
  readonly key: string;
  readonly label: string;
  readonly url: string;
  readonly count: number;
  readonly prepare: () => PreparedRequest;
  readonly floor?: string;
}

/** The run with the median throughput (the lower middle one of an even count). */
function medianRun(results: readonly LoadResult[]): LoadResult | undefined {
  const sorted = [...results].sort((left, right) => left.perSecond - right.perSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** BENCH_ONLY narrows the run to the calls whose name contains it (for a CPU profile of one call). */
const wanted = (name: string): boolean => !process.env.BENCH_ONLY || name.includes(process.env.BENCH_ONLY);

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

const randomId = (ids: readonly string[]): string => ids[Math.floor(Math.random() * ids.length)] ?? '';
const randomPage = (): number => 1 + Math.floor(Math.random() * LIST.pages);

function recuperarSolicitud(ids: readonly string[], auth: Auth): PreparedRequest {
  const id = randomId(ids);
  const payload = `<dm:RecuperarSolicitud><dm:IdSolicitud>${id}</dm:IdSolicitud></dm:RecuperarSolicitud>`;
  return call('RecuperarSolicitud', payload, auth, `>${id}<`);
}

function recuperarLista(total: number, auth: Auth): PreparedRequest {
  const page = randomPage();
  const payload =
    `<dm:RecuperarListaSolicitudes><dm:Filtro><dm:Rfc>${LIST.rfc}</dm:Rfc><dm:Estado>${LIST.estado}</dm:Estado>` +
    `<dm:Contexto>${LIST.contexto}</dm:Contexto></dm:Filtro>` +
    `<dm:Orden><dm:Campo>FechaRegistro</dm:Campo><dm:Direccion>DESC</dm:Direccion></dm:Orden>` +
    `<dm:Pagina>${page}</dm:Pagina><dm:TamanoPagina>${LIST.pageSize}</dm:TamanoPagina></dm:RecuperarListaSolicitudes>`;
  return call('RecuperarListaSolicitudes', payload, auth, `Total>${total}<`);
}

const LIST_FILTERS: readonly FilterCondition[] = [
  { field: 'Rfc', operator: '=', value: LIST.rfc },
  { field: 'Contexto', operator: '=', value: LIST.contexto },
  { field: 'Estado', operator: 'in', value: [LIST.estado] },
];

/** The list's statements exactly as listSolicitudes builds them; prints how Postgres runs them. */
async function explainList(databaseUrl: string, tenantId: string): Promise<number> {
  const built = solicitudListStatements(tenantId, {
    filters: LIST_FILTERS,
    order: [{ field: 'FechaRegistro', direction: 'DESC' }],
    page: { page: LIST.pages, pageSize: LIST.pageSize },
  });
  const statements = { count: built.count, [`page ${LIST.pages}`]: built.page };
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const [name, sql] of Object.entries(statements)) {
      const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, [
        ...built.parameters,
      ]);
      const lines = plan.rows.map((row) => row['QUERY PLAN']);
      const nodes = lines
        .filter((line) => /Scan|Sort|Limit|Aggregate/.test(line))
        .map((line) => line.trim().replace(/\s+\(cost.*$/, ''));
      const time = lines.find((line) => line.startsWith('Execution Time')) ?? '';
      console.log(`  list ${name}: ${time.replace('Execution Time: ', '')}; ${nodes.join(' <- ')}`);
      if (process.env.BENCH_EXPLAIN) console.log(lines.map((line) => `    ${line}`).join('\n'));
    }
    const counted = await client.query<{ list_total: number }>(built.count, [...built.parameters]);
    return counted.rows[0]?.list_total ?? 0;
  } finally {
    await client.end();
  }
}

/** A warm-up run of a quarter of the calls (at least one per client), then the measured run. */
async function measure(
  name: string,
  url: string,
  count: number,
  prepare: () => PreparedRequest,
): Promise<LoadResult> {
  const batch = (size: number) => Array.from({ length: size }, prepare);
  await runLoad({ url, clients: CLIENTS, requests: batch(Math.max(CLIENTS, Math.ceil(count / 4))) });
  return profiled(name, () => runLoad({ url, clients: CLIENTS, requests: batch(count) }));
}

async function main(): Promise<void> {
  let database: EmptyDatabase | undefined;
  let application: RunningApplication | undefined;
  let bare: BareService | undefined;
  let floor: SameSqlFloor | undefined;
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
    floor = await startSameSqlFloor({
      databaseUrl: database.url,
      poolSize: config.database.poolSize,
      tenantId: seeded.tenantId,
      listFilters: LIST_FILTERS,
      pageSize: LIST.pageSize,
    });

    // Every series is measured once per round, the rounds interleaved, and each is reported by its
    // median round: on this shared 2-core machine a single run moves by a third from one minute to the
    // next, and interleaving gives the series being compared the same moments.
    let echo = 0;
    const sameSql = floor;
    const series: Series[] = [
      {
        key: 'echo',
        label: 'bare node-soap echo',
        url: bare.url,
        count: REQUESTS,
        prepare: () => ecoRequest(`eco-${(echo += 1)}`),
      },
    ];
    if (wanted('RecuperarSolicitud'))
      series.push({
        key: 'floor-solicitud',
        label: 'floor: node-soap + same SQL, RecuperarSolicitud',
        url: sameSql.url,
        count: REQUESTS,
        prepare: () => sameSql.solicitud(randomId(seeded.ids)),
      });
    if (wanted('RecuperarListaSolicitudes'))
      series.push({
        key: 'floor-lista',
        label: 'floor: node-soap + same SQL, list page',
        url: sameSql.url,
        count: REQUESTS,
        prepare: () => sameSql.lista(randomPage(), listTotal),
      });
    for (const auth of ['digest', 'basic'] as const) {
      const count = auth === 'digest' ? REQUESTS : BASIC_REQUESTS;
      const label = auth === 'digest' ? 'PasswordDigest' : 'HTTP Basic';
      if (wanted(`RecuperarSolicitud, ${label}`))
        series.push({
          key: `RecuperarSolicitud ${auth}`,
          label: `RecuperarSolicitud, ${label}`,
          floor: 'floor-solicitud',
          url: endpoint,
          count,
          prepare: () => recuperarSolicitud(seeded.ids, auth),
        });
      if (wanted(`RecuperarListaSolicitudes, ${label}`))
        series.push({
          key: `RecuperarListaSolicitudes ${auth}`,
          label: `RecuperarListaSolicitudes, ${label}`,
          floor: 'floor-lista',
          url: endpoint,
          count,
          prepare: () => recuperarLista(listTotal, auth),
        });
    }
    const runs = new Map<string, LoadResult[]>(series.map((one) => [one.key, []]));
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const one of series) {
        const profileName = ROUNDS > 1 ? `${one.key} round ${round}` : one.key;
        runs.get(one.key)?.push(await measure(profileName, one.url, one.count, one.prepare));
      }
    }
    const median = (key: string): LoadResult | undefined => medianRun(runs.get(key) ?? []);

    console.log(
      `\nload average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')} (other work on the machine lowers every figure)`,
    );
    console.log(
      `${CLIENTS} concurrent clients, SOAP 1.1; ${REQUESTS} calls per run (HTTP Basic: ${BASIC_REQUESTS}); ` +
        `median of ${ROUNDS} interleaved rounds; ` +
        `list: ${LIST.rfc} ${LIST.estado} ${LIST.contexto}, ${listTotal} matches, pages 1-${LIST.pages} of ${LIST.pageSize}, newest first`,
    );
    const echoResult = median('echo');
    for (const one of series) {
      const result = median(one.key);
      if (!result || !echoResult) continue;
      const spread = (runs.get(one.key) ?? []).map((run) => run.perSecond.toFixed(0)).join('/');
      const floorResult = one.floor ? median(one.floor) : undefined;
      const ratios =
        one.key === 'echo'
          ? ''
          : `  of echo ${(result.perSecond / echoResult.perSecond).toPrecision(2)}` +
            (floorResult
              ? `  of same-SQL floor ${(result.perSecond / floorResult.perSecond).toPrecision(2)}`
              : '');
      console.log(`${formatResult(one.label, result, 48)}${ratios}  (rounds: ${spread})`);
    }
  } finally {
    await bare?.close();
    await floor?.close();
    await application?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

rerunWithServiceFlags();
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
