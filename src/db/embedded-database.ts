import { mkdir } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { InternalError, dbErrors } from '../errors';
import { acquireLock, lockFileOf, publishPort, releaseLock, waitForPort } from './embedded-lock';
import { EMBEDDED_SERVER_SOURCE, type EmbeddedServerMessage } from './embedded-server-source';

export interface EmbeddedDatabaseOptions {
  /** Directory holding PGlite's files; created when missing, reused on the next start. */
  readonly dataDir: string;
  /**
   * Concurrent client connections the socket server accepts (the app's pool, Agenda's backend and the
   * CLI together). PGlite still executes one query at a time.
   */
  readonly maxConnections?: number;
  /** Loopback port; 0 (default) picks a free one. */
  readonly port?: number;
}

export interface EmbeddedDatabase {
  /** postgres:// URL for `pg`, TypeORM and Agenda's backend. */
  readonly url: string;
  readonly port: number;
  /** True when another process already served this data directory and we only connect to it. */
  readonly shared: boolean;
  /**
   * Stops accepting connections, closes PGlite (flushing its files) and ends its thread; a shared
   * database is left running for its owner.
   */
  close(): Promise<void>;
}

const DEFAULT_MAX_CONNECTIONS = 32;

function startFailure(dataDir: string, reason: string, cause?: unknown): InternalError {
  return new InternalError(dbErrors.embeddedStartFailed, { params: { dataDir, reason }, cause });
}

function nextMessage(worker: Worker, dataDir: string): Promise<EmbeddedServerMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: EmbeddedServerMessage): void => {
      cleanup();
      resolve(message);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(startFailure(dataDir, error.message, error));
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(startFailure(dataDir, `database thread exited with code ${code}`));
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/**
 * Postgres for a machine with no Postgres: PGlite (WASM) persisted in `dataDir`, served on a 127.0.0.1
 * port by pglite-socket's multiplexing server, so the same `pg`-based code (TypeORM pool, Agenda's
 * LISTEN/NOTIFY and SKIP LOCKED) runs unchanged. btree_gist is loaded for the ledger's exclusion
 * constraint.
 *
 * One process serves a data directory (see embedded-lock.ts); a second caller, such as a CLI command
 * while the app runs, gets a `shared` handle connected to the running server.
 *
 * It runs in its own worker thread: queries execute synchronously inside the WASM module, which would
 * otherwise stall the HTTP server's event loop, and a plain Node thread also loads PGlite's files the
 * way PGlite expects (Jest's module sandbox cannot run its dynamic imports).
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  await mkdir(options.dataDir, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (await acquireLock(options.dataDir)) {
      try {
        return await serve(options);
      } catch (error) {
        await releaseLock(options.dataDir);
        throw error;
      }
    }
    const port = await waitForPort(options.dataDir);
    if (port !== undefined) {
      return { url: urlFor(port), port, shared: true, close: () => Promise.resolve() };
    }
  }
  throw startFailure(options.dataDir, `another process holds ${lockFileOf(options.dataDir)}`);
}

function urlFor(port: number): string {
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

async function serve(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const worker = new Worker(EMBEDDED_SERVER_SOURCE, {
    eval: true,
    workerData: {
      dataDir: options.dataDir,
      port: options.port ?? 0,
      maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      modules: {
        pglite: require.resolve('@electric-sql/pglite'),
        btreeGist: require.resolve('@electric-sql/pglite/contrib/btree_gist'),
        socket: require.resolve('@electric-sql/pglite-socket'),
      },
    },
  });
  const ready = await nextMessage(worker, options.dataDir).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  if (ready.type !== 'ready') {
    await worker.terminate();
    throw startFailure(options.dataDir, ready.type === 'error' ? ready.message : 'unexpected message');
  }
  try {
    await publishPort(options.dataDir, ready.port);
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    url: urlFor(ready.port),
    port: ready.port,
    shared: false,
    close: () => {
      closing ??= (async () => {
        const closed = nextMessage(worker, options.dataDir).catch(() => undefined);
        worker.postMessage('close');
        await closed;
        await worker.terminate();
        await releaseLock(options.dataDir);
      })();
      return closing;
    },
  };
}
