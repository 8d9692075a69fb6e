/**
 * A package end to end, as a worker moves it: a generated SAT answer of SIZE_MB (base64 in SOAP, made on
 * the fly) -> the SAT client's streaming download -> the object store (local disk by default, or an
 * S3-speaking server on loopback with `--s3`) with its SHA-256 computed on the way. Prints MB/s, the
 * peak RSS of this process (which also runs the generating server, and s3rver with `--s3`) and whether
 * the stored hash matches what the server sent.
 *
 * The floor, in the same run: the same bytes from the same server, raw (an HTTP GET, no SOAP, no
 * base64), piped into the same store's `put`. The ratio ours/floor is what the SOAP and base64 path
 * costs over moving the bytes at all.
 *
 *   npx tsx bench/package-end-to-end.ts [SIZE_MB=500] [--s3]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Fiel, NodeSatTransport, SatClient, endpointsAt } from '../src/sat';
import { LocalDiskObjectStore, S3ObjectStore, type ObjectStore } from '../src/storage';
import type { S3TestServer } from '../test/helpers/s3-server';
import { RAW_PACKAGE_PATH, startGeneratedSat } from './support/generated-sat';
import { rerunWithServiceFlags } from '../test/helpers/service-flags';

const MB = 1024 * 1024;
const sizeMb = Number(process.argv.find((argument) => /^\d+$/.test(argument)) ?? 500);
const useS3 = process.argv.includes('--s3');
const root = path.join(__dirname, '..');

function fakeFiel(): Fiel {
  const directory = path.join(root, 'fixtures/fake-fiel');
  return Fiel.create({
    certificate: readFileSync(path.join(directory, 'EKU9003173C9.cer')),
    privateKey: readFileSync(path.join(directory, 'EKU9003173C9.key')),
    password: readFileSync(path.join(directory, 'EKU9003173C9-password.txt'), 'utf8'),
  });
}

/**
 * s3rver in a process of its own: the peak RSS printed is then the download's and the store client's,
 * not the S3 server's, which a deployment does not host (it holds each part it receives).
 */
async function startS3Process(): Promise<S3TestServer> {
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('tsx/cjs'),
      '-e',
      `require(${JSON.stringify(path.join(root, 'test/helpers/s3-server'))}).startS3Server().then((s) => {
        process.stdout.write(JSON.stringify(s) + '\\n');
        process.once('SIGTERM', () => s.close().then(() => process.exit(0)));
      });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.split('\n')[0] ?? '');
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code})`)));
  });
  const server = JSON.parse(line) as Omit<S3TestServer, 'close'>;
  return {
    ...server,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function main(): Promise<void> {
  const size = sizeMb * MB;
  const sat = await startGeneratedSat(size);
  const directory = mkdtempSync(path.join(tmpdir(), 'dm-bench-e2e-'));
  const s3 = useS3 ? await startS3Process() : undefined;
  const store: ObjectStore = s3
    ? new S3ObjectStore({ ...s3, region: 'us-east-1', bucket: 'bench-paquetes' })
    : new LocalDiskObjectStore({
        directory,
        baseUrl: () => 'http://127.0.0.1',
        linkSecret: Buffer.alloc(32, 1),
      });
  await store.ensureReady();
  const transport = new NodeSatTransport({
    connectTimeoutMs: 5000,
    idleTimeoutMs: 30_000,
    totalTimeoutMs: 3_600_000,
  });
  const client = new SatClient({ fiel: fakeFiel(), endpoints: endpointsAt(sat.url, 'cfdi'), transport });

  /** Runs `work` alone, sampling this process's RSS every 20 ms. */
  async function measured(
    label: string,
    work: () => Promise<{ size: number; sha256: string }>,
  ): Promise<{ seconds: number; peakRss: number; intact: boolean }> {
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    const started = process.hrtime.bigint();
    const stored = await work();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const intact = stored.size === size && stored.sha256 === sat.sha256();
    console.log(
      `${label}: ${(size / MB / seconds).toFixed(1)} MB/s, ${seconds.toFixed(2)} s, ` +
        `peak RSS ${Math.round(peakRss / MB)} MB, ${intact ? 'stored intact' : 'CORRUPT'}`,
    );
    return { seconds, peakRss, intact };
  }

  console.log(
    `package ${sizeMb} MB -> ${s3 ? 'S3 (s3rver on loopback, own process)' : 'local disk'}, ` +
      `RSS before ${Math.round(process.memoryUsage().rss / MB)} MB`,
  );
  const ours = await measured('ours  (SOAP + base64 -> store)', async () => {
    const answer = await client.download('BENCH_01');
    return store.put('bench/tenant/EKU9003173C9/2026/solicitud/BENCH_01.zip', answer.paquete as Readable);
  });
  global.gc?.();
  const floor = await measured('floor (raw HTTP GET -> store)', async () => {
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get(`${sat.url}${RAW_PACKAGE_PATH}`, resolve).once('error', reject);
    });
    return store.put('bench/tenant/EKU9003173C9/2026/solicitud/BENCH_FLOOR.zip', response);
  });
  const intact = ours.intact && floor.intact;
  console.log(
    `ratio ours/floor ${(floor.seconds / ours.seconds).toFixed(2)} (throughput; target >= 0.7), ` +
      `peak RSS ours ${Math.round(ours.peakRss / MB)} MB (target < 250 MB)`,
  );
  transport.close();
  await sat.close();
  await s3?.close();
  rmSync(directory, { recursive: true, force: true });
  if (!intact) process.exitCode = 1;
}

rerunWithServiceFlags();
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
