import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { Client } from 'pg';
import { loadConfig, type AppConfig } from '../../src/config';
import { createLogger } from '../../src/logging';
import { startApplication, type RunningApplication } from '../../src/app';
import type { Client as SoapClient } from 'soap';
import { demoSoapClient } from './demo-soap-client';
import { createEmptyDatabase, type EmptyDatabase } from './empty-database';

type StartOptions = NonNullable<Parameters<typeof startApplication>[2]>;

export interface TestAppOptions {
  /** Prefix of the test database's name (one database per test file, so each file names its own). */
  readonly name?: string;
  /** Variables over the defaults below; `undefined` removes a default (e.g. `SAT_MODE`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where the application logs (at LOG_LEVEL); nowhere by default. */
  readonly logs?: Writable;
  /** Passed to `startApplication`; the banner is dropped unless `announce` is given. */
  readonly start?: StartOptions;
}

export interface TestApp {
  readonly url: string;
  readonly app: RunningApplication;
  readonly config: AppConfig;
  /** The variables it started with: for a worker process that must share its database, key and files. */
  readonly env: Readonly<Record<string, string>>;
  /** A node-soap client of v1 (or the binding at `servicePath`), signed in as the demo API user. */
  soapClient(servicePath?: string): Promise<SoapClient>;
  /** Stops the application, then drops what the harness created (database, data directory). */
  close(): Promise<void>;
}

export interface PostgresTestApp extends TestApp {
  /** The fresh database the application migrated at start-up. */
  readonly database: EmptyDatabase;
  /** A connection of the test's own to that database, for looking at what the application wrote. */
  readonly pg: Client;
}

/** The MASTER_KEY of a test app on Postgres, for the CLI processes a test runs against its database. */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

/** What every test boot shares: listen on a free port of the loopback, fake SAT, demo tenant. */
function baseEnv(dataDir: string): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    SAT_MODE: 'simulator',
    MASTER_KEY: TEST_MASTER_KEY,
    DATA_DIR: dataDir,
  };
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

async function boot(
  options: TestAppOptions,
  defaults: Record<string, string | undefined>,
  cleanUp: () => Promise<void>,
): Promise<TestApp> {
  // A data directory of its own unless the test names one (it then owns it and removes it itself).
  const ownDataDir = options.env?.DATA_DIR === undefined;
  const dataDir = ownDataDir ? await mkdtemp(path.join(tmpdir(), 'dm-test-app-')) : '';
  // Under root the embedded server runs as the postgres system user, which must reach DATA_DIR/pg.
  if (ownDataDir) await chmod(dataDir, 0o755);
  const release = async (): Promise<void> => {
    if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    await cleanUp();
  };
  try {
    const env = definedOnly({ ...baseEnv(dataDir), ...defaults, ...options.env });
    const config = loadConfig(env);
    const logger = createLogger({ stream: options.logs ?? new PassThrough(), level: config.logLevel });
    const app = await startApplication(config, logger, { announce: () => undefined, ...options.start });
    return {
      url: app.url,
      app,
      config,
      env,
      soapClient: (servicePath) => demoSoapClient(app.url, servicePath),
      close: async () => {
        await app.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * The whole application in this process, over a fresh Postgres database of its own: what an
 * integration test boots in `beforeAll` and closes in `afterAll`.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<PostgresTestApp> {
  const database = await createEmptyDatabase(options.name ?? 'dm_test_app');
  const pg = new Client({ connectionString: database.url });
  const started = await boot(options, { DATABASE_URL: database.url }, async () => {
    await pg.end();
    await database.drop();
  });
  // Connected once the application has migrated the database, so the test sees every table.
  try {
    await pg.connect();
  } catch (error) {
    await started.close();
    throw error;
  }
  return { ...started, database, pg };
}

/**
 * The application on its embedded database (no DATABASE_URL): the set-up of someone who just runs it,
 * with its defaults (no MASTER_KEY: the key and the database live in the data directory; no SAT_MODE).
 */
export function startEmbeddedTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  return boot(options, { MASTER_KEY: undefined, SAT_MODE: undefined }, async () => undefined);
}
