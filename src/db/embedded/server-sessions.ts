import { Client } from 'pg';
import { EMBEDDED_DATABASE_NAME } from './paths';
import { errnoOf, outputOf, sleep, startFailure, SUPERUSER } from './processes';

/** Connections the lifecycle itself needs: creating the application database, counting who else is connected. */

export async function ensureApplicationDatabase(
  port: number,
  password: string,
  dataDir: string,
): Promise<void> {
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
export async function countOtherClients(
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
export interface Presence {
  readonly client: Client;
  readonly backendPid: number;
}

export async function holdPresence(port: number, password: string): Promise<Presence | undefined> {
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
