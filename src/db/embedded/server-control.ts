import { randomBytes } from 'node:crypto';
import { chown, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { parsePostmasterPid, type PostmasterPid, type ServerUser } from './lifecycle';
import type { PostgresBinaries } from './postgres-binaries';
import { outputOf, run, START_TIMEOUT_MS, startFailure, SUPERUSER } from './processes';

/** initdb, pg_ctl start and stop, and the files PostgreSQL itself keeps in the cluster directory. */

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

export async function initialise(
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

export async function readPostmaster(dataDir: string): Promise<PostmasterPid | undefined> {
  try {
    return parsePostmasterPid(await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8'));
  } catch {
    return undefined;
  }
}

export async function startServer(
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

/** Fast shutdown: clients are disconnected, the server checkpoints and exits. */
export async function stopServer(
  dataDir: string,
  binaries: PostgresBinaries,
  user: ServerUser | undefined,
): Promise<void> {
  try {
    await run(
      binaries.pgCtl,
      ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', String(START_TIMEOUT_MS / 1000), '-s'],
      user,
    );
  } catch (error) {
    // Stopped meanwhile by another process: the outcome we wanted.
    if ((await readPostmaster(dataDir)) !== undefined) {
      throw startFailure(dataDir, `pg_ctl stop failed: ${outputOf(error)}`, error);
    }
  }
}
