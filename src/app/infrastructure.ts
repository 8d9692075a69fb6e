import { createHmac } from 'node:crypto';
import path from 'node:path';
import { projectRoot, type AppConfig } from '../config';
import { openDatabase, type OpenDatabase } from '../db';
import { ConfigError, generalErrors } from '../errors';
import type { Logger } from '../logging';
import { startSatSimulator } from '../sat-simulator';
import { ensureDemoTenant } from '../services/accounts';
import { loadKeyring, SecretBox } from '../services/secrets';
import { DEFAULT_STALE_PART_AGE_MS, createObjectStore, type ObjectStore } from '../storage';
import type { HealthProbe } from '../web';
import type { ShutdownOrder } from './lifecycle';

/** What every other part is built on: storage, secrets and where SAT is. */
export interface Infrastructure {
  readonly database: OpenDatabase;
  readonly box: SecretBox;
  /** Signs local download links. */
  readonly linkSecret: Buffer;
  readonly objectStore: ObjectStore;
  /** The simulator's URL in simulator mode; undefined means SAT's production hosts. */
  readonly satBaseUrl: string | undefined;
  /** `/healthz` checks, by name; the HTTP part mounts them. */
  readonly probes: Record<string, HealthProbe>;
  /** Local links point at the listening URL when PUBLIC_BASE_URL is not set: known only once it listens. */
  useListeningUrl(url: string): void;
}

export async function openInfrastructure(
  config: AppConfig,
  logger: Logger,
  shutdown: ShutdownOrder,
  options: { readonly workerOnly: boolean },
): Promise<Infrastructure> {
  const probes: Record<string, HealthProbe> = {};
  const database = await openDatabaseOf(config, logger, shutdown);
  probes.database = () => database.probe();

  // Fails start-up when the key is missing or cannot open what is stored: better than failing later.
  const keyring = await loadKeyring({
    masterKey: config.masterKey,
    masterKeyPrevious: config.masterKeyPrevious,
    dataDir: config.dataDir,
    allowGenerate: config.database.url === undefined,
  });
  const box = new SecretBox(keyring.current, keyring.previous);

  // Links must survive restarts, so their key is derived from the master key rather than random.
  const linkSecret = createHmac('sha256', keyring.current.key).update('descarga-masiva:file-links').digest();
  let publicUrl = config.publicBaseUrl ?? '';
  const objectStore = await openObjectStore(config, logger, linkSecret, () => publicUrl);
  probes.storage = () => objectStore.ping();

  const satBaseUrl = await startSimulatorIfWanted(config, logger, shutdown, options.workerOnly);
  if (config.sat.mode === 'simulator') {
    await ensureDemoTenant(database.dataSource, box, {
      directory: path.join(projectRoot(), 'fixtures', 'fake-fiel'),
    });
  }
  return {
    database,
    box,
    linkSecret,
    objectStore,
    satBaseUrl,
    probes,
    useListeningUrl: (url) => {
      publicUrl ||= url;
    },
  };
}

async function openDatabaseOf(
  config: AppConfig,
  logger: Logger,
  shutdown: ShutdownOrder,
): Promise<OpenDatabase> {
  const database = await openDatabase({
    url: config.database.url,
    dataDir: config.dataDir,
    createSystemUser: config.database.createSystemUser,
    poolSize: config.database.poolSize,
    migrate: true,
    applicationName: 'descarga-masiva',
  });
  shutdown.add(() => database.close());
  if (database.appliedMigrations.length > 0) {
    logger.info('migrations applied', { migrations: database.appliedMigrations });
  }
  return database;
}

function openObjectStore(
  config: AppConfig,
  logger: Logger,
  linkSecret: Buffer,
  baseUrl: () => string,
): Promise<ObjectStore> {
  if (config.storage.kind === 's3') return createObjectStore({ ...config.storage });
  return createObjectStore({
    kind: 'local',
    directory: config.storage.directory,
    baseUrl,
    linkSecret,
    // A live download pauses at most SAT's idle timeout before it is aborted (and its part deleted).
    stalePartAfterMs: Math.max(DEFAULT_STALE_PART_AGE_MS, 2 * config.sat.idleTimeoutMs),
    onSweep: ({ removed, kept, failed }) => {
      if (removed.length > 0 || failed.length > 0) {
        logger.info('temporary files of interrupted writes swept', { removed, kept, failed });
      }
    },
  });
}

/**
 * Simulator mode runs SAT itself, on loopback, unless SAT_BASE_URL points at another one. A separate
 * worker must share the service's simulator (its requests live in memory), so it needs the URL.
 */
async function startSimulatorIfWanted(
  config: AppConfig,
  logger: Logger,
  shutdown: ShutdownOrder,
  workerOnly: boolean,
): Promise<string | undefined> {
  if (config.sat.mode !== 'simulator' || config.sat.baseUrl) return config.sat.baseUrl;
  if (workerOnly) {
    throw new ConfigError(generalErrors.configInvalid, {
      params: {
        variable: 'SAT_BASE_URL',
        reason: 'a separate worker in simulator mode needs the shared simulator URL',
      },
    });
  }
  const simulator = await startSatSimulator({ delaySeconds: config.simulator.delaySeconds });
  shutdown.add(() => simulator.close());
  logger.info('SAT simulator started', { url: simulator.url });
  return simulator.url;
}
