/** Messages the embedded database thread posts to its parent. */
export type EmbeddedServerMessage =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'closed' }
  | { readonly type: 'error'; readonly message: string };

/**
 * The embedded database thread, as CommonJS source for `new Worker(source, { eval: true })`: a source
 * string needs no separate build output and runs the same from ts-jest, tsx and the compiled app.
 * Module paths arrive resolved by the parent. Kept to wiring only; behaviour is tested through
 * `startEmbeddedDatabase`.
 */
export const EMBEDDED_SERVER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.modules.pglite);
const { btree_gist } = require(workerData.modules.btreeGist);
const { PGLiteSocketServer } = require(workerData.modules.socket);

async function main() {
  const db = await PGlite.create({ dataDir: workerData.dataDir, extensions: { btree_gist } });
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: workerData.port,
    maxConnections: workerData.maxConnections,
  });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  parentPort.on('message', (message) => {
    if (message !== 'close') return;
    server
      .stop()
      .then(() => db.close())
      .then(
        () => parentPort.postMessage({ type: 'closed' }),
        (error) => parentPort.postMessage({ type: 'error', message: String((error && error.message) || error) }),
      );
  });
  parentPort.postMessage({ type: 'ready', port });
}

main().catch((error) => {
  parentPort.postMessage({ type: 'error', message: String((error && error.message) || error) });
});
`;
